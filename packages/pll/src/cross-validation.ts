/**
 * k-fold cross-validation of a partial-label learner on a data set, as `numts pll eval` and the
 * browser workbench run it: the learners by name with their option schemas, folds from a seed,
 * features standardised with the training rows' statistics, accuracy against the true labels.
 *
 * @module
 */
import {
  applyStandardization,
  assertOneOf,
  kFoldSplits,
  type LearnerJson,
  type Matrix,
  meanAndStd,
  type OptionSchema,
  ShapeError,
  standardizeColumns,
  takeRows,
} from '@numts/core';
import { Ipal } from './ipal.js';
import { PlAggd, PlCl } from './plcl.js';
import { Plcp } from './plcp.js';
import { PlKnn } from './plknn.js';
import { accuracy } from './protocols.js';

/** A learner object as the evaluation uses it: fit, predict, save. */
export interface PllLearnerObject {
  fit(x: Matrix, candidates: Matrix): PllLearnerObject;
  predict(x: Matrix): Int32Array;
  toJSON(): LearnerJson<unknown, unknown>;
}

/** A learner of {@link crossValidatePll}: the options a user may set and how to build it. */
export interface PllMethod {
  /** What the learner is, in a few words. */
  readonly title: string;
  readonly options: OptionSchema;
  create(options: Readonly<Record<string, number | string>>): PllLearnerObject;
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

/** The learners by name (the first is the default), with the options each takes. */
export const PLL_METHODS: Readonly<Record<string, PllMethod>> = {
  plcl: { title: 'PL-CL (complementary labels)', options: PLCL_OPTIONS, create: (o) => new PlCl(o) },
  plaggd: { title: 'PL-AGGD (adaptive graph)', options: PLAGGD_OPTIONS, create: (o) => new PlAggd(o) },
  plcp: {
    title: 'PLCP (collaborative partner, "Appeal")',
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
    create: (o) => new Plcp(o),
  },
  plknn: { title: 'PL-kNN (baseline)', options: { k: 'integer' }, create: (o) => new PlKnn(o) },
  ipal: {
    title: 'IPAL (label propagation baseline)',
    options: { k: 'integer', alpha: 'number', iterations: 'integer' },
    create: (o) => new Ipal(o),
  },
};

/** One fold's outcome. */
export interface PllFoldResult {
  /** Rows of the data set tested in this fold. */
  test: Int32Array;
  /** Predicted 0-based labels of those rows. */
  predicted: Int32Array;
  /** Fraction of them predicted right. */
  accuracy: number;
}

/** Options of {@link crossValidatePll}. */
export interface PllCrossValidationOptions {
  /** A key of {@link PLL_METHODS} (default 'plcl'). */
  method?: string;
  /** The learner's options (default: its own defaults). */
  options?: Readonly<Record<string, number | string>>;
  /** Number of folds (default 10). */
  folds?: number;
  /** Seed of the fold assignment (default 0). */
  seed?: number;
  /** Called after each fold, e.g. to stream results. */
  onFold?: (index: number, result: PllFoldResult, folds: number) => void;
}

/** The result of {@link crossValidatePll}. */
export interface PllCrossValidation {
  method: string;
  folds: PllFoldResult[];
  /** Mean and sample standard deviation of the fold accuracies. */
  mean: number;
  std: number;
}

/**
 * k-fold cross-validation: for each fold, standardises the features with the training rows'
 * mean and population std (constant columns only centred), fits the learner on the training rows'
 * candidate sets and measures accuracy on the test rows against `truth`.
 * @throws DomainError for an unknown method or a fold count outside [2, n]; ShapeError when the rows of x, candidates and truth
 *   differ; the learner's own errors for bad options or data
 */
export function crossValidatePll(
  data: { x: Matrix; candidates: Matrix; truth: ArrayLike<number> },
  options: PllCrossValidationOptions = {},
): PllCrossValidation {
  const fn = 'crossValidatePll';
  const method = options.method ?? 'plcl';
  assertOneOf(fn, 'method', method, Object.keys(PLL_METHODS));
  const { x, candidates, truth } = data;
  const n = x.rows;
  if (candidates.rows !== n || truth.length !== n)
    throw new ShapeError(
      `${fn}: x, candidates and truth must have one row per instance (got ${n}, ${candidates.rows} and ${truth.length})`,
    );
  const splits = kFoldSplits(n, options.folds ?? 10, options.seed ?? 0);
  const learner = PLL_METHODS[method]!;
  const results: PllFoldResult[] = [];
  splits.forEach((split, i) => {
    const { mean, std, x: train } = standardizeColumns(takeRows(x, split.train));
    const test = applyStandardization(takeRows(x, split.test), mean, std);
    const predicted = learner
      .create(options.options ?? {})
      .fit(train, takeRows(candidates, split.train))
      .predict(test);
    const result = {
      test: split.test,
      predicted,
      accuracy: accuracy(
        predicted,
        Array.from(split.test, (t) => truth[t]!),
      ),
    };
    results.push(result);
    options.onFold?.(i, result, splits.length);
  });
  return { method, folds: results, ...meanAndStd(results.map((r) => r.accuracy)) };
}
