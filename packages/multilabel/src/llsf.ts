/**
 * LLSF (Huang, Li, Huang & Wu, IEEE TKDE 2016): label-specific features by sparse least squares
 * with label-correlation regularisation, solved by accelerated proximal gradient.
 *
 * @module
 */
import { gemm, Matrix, NotFittedError } from '@numts/core';
import { eigh } from '@numts/decompositions';
import { thresholdFixed } from './metrics.js';
import { checkFeatures, checkLabels, checkPositive } from './validate.js';

/** Options of {@link Llsf} (our defaults; the paper tunes α, β per data set). */
export interface LlsfOptions {
  /** Weight of the correlation term (α/2)·tr(R WᵀW), R = 1 − cosine similarity of the label columns (default 1). */
  alpha?: number;
  /** ℓ₁ weight β (default 0.1). */
  beta?: number;
  /** Iterations (default 200). */
  maxIter?: number;
  /** Stop when the relative change of W is below this (default 1e-6). */
  tol?: number;
  /** Prediction threshold on the scores (default 0.5). */
  threshold?: number;
}

/** [X 1]: the features with a ones column appended (for an intercept). */
export function withIntercept(x: Matrix): Matrix {
  const d = x.cols + 1;
  const xa = new Matrix(x.rows, d);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < d - 1; j++) xa.data[i * d + j] = x.get(i, j);
    xa.data[i * d + d - 1] = 1;
  }
  return xa;
}

/** R = 1 − cosine similarity of the label columns, from YᵀY (a label with no positive is dissimilar to all). */
export function labelDissimilarity(yty: Matrix): Matrix {
  const q = yty.rows;
  const r = new Matrix(q, q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const den = Math.sqrt(yty.get(i, i) * yty.get(j, j));
      r.data[i * q + j] = 1 - (den > 0 ? yty.get(i, j) / den : 0);
    }
  }
  return r;
}

/**
 * FISTA for min_W ½‖X̃W − T‖² + (α/2)tr(R WᵀW) + β‖W‖₁ given X̃ᵀX̃ and X̃ᵀT (the last row of W,
 * the intercept, is not shrunk), from the start w0; step 1/L with L = λ_max(X̃ᵀX̃) + α·λ_max(R).
 */
export function sparseCorrelatedLeastSquares(
  xtx: Matrix,
  xtt: Matrix,
  r: Matrix,
  alpha: number,
  beta: number,
  w0: Matrix,
  { maxIter, tol }: { maxIter: number; tol: number },
): Matrix {
  const d = xtx.rows;
  const q = r.rows;
  const lip =
    Math.max(...eigh(xtx, { vectors: false }).values) +
    alpha * Math.max(0, ...eigh(r, { vectors: false }).values);
  const step = 1 / Math.max(lip, 1e-12);
  let w = w0.clone();
  let v = w.clone();
  let tk = 1;
  for (let it = 0; it < maxIter; it++) {
    // gradient at v: X̃ᵀX̃ v − X̃ᵀT + α v R
    const g = gemm(xtx, v);
    gemm(v, r, { alpha, beta: 1, c: g });
    const next = new Matrix(d, q);
    let change = 0;
    let norm = 0;
    for (let i = 0; i < d * q; i++) {
      const z = v.data[i]! - step * (g.data[i]! - xtt.data[i]!);
      const shrink = Math.floor(i / q) === d - 1 ? 0 : step * beta;
      next.data[i] = Math.sign(z) * Math.max(0, Math.abs(z) - shrink);
      change += (next.data[i]! - w.data[i]!) ** 2;
      norm += next.data[i]! ** 2;
    }
    const t1 = (1 + Math.sqrt(1 + 4 * tk * tk)) / 2;
    v = new Matrix(
      d,
      q,
      next.data.map((val, i) => val + ((tk - 1) / t1) * (val - w.data[i]!)),
    );
    w = next;
    tk = t1;
    if (Math.sqrt(change) <= tol * Math.max(1, Math.sqrt(norm))) break;
  }
  return w;
}

/**
 * min_W ½‖[X 1]W − Y‖² + (α/2)·tr(R WᵀW) + β‖W‖₁ (the intercept row is not shrunk), by FISTA with
 * step 1/L, L = λ_max(XᵀX) + α·λ_max(R).
 */
export class Llsf {
  private w: Matrix | null = null;
  constructor(readonly options: LlsfOptions = {}) {}

  fit(x: Matrix, y: Matrix): this {
    const fn = 'Llsf.fit';
    checkFeatures(fn, x);
    const yy = checkLabels(fn, y, x.rows);
    const alpha = this.options.alpha ?? 1;
    const beta = this.options.beta ?? 0.1;
    checkPositive(fn, 'alpha', alpha, { allowZero: true });
    checkPositive(fn, 'beta', beta, { allowZero: true });
    const xa = withIntercept(x);
    const xtx = gemm(xa, xa, { transA: true });
    const r = labelDissimilarity(gemm(yy, yy, { transA: true }));
    this.w = sparseCorrelatedLeastSquares(
      xtx,
      gemm(xa, yy, { transA: true }),
      r,
      alpha,
      beta,
      new Matrix(xa.cols, yy.cols),
      {
        maxIter: this.options.maxIter ?? 200,
        tol: this.options.tol ?? 1e-6,
      },
    );
    return this;
  }

  decisionFunction(x: Matrix): Matrix {
    if (!this.w) throw new NotFittedError('Llsf: call fit first');
    checkFeatures('Llsf.decisionFunction', x, this.w.rows - 1);
    return gemm(withIntercept(x), this.w);
  }

  predict(x: Matrix): Matrix {
    return thresholdFixed(this.decisionFunction(x), this.options.threshold ?? 0.5);
  }
}
