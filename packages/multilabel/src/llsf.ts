/**
 * LLSF (Huang, Li, Huang & Wu, IEEE TKDE 2016): label-specific features by sparse least squares
 * with label-correlation regularisation, solved by accelerated proximal gradient.
 *
 * @module
 */
import { assertPositive, gemm, Learner, Matrix } from '@numts/core';
import { eigh } from '@numts/decompositions';
import {
  fromInterceptRow,
  LinearMultiLabelModel,
  type LinearMultiLabelModelJson,
  withIntercept,
} from './linear-model.js';
import { checkTrainingSet, thresholdOption } from './validate.js';

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
 * LLSF: min_W ½‖[X 1]W − Y‖² + (α/2)·tr(R WᵀW) + β‖W‖₁ (the intercept row is not shrunk), by FISTA
 * with step 1/L, L = λ_max(XᵀX) + α·λ_max(R); scores [X 1]W, predictions scores > threshold.
 */
export function fitLlsf(x: Matrix, y: Matrix, options: LlsfOptions = {}): LinearMultiLabelModel {
  const fn = 'fitLlsf';
  const yy = checkTrainingSet(fn, x, y);
  const { alpha = 1, beta = 0.1, maxIter = 200, tol = 1e-6 } = options;
  assertPositive(fn, 'alpha', alpha, { allowZero: true });
  assertPositive(fn, 'beta', beta, { allowZero: true });
  const threshold = thresholdOption(fn, options.threshold);
  const xa = withIntercept(x);
  const xtx = gemm(xa, xa, { transA: true });
  const r = labelDissimilarity(gemm(yy, yy, { transA: true }));
  const w = sparseCorrelatedLeastSquares(
    xtx,
    gemm(xa, yy, { transA: true }),
    r,
    alpha,
    beta,
    new Matrix(xa.cols, yy.cols),
    { maxIter, tol },
  );
  return fromInterceptRow('Llsf', w, 'identity', threshold);
}

/** LLSF as a learner object. See {@link fitLlsf}. */
export class Llsf extends Learner<LlsfOptions, LinearMultiLabelModel, Matrix, LinearMultiLabelModelJson> {
  constructor(options: LlsfOptions = {}) {
    super(options, {
      format: 'numts.multilabel.Llsf',
      train: fitLlsf,
      restore: (json) => LinearMultiLabelModel.fromJSON(json, 'Llsf.fromJSON'),
    });
  }
}
