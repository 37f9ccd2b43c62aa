/**
 * One PL-CL fit on a synthetic problem in its own process, so that its peak memory is its own:
 * `node --conditions=@numts/source --import tsx bench/lib/plcl-scale-run.ts '<PllShape JSON>'`
 * prints {"cpu_s": …, "peak_mb": …} (CPU of the fit; peak resident set of the process).
 */
import { fitPlcl } from '@numts/pll';
import { type PllShape, syntheticPll } from './pll-synthetic.js';

const shape = JSON.parse(process.argv[2]!) as PllShape;
const { x, y } = syntheticPll(shape, 1);
const t0 = process.cpuUsage();
fitPlcl(x, y);
const cpu = process.cpuUsage(t0);
console.log(
  JSON.stringify({
    cpu_s: (cpu.user + cpu.system) / 1e6,
    peak_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
