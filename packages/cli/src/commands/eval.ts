/**
 * `numts pll eval` and `numts multilabel eval`: k-fold cross-validation of a learner on a user's file.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { type Matrix, takeRows } from '@numts/core';
import { loadMulan, loadPllMat } from '@numts/io';
import {
  BinaryRelevanceRidge,
  ClassifierChain,
  evaluateMultiLabel,
  Homi,
  MlKnn,
  pcaWhiten,
} from '@numts/multilabel';
import { accuracy, fitIpal, fitPlAggd, fitPlcl, fitPlcp, kFoldSplits, PlKnn } from '@numts/pll';
import { asInputError, CliError, EXIT_INPUT, EXIT_USAGE } from '../cli-error.js';
import { startProgress, textTable } from '../progress.js';

/** `--help` text of the command. */
export const PLL_HELP = `usage: numts pll eval --data <file.mat> [--method plcl|plaggd|plcp|plknn|ipal] [--folds k] [--seed s] [--json]

k-fold cross-validation (default 10 folds, method plcl) on a partial-label .mat file with variables
data (n×d features), partial_target (q×n or n×q candidate matrix) and target (true labels). Features
are z-scored with statistics of the training folds. Prints the accuracy per fold and mean ± std.`;

/** `--help` text of the command. */
export const MULTILABEL_HELP = `usage: numts multilabel eval --data <file.arff> --labels <file.xml> [--method homi|br|cc|mlknn] [--folds k] [--seed s] [--json]

k-fold cross-validation (default 5 folds, method homi) on a MULAN data set (ARFF + XML label file).
Features are PCA-whitened; prints Hamming loss, ranking loss, one-error, coverage and average
precision per fold and their means.`;

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

/** Runs `numts pll eval`. */
export function pllEval(
  opts: { data?: string; method?: string; folds?: string; seed?: string },
  json: boolean,
  quiet: boolean,
): number {
  if (!opts.data)
    throw new CliError('pll eval needs --data <file.mat>', EXIT_USAGE, 'see numts pll eval --help');
  const method = opts.method ?? 'plcl';
  const methods = ['plcl', 'plaggd', 'plcp', 'plknn', 'ipal'];
  if (!methods.includes(method))
    throw new CliError(
      `--method must be one of ${methods.join(', ')} (got ${JSON.stringify(method)})`,
      EXIT_USAGE,
    );
  let data: ReturnType<typeof loadPllMat>;
  try {
    data = loadPllMat(readFileSync(opts.data));
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
      const pred =
        method === 'plcl'
          ? fitPlcl(train, y).predict(test)
          : method === 'plaggd'
            ? fitPlAggd(train, y).predict(test)
            : method === 'plcp'
              ? fitPlcp(train, y).predict(test)
              : method === 'ipal'
                ? fitIpal(train, y).predict(test)
                : new PlKnn().fit(train, y).predict(test);
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
    throw asInputError(e, `pll eval (${method})`);
  }
  bar.done();
  if (json)
    console.log(JSON.stringify({ method, folds: k, n, accuracy: accs, mean: mean(accs), std: std(accs) }));
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

function zscoreSplit(
  x: Matrix,
  trainIdx: ArrayLike<number>,
  testIdx: ArrayLike<number>,
): { train: Matrix; test: Matrix } {
  const train = takeRows(x, trainIdx);
  const test = takeRows(x, testIdx);
  const d = x.cols;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < train.rows; i++) m += train.get(i, j);
    m /= train.rows;
    let s = 0;
    for (let i = 0; i < train.rows; i++) s += (train.get(i, j) - m) ** 2;
    s = Math.sqrt(s / train.rows) || 1;
    for (let i = 0; i < train.rows; i++) train.set(i, j, (train.get(i, j) - m) / s);
    for (let i = 0; i < test.rows; i++) test.set(i, j, (test.get(i, j) - m) / s);
  }
  return { train, test };
}

/** Runs `numts multilabel eval`. */
export function multilabelEval(
  opts: { data?: string; labels?: string; method?: string; folds?: string; seed?: string },
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
  const methods = ['homi', 'br', 'cc', 'mlknn'];
  if (!methods.includes(method))
    throw new CliError(
      `--method must be one of ${methods.join(', ')} (got ${JSON.stringify(method)})`,
      EXIT_USAGE,
    );
  let data: ReturnType<typeof loadMulan>;
  try {
    data = loadMulan(readFileSync(opts.data), readFileSync(opts.labels));
  } catch (e) {
    throw asInputError(e, opts.data);
  }
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
      const model =
        method === 'homi'
          ? new Homi().fit(xt, yt)
          : method === 'br'
            ? new BinaryRelevanceRidge().fit(xt, yt)
            : method === 'cc'
              ? new ClassifierChain().fit(xt, yt)
              : new MlKnn().fit(xt, yt);
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
    throw asInputError(e, `multilabel eval (${method})`);
  }
  bar.done();
  const keys = Object.keys(rows[0]!);
  const means = Object.fromEntries(keys.map((key) => [key, mean(rows.map((r) => r[key]!))]));
  if (json)
    console.log(JSON.stringify({ method, folds: k, n, labels: data.y.cols, perFold: rows, mean: means }));
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
