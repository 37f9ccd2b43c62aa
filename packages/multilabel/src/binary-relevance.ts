/**
 * Binary Relevance: one independent model per label, with ridge regression (one multi-output
 * solve) or L2-regularised logistic regression (Newton's method per label).
 *
 * @module
 */
import type { LearnerJson } from '@numts/core';
import { CsrMatrix, gemm, Learner, Matrix } from '@numts/core';
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
 * reference files. X may be sparse rows (CsrMatrix): the centred normal equations are then formed
 * without densifying X, as XᵀX − n·x̄x̄ᵀ and XᵀY − n·x̄ȳᵀ (O(Σ nnzᵢ²) instead of O(n·d²); the
 * subtraction loses accuracy when the feature means are large against their spread, which 0/1 and
 * count features are not).
 */
export function fitBinaryRelevanceRidge(
  x: Matrix | CsrMatrix,
  y: Matrix,
  options: BinaryRelevanceOptions = {},
): LinearMultiLabelModel {
  const fn = 'fitBinaryRelevanceRidge';
  const yy = checkTrainingSet(fn, x, y, true);
  const { lambda, threshold } = penaltyAndThreshold(fn, options, true);
  const d = x.cols;
  const n = x.rows;
  const my = columnMeans(yy);
  let a: Matrix;
  let rhs: Matrix;
  let mx: Float64Array;
  if (x instanceof CsrMatrix) {
    mx = x.columnSums().map((v) => v / n);
    a = x.gram();
    rhs = x.transposeMatmul(yy);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) a.data[i * d + j] = a.data[i * d + j]! - n * mx[i]! * mx[j]!;
      for (let c = 0; c < yy.cols; c++)
        rhs.data[i * yy.cols + c] = rhs.data[i * yy.cols + c]! - n * mx[i]! * my[c]!;
    }
  } else {
    mx = columnMeans(x);
    const xc = new Matrix(
      n,
      d,
      Float64Array.from({ length: n * d }, (_, k) => x.get(Math.floor(k / d), k % d) - mx[k % d]!),
    );
    a = gemm(xc, xc, { transA: true });
    rhs = gemm(xc, yy, { transA: true });
  }
  for (let i = 0; i < d; i++) a.data[i * d + i] = a.data[i * d + i]! + lambda;
  const w = solve(a, rhs, { assume: 'spd' });
  const xw = gemm(new Matrix(1, d, mx), w).data;
  const b = Float64Array.from(my, (v, j) => v - xw[j]!);
  return new LinearMultiLabelModel('BinaryRelevanceRidge', w, b, 'identity', threshold);
}

/** Ridge Binary Relevance as a learner object (dense or sparse features). See {@link fitBinaryRelevanceRidge}. */
export class BinaryRelevanceRidge extends Learner<
  BinaryRelevanceOptions,
  LinearMultiLabelModel,
  Matrix,
  LinearMultiLabelModelJson,
  Matrix | CsrMatrix
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
