/**
 * Binary Relevance: one independent model per label, with ridge regression (one multi-output
 * solve) or L2-regularised logistic regression (Newton's method per label).
 *
 * @module
 */
import type { LearnerJson } from '@numts/core';
import { gemm, Learner, Matrix } from '@numts/core';
import { solve } from '@numts/decompositions';
import {
  LinearMultiLabelModel,
  type LinearMultiLabelModelJson,
  sigmoid,
  withIntercept,
} from './linear-model.js';
import { checkTrainingSet, penaltyAndThreshold } from './validate.js';

/** Options of the Binary Relevance learners. */
export interface BinaryRelevanceOptions {
  /** L2 penalty λ on the weights (default 1; the intercept is not penalised). */
  lambda?: number;
  /** Prediction threshold on the scores (default 0.5). */
  threshold?: number;
}

/** Serialized Binary Relevance learner. */
export type BinaryRelevanceJson = LearnerJson<BinaryRelevanceOptions, LinearMultiLabelModelJson>;

/** Column means of a matrix. */
export function columnMeans(x: Matrix): Float64Array {
  const m = new Float64Array(x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) m[j] = m[j]! + x.get(i, j);
  return m.map((v) => v / Math.max(1, x.rows));
}

/**
 * Ridge Binary Relevance: [W; b] = argmin ‖XW + 1bᵀ − Y‖² + λ‖W‖² (unpenalised intercept, λ ≥ 0),
 * one multi-output solve; predictions O > threshold. This is the ridge baseline of the HOMI
 * reference files.
 */
export function fitBinaryRelevanceRidge(
  x: Matrix,
  y: Matrix,
  options: BinaryRelevanceOptions = {},
): LinearMultiLabelModel {
  const fn = 'fitBinaryRelevanceRidge';
  const yy = checkTrainingSet(fn, x, y);
  const { lambda, threshold } = penaltyAndThreshold(fn, options, true);
  const mx = columnMeans(x);
  const my = columnMeans(yy);
  const xc = new Matrix(
    x.rows,
    x.cols,
    Float64Array.from(
      { length: x.rows * x.cols },
      (_, k) => x.get(Math.floor(k / x.cols), k % x.cols) - mx[k % x.cols]!,
    ),
  );
  const a = gemm(xc, xc, { transA: true });
  for (let i = 0; i < x.cols; i++) a.data[i * x.cols + i] = a.data[i * x.cols + i]! + lambda;
  const w = solve(a, gemm(xc, yy, { transA: true }), { assume: 'spd' });
  const xw = gemm(new Matrix(1, x.cols, mx), w).data;
  const b = Float64Array.from(my, (v, j) => v - xw[j]!);
  return new LinearMultiLabelModel('BinaryRelevanceRidge', w, b, 'identity', threshold);
}

/** Ridge Binary Relevance as a learner object. See {@link fitBinaryRelevanceRidge}. */
export class BinaryRelevanceRidge extends Learner<
  BinaryRelevanceOptions,
  LinearMultiLabelModel,
  Matrix,
  LinearMultiLabelModelJson
> {
  constructor(options: BinaryRelevanceOptions = {}) {
    super(options, {
      format: 'numts.multilabel.BinaryRelevanceRidge',
      train: fitBinaryRelevanceRidge,
      restore: (json) => LinearMultiLabelModel.fromJSON(json, 'BinaryRelevanceRidge.fromJSON'),
    });
  }
}

/**
 * L2-regularised logistic regression of one 0/1 target on x (with an unpenalised intercept), by
 * Newton's method (IRLS): minimises Σ log(1 + e^{−ỹ f}) + (λ/2)‖w‖². Returns [w..., b].
 */
export function fitLogistic(
  x: Matrix,
  target: ArrayLike<number>,
  lambda: number,
  maxIter = 50,
  tol = 1e-10,
): Float64Array {
  const n = x.rows;
  const d = x.cols;
  const beta = new Float64Array(d + 1);
  const xa = withIntercept(x);
  for (let it = 0; it < maxIter; it++) {
    const f = gemm(xa, new Matrix(d + 1, 1, beta)).data;
    const grad = new Float64Array(d + 1);
    const wts = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(f[i]!);
      const r = p - target[i]!;
      wts[i] = Math.max(p * (1 - p), 1e-12);
      for (let j = 0; j <= d; j++) grad[j] = grad[j]! + r * xa.data[i * (d + 1) + j]!;
    }
    for (let j = 0; j < d; j++) grad[j] = grad[j]! + lambda * beta[j]!;
    const xw = xa.clone();
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= d; j++) xw.data[i * (d + 1) + j] = xw.data[i * (d + 1) + j]! * wts[i]!;
    const h = gemm(xa, xw, { transA: true });
    for (let j = 0; j < d; j++) h.data[j * (d + 1) + j] = h.data[j * (d + 1) + j]! + lambda;
    h.data[d * (d + 1) + d] = h.data[d * (d + 1) + d]! + 1e-10;
    const step = solve(h, grad, { assume: 'spd' });
    let size = 0;
    for (let j = 0; j <= d; j++) {
      beta[j] = beta[j]! - step[j]!;
      size = Math.max(size, Math.abs(step[j]!));
    }
    if (size < tol) break;
  }
  return beta;
}

/**
 * Logistic Binary Relevance: one L2-regularised logistic regression per label (λ > 0, default 1);
 * scores are probabilities, predictions P > threshold (default 0.5).
 */
export function fitBinaryRelevanceLogistic(
  x: Matrix,
  y: Matrix,
  options: BinaryRelevanceOptions = {},
): LinearMultiLabelModel {
  const fn = 'fitBinaryRelevanceLogistic';
  const yy = checkTrainingSet(fn, x, y);
  const { lambda, threshold } = penaltyAndThreshold(fn, options);
  const d = x.cols;
  const q = yy.cols;
  const w = new Matrix(d, q);
  const b = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    const beta = fitLogistic(
      x,
      Float64Array.from({ length: x.rows }, (_, i) => yy.get(i, j)),
      lambda,
    );
    for (let k = 0; k < d; k++) w.data[k * q + j] = beta[k]!;
    b[j] = beta[d]!;
  }
  return new LinearMultiLabelModel('BinaryRelevanceLogistic', w, b, 'logistic', threshold);
}

/** Logistic Binary Relevance as a learner object. See {@link fitBinaryRelevanceLogistic}. */
export class BinaryRelevanceLogistic extends Learner<
  BinaryRelevanceOptions,
  LinearMultiLabelModel,
  Matrix,
  LinearMultiLabelModelJson
> {
  constructor(options: BinaryRelevanceOptions = {}) {
    super(options, {
      format: 'numts.multilabel.BinaryRelevanceLogistic',
      train: fitBinaryRelevanceLogistic,
      restore: (json) => LinearMultiLabelModel.fromJSON(json, 'BinaryRelevanceLogistic.fromJSON'),
    });
  }
}
