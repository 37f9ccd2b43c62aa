/**
 * `numts pll eval` and `numts multilabel eval`: k-fold cross-validation of a learner on a user's file.
 *
 * @module
 */
import { applyStandardization, type Matrix, standardizeColumns, takeRows } from '@numts/core';
import { loadMulan, loadPllMat, type MultiLabelData, parseArff, parseMulanXml } from '@numts/io';
import {
  BinaryRelevanceLogistic,
  BinaryRelevanceRidge,
  ClassifierChain,
  evaluateMultiLabel,
  Homi,
  Llsf,
  Lsml,
  MlKnn,
  pcaWhiten,
} from '@numts/multilabel';
import { accuracy, fitIpal, fitPlAggd, fitPlcl, fitPlcp, fitPlKnn, kFoldSplits } from '@numts/pll';
import { asInputError, CliError, EXIT_INPUT, EXIT_USAGE } from '../cli-error.js';
import { readInput } from '../files.js';
import { type OptionSchema, optionRangeError, parseLearnerOptions } from '../learner-options.js';
import { startProgress, textTable } from '../progress.js';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
};

function parseFolds(v: string | undefined, dflt: number, n: number): number {
  const k = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(k) || k < 2 || k > n)
    throw new CliError(`--folds must be an integer in [2, ${n}] (got ${v})`, EXIT_USAGE);
  return k;
}

/** A partial-label learner of `numts pll eval`: its `--opt` schema and how to fit it. */
interface PllMethod {
  options: OptionSchema;
  fit(
    x: Matrix,
    candidates: Matrix,
    options: Record<string, number | string>,
  ): {
    predict(x: Matrix): Int32Array;
  };
}

const PLCL_OPTIONS = {
  k: 'integer',
  maxIter: 'integer',
  gamma: 'number',
  mu: 'number',
  lambda: 'number',
  alpha: 'number',
  beta: 'number',
  sigma: 'number',
} as const satisfies OptionSchema;
const { alpha: _alpha, beta: _beta, ...PLAGGD_OPTIONS } = PLCL_OPTIONS;

/** The learners of `numts pll eval`, by `--method` name (the first is the default). */
export const PLL_METHODS: Readonly<Record<string, PllMethod>> = {
  plcl: { options: PLCL_OPTIONS, fit: (x, y, o) => fitPlcl(x, y, o) },
  plaggd: { options: PLAGGD_OPTIONS, fit: (x, y, o) => fitPlAggd(x, y, o) },
  plcp: {
    options: {
      base: ['pl-aggd', 'pl-cl'],
      averaging: 'number',
      collaboration: 'number',
      blur: 'number',
      partnerLambda: 'number',
      rounds: 'integer',
      partnerIterations: 'integer',
      sigma: 'number',
    },
    fit: (x, y, o) => fitPlcp(x, y, o),
  },
  plknn: { options: { k: 'integer' }, fit: (x, y, o) => fitPlKnn(x, y, o) },
  ipal: {
    options: { k: 'integer', alpha: 'number', iterations: 'integer' },
    fit: (x, y, o) => fitIpal(x, y, o),
  },
};

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
  const folds = kFoldSplits(n, k, seed);
  const accs: number[] = [];
  const bar = startProgress(`pll ${method}`, !quiet && !json);
  try {
    folds.forEach((f, i) => {
      const { train, test } = zscoreSplit(data.x, f.train, f.test);
      const y = takeRows(data.candidates!, f.train);
      const pred = learner.fit(train, y, learnerOptions).predict(test);
      accs.push(
        accuracy(
          pred,
          Int32Array.from(f.test, (t) => data.truth![t]!),
        ),
      );
      bar.update((i + 1) / folds.length);
    });
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
        accuracy: accs,
        mean: mean(accs),
        std: std(accs),
      }),
    );
  else {
    console.log(
      textTable(
        ['fold', 'accuracy'],
        accs.map((a, i) => [String(i + 1), a.toFixed(4)]),
      ),
    );
    console.log(
      `${method}: accuracy ${mean(accs).toFixed(4)} ± ${std(accs).toFixed(4)} over ${k} folds (n = ${n}, ${data.labels} labels)`,
    );
  }
  return 0;
}

/** Standardises the training rows (population std, constant columns only centred) and the test rows with the training statistics. */
function zscoreSplit(
  x: Matrix,
  trainIdx: ArrayLike<number>,
  testIdx: ArrayLike<number>,
): { train: Matrix; test: Matrix } {
  const { x: train, mean, std } = standardizeColumns(takeRows(x, trainIdx));
  return { train, test: applyStandardization(takeRows(x, testIdx), mean, std) };
}

/**
 * MULAN files put the labels after the features. A {0,1} attribute after the last label the XML
 * names is almost surely a label the XML left out — it would silently become a feature — so that
 * is an input error. (A label missing before the first one cannot be told from a binary feature.)
 */
function checkLabelsComplete(arff: Uint8Array, labels: string[], dataPath: string, xmlPath: string): void {
  const text = new TextDecoder().decode(arff.subarray(0, Math.min(arff.length, 1 << 22)));
  const at = text.search(/^@data/im);
  if (at < 0) return;
  const attributes = parseArff(`${text.slice(0, at)}@data\n`).attributes;
  const positions = labels.map((l) => attributes.findIndex((a) => a.name === l));
  const first = Math.min(...positions);
  const last = Math.max(...positions);
  if (first === 0) return; // labels first (MEKA layout): what follows are features
  const extra = attributes
    .slice(last + 1)
    .filter((a) => a.type === 'nominal' && a.values!.length === 2 && [...a.values!].sort().join() === '0,1')
    .map((a) => a.name);
  if (extra.length)
    throw new CliError(
      `${xmlPath}: lists ${labels.length} labels, but ${dataPath} has ${extra.length} more {0,1} attribute${extra.length > 1 ? 's' : ''} after them (${extra
        .slice(0, 5)
        .map((n) => JSON.stringify(n))
        .join(', ')}) that would be used as features`,
      EXIT_INPUT,
      'list every label of the data set in the XML file (is it the XML of this ARFF file?)',
    );
}

/** A multi-label learner of `numts multilabel eval`: its `--opt` schema and how to build it. */
interface MultiLabelMethod {
  options: OptionSchema;
  make: (options: Record<string, number | string>) => {
    fit(x: Matrix, y: Matrix): { decisionFunction(x: Matrix): Matrix; predict(x: Matrix): Matrix };
  };
}

/** The learners of `numts multilabel eval`, with the options `--opt` may set. */
export const MULTILABEL_METHODS: Readonly<Record<string, MultiLabelMethod>> = {
  homi: {
    options: {
      beta: 'number',
      gamma: 'number',
      lambda: 'number',
      s: 'integer',
      maxIter: 'integer',
      tol: 'number',
      threshold: 'number',
      seed: 'integer',
    },
    make: (o) => new Homi(o),
  },
  br: { options: { lambda: 'number', threshold: 'number' }, make: (o) => new BinaryRelevanceRidge(o) },
  brlogistic: {
    options: { lambda: 'number', threshold: 'number' },
    make: (o) => new BinaryRelevanceLogistic(o),
  },
  cc: {
    options: { lambda: 'number', seed: 'integer', threshold: 'number' },
    make: (o) => new ClassifierChain(o),
  },
  mlknn: { options: { k: 'integer', smoothing: 'number' }, make: (o) => new MlKnn(o) },
  llsf: {
    options: { alpha: 'number', beta: 'number', maxIter: 'integer', tol: 'number', threshold: 'number' },
    make: (o) => new Llsf(o),
  },
  lsml: {
    options: {
      lambda1: 'number',
      lambda2: 'number',
      alpha: 'number',
      beta: 'number',
      outerIter: 'integer',
      threshold: 'number',
    },
    make: (o) => new Lsml(o),
  },
};

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
  let labelNames: string[];
  try {
    labelNames = parseMulanXml(xml);
  } catch (e) {
    throw asInputError(e, opts.labels);
  }
  let data: MultiLabelData;
  try {
    data = loadMulan(arff, xml);
  } catch (e) {
    throw asInputError(e, `${opts.data} with the labels of ${opts.labels}`);
  }
  checkLabelsComplete(arff, labelNames, opts.data, opts.labels);
  const n = data.x.rows;
  const k = parseFolds(opts.folds, 5, n);
  const x = pcaWhiten(data.x, { dropBelow: 1e-8 });
  const folds = kFoldSplits(n, k, Number(opts.seed ?? 0));
  const rows: Record<string, number>[] = [];
  const bar = startProgress(`multilabel ${method}`, !quiet && !json);
  try {
    folds.forEach((f, i) => {
      const xt = takeRows(x, f.train);
      const yt = takeRows(data.y, f.train);
      const xs = takeRows(x, f.test);
      const model = learner.make(learnerOptions).fit(xt, yt);
      const m = evaluateMultiLabel(takeRows(data.y, f.test), model.decisionFunction(xs), model.predict(xs));
      rows.push({
        hamming_loss: m.hamming_loss,
        ranking_loss: m.ranking_loss,
        one_error: m.one_error,
        coverage: m.coverage,
        average_precision: m.average_precision,
      });
      bar.update((i + 1) / folds.length);
    });
  } catch (e) {
    bar.done();
    throw (
      optionRangeError(e, method, learnerOptions, 'multilabel eval') ??
      asInputError(e, `multilabel eval (${method})`)
    );
  }
  bar.done();
  const keys = Object.keys(rows[0]!);
  const means = Object.fromEntries(keys.map((key) => [key, mean(rows.map((r) => r[key]!))]));
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
