/**
 * Binary Relevance: one independent model per label, with ridge regression (one multi-output
 * solve) or L2-regularised logistic regression (Newton's method per label).
 *
 * @module
 */
import { gemm, Matrix, NotFittedError } from '@numts/core';
import { solve } from '@numts/decompositions';
import { thresholdFixed } from './metrics.js';
import { checkFeatures, checkLabels, checkPositive } from './validate.js';

/** Column means of a matrix. */
export function columnMeans(x: Matrix): Float64Array {
  const m = new Float64Array(x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) m[j] = m[j]! + x.get(i, j);
  return m.map((v) => v / Math.max(1, x.rows));
}

/** A linear multi-label scorer O = XW + 1bᵀ. */
export interface LinearScorer {
  w: Matrix;
  b: Float64Array;
}

/** O = XW + 1bᵀ. */
export function linearScores(model: LinearScorer, x: Matrix, fn: string): Matrix {
  checkFeatures(fn, x, model.w.rows);
  const o = gemm(x, model.w);
  for (let i = 0; i < o.rows; i++)
    for (let j = 0; j < o.cols; j++) o.data[i * o.cols + j] = o.data[i * o.cols + j]! + model.b[j]!;
  return o;
}

/**
 * Ridge Binary Relevance: [W; b] = argmin ‖XW + 1bᵀ − Y‖² + λ‖W‖² (unpenalised intercept), one
 * multi-output solve; predict O > threshold (default 0.5). This is the ridge baseline of the HOMI
 * reference files.
 */
export class BinaryRelevanceRidge {
  private model: LinearScorer | null = null;
  constructor(readonly options: { lambda?: number; threshold?: number } = {}) {}

  fit(x: Matrix, y: Matrix): this {
    const fn = 'BinaryRelevanceRidge.fit';
    checkFeatures(fn, x);
    const yy = checkLabels(fn, y, x.rows);
    const lambda = this.options.lambda ?? 1;
    checkPositive(fn, 'lambda', lambda, { allowZero: true });
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
    this.model = { w, b: Float64Array.from(my, (v, j) => v - xw[j]!) };
    return this;
  }

  decisionFunction(x: Matrix): Matrix {
    if (!this.model) throw new NotFittedError('BinaryRelevanceRidge: call fit first');
    return linearScores(this.model, x, 'BinaryRelevanceRidge.decisionFunction');
  }

  predict(x: Matrix): Matrix {
    return thresholdFixed(this.decisionFunction(x), this.options.threshold ?? 0.5);
  }
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
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
  const xa = new Matrix(n, d + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xa.data[i * (d + 1) + j] = x.get(i, j);
    xa.data[i * (d + 1) + d] = 1;
  }
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
 * Logistic Binary Relevance: one L2-regularised logistic regression per label (λ default 1);
 * scores are probabilities, predictions P > threshold (default 0.5).
 */
export class BinaryRelevanceLogistic {
  private model: LinearScorer | null = null;
  constructor(readonly options: { lambda?: number; threshold?: number } = {}) {}

  fit(x: Matrix, y: Matrix): this {
    const fn = 'BinaryRelevanceLogistic.fit';
    checkFeatures(fn, x);
    const yy = checkLabels(fn, y, x.rows);
    const lambda = this.options.lambda ?? 1;
    checkPositive(fn, 'lambda', lambda);
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
    this.model = { w, b };
    return this;
  }

  decisionFunction(x: Matrix): Matrix {
    if (!this.model) throw new NotFittedError('BinaryRelevanceLogistic: call fit first');
    const o = linearScores(this.model, x, 'BinaryRelevanceLogistic.decisionFunction');
    return new Matrix(o.rows, o.cols, o.data.map(sigmoid));
  }

  predict(x: Matrix): Matrix {
    return thresholdFixed(this.decisionFunction(x), this.options.threshold ?? 0.5);
  }
}
