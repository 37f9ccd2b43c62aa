/**
 * LSML (Huang et al., 2019): LLSF with a learned label-correlation matrix C (Y ≈ YC), fitted by
 * alternating a ridge step for C and the LLSF proximal-gradient step for W.
 *
 * This is our reconstruction from the method's one-line description in `specs/multilabel.md` §E
 * ("as LLSF but learns a label-correlation matrix C (Y ≈ YC) jointly"); the paper's exact
 * objective and defaults were not available to us.
 *
 * @module
 */
import { gemm, Matrix, NotFittedError } from '@numts/core';
import { solve } from '@numts/decompositions';
import { labelDissimilarity, sparseCorrelatedLeastSquares, withIntercept } from './llsf.js';
import { thresholdFixed } from './metrics.js';
import { checkFeatures, checkLabels, checkPositive } from './validate.js';

/** Options of {@link Lsml} (our defaults). */
export interface LsmlOptions {
  /** Weight of the label self-reconstruction (λ₁/2)‖YC − Y‖² (default 1). */
  lambda1?: number;
  /** Ridge weight of C (default 1). */
  lambda2?: number;
  /** Correlation weight α of (α/2)tr(RWᵀW) (default 1). */
  alpha?: number;
  /** ℓ₁ weight β (default 0.1). */
  beta?: number;
  /** Alternations (default 10). */
  outerIter?: number;
  /** Prediction threshold (default 0.5). */
  threshold?: number;
}

/**
 * min_{W,C} ½‖[X 1]W − YC‖² + (λ₁/2)‖YC − Y‖² + (λ₂/2)‖C‖² + (α/2)tr(RWᵀW) + β‖W‖₁; scores [X 1]W.
 */
export class Lsml {
  private w: Matrix | null = null;
  /** The learned label-correlation matrix C (q×q). */
  c: Matrix | null = null;
  constructor(readonly options: LsmlOptions = {}) {}

  fit(x: Matrix, y: Matrix): this {
    const fn = 'Lsml.fit';
    checkFeatures(fn, x);
    const yy = checkLabels(fn, y, x.rows);
    const o = { lambda1: 1, lambda2: 1, alpha: 1, beta: 0.1, outerIter: 10, ...this.options };
    for (const k of ['lambda1', 'lambda2', 'alpha', 'beta'] as const)
      checkPositive(fn, k, o[k], { allowZero: k !== 'lambda2' });
    const xa = withIntercept(x);
    const q = yy.cols;
    const xtx = gemm(xa, xa, { transA: true });
    const xty = gemm(xa, yy, { transA: true });
    const yty = gemm(yy, yy, { transA: true });
    const r = labelDissimilarity(yty);
    let c = new Matrix(q, q);
    for (let i = 0; i < q; i++) c.data[i * q + i] = 1;
    let w = new Matrix(xa.cols, q);
    const a = yty.clone();
    for (let i = 0; i < q * q; i++) a.data[i] = (1 + o.lambda1) * a.data[i]!;
    for (let i = 0; i < q; i++) a.data[i * q + i] = a.data[i * q + i]! + o.lambda2;
    for (let it = 0; it < o.outerIter; it++) {
      w = sparseCorrelatedLeastSquares(xtx, gemm(xty, c), r, o.alpha, o.beta, w, { maxIter: 100, tol: 1e-6 });
      // ((1 + λ₁)YᵀY + λ₂I) C = Yᵀ[X 1]W + λ₁YᵀY
      const rhs = gemm(xty, w, { transA: true });
      for (let i = 0; i < q * q; i++) rhs.data[i] = rhs.data[i]! + o.lambda1 * yty.data[i]!;
      c = solve(a, rhs, { assume: 'spd' });
    }
    this.w = w;
    this.c = c;
    return this;
  }

  decisionFunction(x: Matrix): Matrix {
    if (!this.w) throw new NotFittedError('Lsml: call fit first');
    checkFeatures('Lsml.decisionFunction', x, this.w.rows - 1);
    return gemm(withIntercept(x), this.w);
  }

  predict(x: Matrix): Matrix {
    return thresholdFixed(this.decisionFunction(x), this.options.threshold ?? 0.5);
  }
}
