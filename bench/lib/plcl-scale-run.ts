/**
 * One PL-CL fit on a synthetic problem in its own process, so that its peak memory is its own:
 * `node --conditions=@numts/source --import tsx bench/lib/plcl-scale-run.ts '<PllShape JSON>' [testRows]`
 * prints {"cpu_s": …, "predict_cpu_s": …, "peak_mb": …, "predictions": […]}: CPU of the fit; of
 * predicting the first `testRows` training rows when given (the job the authors' code runs side by
 * side) and those predictions; the peak resident set of the process.
 */
import { fitPlcl } from '@numts/pll';
import { type PllShape, syntheticPll } from './pll-synthetic.js';

const shape = JSON.parse(process.argv[2]!) as PllShape;
const testRows = Number(process.argv[3] ?? 0);
const { x, y } = syntheticPll(shape, 1);
const t0 = process.cpuUsage();
const model = fitPlcl(x, y);
const cpu = process.cpuUsage(t0);
const t1 = process.cpuUsage();
const predictions = testRows > 0 ? Array.from(model.predict(x.slice(0, testRows).clone())) : [];
const predictCpu = process.cpuUsage(t1);
console.log(
  JSON.stringify({
    cpu_s: (cpu.user + cpu.system) / 1e6,
    predict_cpu_s: (predictCpu.user + predictCpu.system) / 1e6,
    peak_mb: process.resourceUsage().maxRSS / 1024,
    predictions,
  }),
);
