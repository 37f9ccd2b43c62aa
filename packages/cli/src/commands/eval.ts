/**
 * `numts pll eval` and `numts multilabel eval`: k-fold cross-validation of a learner on a user's file.
 *
 * @module
 */
import { loadMulan, loadPllMat, type MultiLabelData, parseMulanXml } from '@numts/io';
import { crossValidateMultiLabel, MULTILABEL_METHODS } from '@numts/multilabel';
import { crossValidatePll, PLL_METHODS } from '@numts/pll';
import { asInputError, CliError, EXIT_INPUT, EXIT_USAGE } from '../cli-error.js';
import { readInput } from '../files.js';
import { optionRangeError, parseLearnerOptions } from '../learner-options.js';
import { startProgress, textTable } from '../progress.js';

function parseFolds(v: string | undefined, dflt: number, n: number): number {
  const k = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(k) || k < 2 || k > n)
    throw new CliError(`--folds must be an integer in [2, ${n}] (got ${v})`, EXIT_USAGE);
  return k;
}

/** Runs `numts pll eval`. */
export function pllEval(
  opts: { data?: string; method?: string; folds?: string; seed?: string; opt?: string[] },
  json: boolean,
  quiet: boolean,
): number {
  if (!opts.data)
    throw new CliError('pll eval needs --data <file.mat>', EXIT_USAGE, 'see numts pll eval --help');
  const method = opts.method ?? 'plcl';
  const methods = Object.keys(PLL_METHODS);
  const learner = Object.hasOwn(PLL_METHODS, method) ? PLL_METHODS[method] : undefined;
  if (learner === undefined)
    throw new CliError(
      `--method must be one of ${methods.join(', ')} (got ${JSON.stringify(method)})`,
      EXIT_USAGE,
    );
  const learnerOptions = parseLearnerOptions(method, learner.options, opts.opt);
  const bytes = readInput(opts.data);
  let data: ReturnType<typeof loadPllMat>;
  try {
    data = loadPllMat(bytes);
  } catch (e) {
    throw asInputError(e, opts.data);
  }
  if (!data.candidates)
    throw new CliError(
      `${opts.data}: the file has no candidate matrix (partial_target)`,
      EXIT_INPUT,
      'a partial-label .mat file needs partial_target',
    );
  if (!data.truth)
    throw new CliError(
      `${opts.data}: the file has no true labels (target), so accuracy cannot be measured`,
      EXIT_INPUT,
    );
  const n = data.x.rows;
  const k = parseFolds(opts.folds, 10, n);
  const seed = Number(opts.seed ?? 0);
  const bar = startProgress(`pll ${method}`, !quiet && !json);
  let result: ReturnType<typeof crossValidatePll>;
  try {
    result = crossValidatePll(
      { x: data.x, candidates: data.candidates, truth: data.truth },
      { method, options: learnerOptions, folds: k, seed, onFold: (i, _, all) => bar.update((i + 1) / all) },
    );
  } catch (e) {
    bar.done();
    throw optionRangeError(e, method, learnerOptions) ?? asInputError(e, `pll eval (${method})`);
  }
  bar.done();
  if (json)
    console.log(
      JSON.stringify({
        method,
        options: learnerOptions,
        folds: k,
        n,
        accuracy: result.folds.map((f) => f.accuracy),
        mean: result.mean,
        std: result.std,
      }),
    );
  else {
    console.log(
      textTable(
        ['fold', 'accuracy'],
        result.folds.map((f, i) => [String(i + 1), f.accuracy.toFixed(4)]),
      ),
    );
    console.log(
      `${method}: accuracy ${result.mean.toFixed(4)} ± ${result.std.toFixed(4)} over ${k} folds (n = ${n}, ${data.labels} labels)`,
    );
  }
  return 0;
}

/** Runs `numts multilabel eval`. */
export function multilabelEval(
  opts: { data?: string; labels?: string; method?: string; folds?: string; seed?: string; opt?: string[] },
  json: boolean,
  quiet: boolean,
): number {
  if (!opts.data || !opts.labels)
    throw new CliError(
      'multilabel eval needs --data <file.arff> and --labels <file.xml>',
      EXIT_USAGE,
      'see numts multilabel eval --help',
    );
  const method = opts.method ?? 'homi';
  const methods = Object.keys(MULTILABEL_METHODS);
  const learner = Object.hasOwn(MULTILABEL_METHODS, method) ? MULTILABEL_METHODS[method] : undefined;
  if (learner === undefined)
    throw new CliError(
      `--method must be one of ${methods.join(', ')} (got ${JSON.stringify(method)})`,
      EXIT_USAGE,
    );
  const learnerOptions = parseLearnerOptions(method, learner.options, opts.opt);
  const arff = readInput(opts.data);
  const xml = readInput(opts.labels);
  // Each file's own errors name that file.
  try {
    parseMulanXml(xml);
  } catch (e) {
    throw asInputError(e, opts.labels);
  }
  let data: MultiLabelData;
  try {
    data = loadMulan(arff, xml);
  } catch (e) {
    throw asInputError(e, `${opts.data} with the labels of ${opts.labels}`);
  }
  const n = data.x.rows;
  const k = parseFolds(opts.folds, 5, n);
  const bar = startProgress(`multilabel ${method}`, !quiet && !json);
  let result: ReturnType<typeof crossValidateMultiLabel>;
  try {
    result = crossValidateMultiLabel(data, {
      method,
      options: learnerOptions,
      folds: k,
      seed: Number(opts.seed ?? 0),
      onFold: (i, _, all) => bar.update((i + 1) / all),
    });
  } catch (e) {
    bar.done();
    throw (
      optionRangeError(e, method, learnerOptions, 'multilabel eval') ??
      asInputError(e, `multilabel eval (${method})`)
    );
  }
  bar.done();
  const rows = result.perFold as unknown as Record<string, number>[];
  const means = result.mean as unknown as Record<string, number>;
  const keys = Object.keys(rows[0]!);
  if (json)
    console.log(
      JSON.stringify({
        method,
        options: learnerOptions,
        folds: k,
        n,
        labels: data.y.cols,
        perFold: rows,
        mean: means,
      }),
    );
  else {
    console.log(
      textTable(
        ['fold', ...keys],
        rows.map((r, i) => [String(i + 1), ...keys.map((key) => r[key]!.toFixed(4))]),
      ),
    );
    console.log(
      `${method}: ${keys.map((key) => `${key} ${means[key]!.toFixed(4)}`).join(', ')} (n = ${n}, ${data.y.cols} labels, ${k} folds)`,
    );
  }
  return 0;
}
