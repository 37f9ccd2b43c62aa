/**
 * HOMI on the synthetic sparse problem in its own process, so that its peak memory is its own:
 * `node --conditions=@numts/source --import tsx bench/lib/homi-sparse-run.ts [smoke]` prints
 * {"preprocess_cpu_s", "fold_cpu_s", "peak_mb", "iterations"}: the whitening of the whole data set
 * (once per data set), then fit + predict of fold 0 of the 5-fold protocol.
 */
import { fitHomi, homiPreprocess, homiScores, numpyFoldsAndInits, takeRows } from '@numts/multilabel';
import { sparseMultiLabel } from './multilabel-synthetic.js';

const smoke = process.argv[2] === 'smoke';
const { x, y } = sparseMultiLabel(smoke);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const t0 = cpu();
const x0 = homiPreprocess(x);
const t1 = cpu();
const { folds, inits } = numpyFoldsAndInits(x.rows, 0, x0.cols, y.cols);
const fold = folds[0]!;
const model = fitHomi(takeRows(x0, fold.train), takeRows(y, fold.train), { init: inits[0]! });
homiScores(model, takeRows(x0, fold.test));
const t2 = cpu();
console.log(
  JSON.stringify({
    preprocess_cpu_s: t1 - t0,
    fold_cpu_s: t2 - t1,
    peak_mb: process.resourceUsage().maxRSS / 1024,
    iterations: model.iterations,
  }),
);
