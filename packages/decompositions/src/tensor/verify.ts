/**
 * Quality measures of tensor decompositions from any source.
 *
 * @module
 */
import { gemm, type Matrix, norm1, ShapeError, type Tensor, type TensorLike } from '@numts/core';
import { EPS } from '../internal/input.js';
import { VERIFY_THRESHOLD } from '../verify.js';
import { cpReconstructDense } from './cp.js';
import { denseCopy, sumOfSquares } from './dense.js';
import { modeProductDense } from './mode-product.js';

/** What {@link verifyTucker} returns. */
export interface TuckerReport {
  /** ‖X − X̂‖/‖X‖. */
  relativeError: number;
  /** Per factor ‖UᵀU − I‖₁/(max(Iₙ, rₙ)·ε) (LAPACK's orthogonality ratio). */
  orthogonality: number[];
  /** Factors orthonormal (every ratio < 30) and, when `maxRelativeError` is given, the error below it. */
  ok: boolean;
}

/**
 * Relative reconstruction error of a Tucker model and the orthonormality of its factors.
 * @throws ShapeError when the core and factors do not fit X
 */
export function verifyTucker(
  x: TensorLike | Tensor<never>,
  model: { core: TensorLike | Tensor<never>; factors: readonly Matrix[] },
  options: { maxRelativeError?: number; threshold?: number } = {},
): TuckerReport {
  const t = denseCopy('verifyTucker', 'x', x);
  let y = denseCopy('verifyTucker', 'core', model.core);
  const n = t.shape.length;
  if (!Array.isArray(model.factors) || model.factors.length !== n || y.shape.length !== n) {
    throw new ShapeError(`verifyTucker: need a core and one factor per mode of x (${n} modes)`);
  }
  model.factors.forEach((u, k) => {
    if (u.rows !== t.shape[k] || u.cols !== y.shape[k]) {
      throw new ShapeError(
        `verifyTucker: factors[${k}] must be ${t.shape[k]}x${y.shape[k]} (got ${u.rows}x${u.cols})`,
      );
    }
  });
  model.factors.forEach((u, k) => {
    y = modeProductDense(y, u, k, false);
  });
  const diff = t.data.map((v, i) => v - y.data[i]!);
  const nx = Math.sqrt(sumOfSquares(t.data));
  const relativeError = nx === 0 ? Math.sqrt(sumOfSquares(diff)) : Math.sqrt(sumOfSquares(diff)) / nx;
  const orthogonality = model.factors.map((u) => {
    const g = gemm(u, u, { transA: true });
    for (let i = 0; i < g.rows; i++) g.data[i * g.cols + i] = g.data[i * g.cols + i]! - 1;
    return norm1(g) / (Math.max(1, u.rows, u.cols) * EPS);
  });
  const threshold = options.threshold ?? VERIFY_THRESHOLD;
  const ok =
    orthogonality.every((r) => r < threshold) &&
    (options.maxRelativeError === undefined || relativeError <= options.maxRelativeError);
  return { relativeError, orthogonality, ok };
}

/** What {@link verifyCp} returns. */
export interface CpReport {
  /** ‖X − X̂‖/‖X‖. */
  relativeError: number;
  /** relativeError ≤ maxRelativeError (default √ε ≈ 1.5e-8: an exact decomposition up to rounding). */
  ok: boolean;
}

/**
 * Relative reconstruction error of a CP model.
 * @throws ShapeError when the factors do not fit X
 */
export function verifyCp(
  x: TensorLike | Tensor<never>,
  model: { weights?: ArrayLike<number>; factors: readonly Matrix[] },
  options: { maxRelativeError?: number } = {},
): CpReport {
  const t = denseCopy('verifyCp', 'x', x);
  const xhat = cpReconstructDense('verifyCp', model.weights, model.factors);
  if (xhat.shape.length !== t.shape.length || xhat.shape.some((s, i) => s !== t.shape[i])) {
    throw new ShapeError(
      `verifyCp: the factors describe shape [${xhat.shape.join(', ')}] but x has shape [${t.shape.join(', ')}]`,
    );
  }
  let s = 0;
  for (let i = 0; i < t.data.length; i++) s += (t.data[i]! - xhat.data[i]!) ** 2;
  const nx = Math.sqrt(sumOfSquares(t.data));
  const relativeError = nx === 0 ? Math.sqrt(s) : Math.sqrt(s) / nx;
  return { relativeError, ok: relativeError <= (options.maxRelativeError ?? Math.sqrt(EPS)) };
}
