/**
 * k-fold cross-validation of a multi-label learner, as `numts multilabel eval` and the browser
 * workbench run it: the learners by name with their option schemas, PCA whitening of the whole
 * feature matrix (the HOMI authors' protocol, transductive), folds from a seed, the five ranking
 * and example-based metrics per fold, and the pooled test predictions for per-label metrics.
 *
 * @module
 */
import {
  assertOneOf,
  kFoldSplits,
  type LearnerJson,
  Matrix,
  meanAndStd,
  type OptionSchema,
  ShapeError,
  takeRows,
} from '@numts/core';
import { BinaryRelevanceLogistic, BinaryRelevanceRidge } from './binary-relevance.js';
import { ClassifierChain } from './classifier-chain.js';
import { Homi } from './homi.js';
import { Llsf } from './llsf.js';
import { Lsml } from './lsml.js';
import { evaluateMultiLabel } from './metrics.js';
import { MlKnn } from './mlknn.js';
import { pcaWhiten } from './preprocess.js';

/** A learner object as the evaluation uses it: fit, score, predict, save. */
export interface MultiLabelLearnerObject {
  fit(x: Matrix, y: Matrix): MultiLabelLearnerObject;
  decisionFunction(x: Matrix): Matrix;
  predict(x: Matrix): Matrix;
  toJSON(): LearnerJson<unknown, unknown>;
}

/** A learner of {@link crossValidateMultiLabel}: the options a user may set and how to build it. */
export interface MultiLabelMethod {
  /** What the learner is, in a few words. */
  readonly title: string;
  readonly options: OptionSchema;
  create(options: Readonly<Record<string, number | string>>): MultiLabelLearnerObject;
}

/** The learners by name (the first is the default), with the options each takes. */
export const MULTILABEL_METHODS: Readonly<Record<string, MultiLabelMethod>> = {
  homi: {
    title: 'HOMI (high-order label correlations)',
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
    create: (o) => new Homi(o),
  },
  br: {
    title: 'Binary Relevance, ridge',
    options: { lambda: 'number', threshold: 'number' },
    create: (o) => new BinaryRelevanceRidge(o),
  },
  brlogistic: {
    title: 'Binary Relevance, logistic',
    options: { lambda: 'number', threshold: 'number' },
    create: (o) => new BinaryRelevanceLogistic(o),
  },
  cc: {
    title: 'Classifier chain',
    options: { lambda: 'number', seed: 'integer', threshold: 'number' },
    create: (o) => new ClassifierChain(o),
  },
  mlknn: {
    title: 'ML-kNN',
    options: { k: 'integer', smoothing: 'number' },
    create: (o) => new MlKnn(o),
  },
  llsf: {
    title: 'LLSF (label-specific features)',
    options: { alpha: 'number', beta: 'number', maxIter: 'integer', tol: 'number', threshold: 'number' },
    create: (o) => new Llsf(o),
  },
  lsml: {
    title: 'LSML (missing labels)',
    options: {
      lambda1: 'number',
      lambda2: 'number',
      alpha: 'number',
      beta: 'number',
      outerIter: 'integer',
      threshold: 'number',
    },
    create: (o) => new Lsml(o),
  },
};

/** The metrics reported per fold. */
export interface MultiLabelFoldMetrics {
  hamming_loss: number;
  ranking_loss: number;
  one_error: number;
  coverage: number;
  average_precision: number;
}

/** Options of {@link crossValidateMultiLabel}. */
export interface MultiLabelCrossValidationOptions {
  /** A key of {@link MULTILABEL_METHODS} (default 'homi'). */
  method?: string;
  /** The learner's options (default: its own defaults). */
  options?: Readonly<Record<string, number | string>>;
  /** Number of folds (default 5). */
  folds?: number;
  /** Seed of the fold assignment (default 0). */
  seed?: number;
  /** Called after each fold, e.g. to stream results. */
  onFold?: (index: number, metrics: MultiLabelFoldMetrics, folds: number) => void;
}

/** The result of {@link crossValidateMultiLabel}. */
export interface MultiLabelCrossValidation {
  method: string;
  perFold: MultiLabelFoldMetrics[];
  /** Mean of each metric over the folds. */
  mean: MultiLabelFoldMetrics;
  /** Sample standard deviation of each metric over the folds. */
  std: MultiLabelFoldMetrics;
  /** Every row's 0/1 predictions, made by the model of the fold that tested it (n×l). */
  predictions: Matrix;
}

/**
 * k-fold cross-validation on the PCA-whitened features (components below 1e-8 dropped): for each
 * fold, fits the learner on the training rows and scores the test rows.
 * @throws DomainError for an unknown method or a fold count outside [2, n]; ShapeError when x and y
 *   have different row counts; the learner's own errors for bad options or data
 */
export function crossValidateMultiLabel(
  data: { x: Matrix; y: Matrix },
  options: MultiLabelCrossValidationOptions = {},
): MultiLabelCrossValidation {
  const fn = 'crossValidateMultiLabel';
  const method = options.method ?? 'homi';
  assertOneOf(fn, 'method', method, Object.keys(MULTILABEL_METHODS));
  const n = data.x.rows;
  if (data.y.rows !== n)
    throw new ShapeError(`${fn}: x and y must have the same number of rows (got ${n} and ${data.y.rows})`);
  const splits = kFoldSplits(n, options.folds ?? 5, options.seed ?? 0);
  const x = pcaWhiten(data.x, { dropBelow: 1e-8 });
  const learner = MULTILABEL_METHODS[method]!;
  const predictions = new Matrix(n, data.y.cols);
  const perFold: MultiLabelFoldMetrics[] = [];
  splits.forEach((split, i) => {
    const model = learner
      .create(options.options ?? {})
      .fit(takeRows(x, split.train), takeRows(data.y, split.train));
    const xs = takeRows(x, split.test);
    const predicted = model.predict(xs);
    const m = evaluateMultiLabel(takeRows(data.y, split.test), model.decisionFunction(xs), predicted);
    split.test.forEach((row, r) => {
      for (let j = 0; j < predictions.cols; j++) predictions.set(row, j, predicted.get(r, j));
    });
    const metrics = {
      hamming_loss: m.hamming_loss,
      ranking_loss: m.ranking_loss,
      one_error: m.one_error,
      coverage: m.coverage,
      average_precision: m.average_precision,
    };
    perFold.push(metrics);
    options.onFold?.(i, metrics, splits.length);
  });
  const keys = Object.keys(perFold[0]!) as (keyof MultiLabelFoldMetrics)[];
  const stats = keys.map((key) => [key, meanAndStd(perFold.map((r) => r[key]))] as const);
  const mean = Object.fromEntries(stats.map(([key, s]) => [key, s.mean])) as unknown as MultiLabelFoldMetrics;
  const std = Object.fromEntries(stats.map(([key, s]) => [key, s.std])) as unknown as MultiLabelFoldMetrics;
  return { method, perFold, mean, std, predictions };
}
