/**
 * Quality measures of tensor decompositions from any source.
 *
 * @module
 */
import { gemm, type Matrix, norm1, norm2, ShapeError, type Tensor, type TensorLike } from '@numts/core';
import { EPS } from '../internal/input.js';
import { powerOfTwoScale, scaleInPlace } from '../internal/scaling.js';
import { VERIFY_THRESHOLD } from '../verify.js';
import { cpReconstructDense } from './cp.js';
import { denseCopy } from './dense.js';
import { modeProductDense } from './mode-product.js';

/** ‖x − y‖/‖x‖ (‖x − y‖ when x = 0) with overflow- and underflow-safe norms. */
function relativeResidual(x: Float64Array, y: Float64Array): number {
  const diff = x.map((v, i) => v - y[i]!);
  const nx = norm2(x);
  return nx === 0 ? norm2(diff) : norm2(diff) / nx;
}

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
  // X and the core scaled by the same exact power of two: the reconstruction and the residual are
  // formed near 1, where they can neither underflow (X·1e-300) nor overflow (X·1e300).
  const s = powerOfTwoScale(t.data);
  scaleInPlace(t.data, s);
  scaleInPlace(y.data, s);
  model.factors.forEach((u, k) => {
    y = modeProductDense(y, u, k, false);
  });
  const relativeError = relativeResidual(t.data, y.data);
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
  // The weights take the power of two that brings X near 1 (no factor is copied).
  const s = powerOfTwoScale(t.data);
  scaleInPlace(t.data, s);
  const r = Array.isArray(model.factors) ? (model.factors[0]?.cols ?? 0) : 0;
  const weights = Float64Array.from(model.weights ?? new Float64Array(r).fill(1), (w) => w * s);
  const xhat = cpReconstructDense('verifyCp', weights, model.factors);
  if (xhat.shape.length !== t.shape.length || xhat.shape.some((s, i) => s !== t.shape[i])) {
    throw new ShapeError(
      `verifyCp: the factors describe shape [${xhat.shape.join(', ')}] but x has shape [${t.shape.join(', ')}]`,
    );
  }
  const relativeError = relativeResidual(t.data, xhat.data);
  return { relativeError, ok: relativeError <= (options.maxRelativeError ?? Math.sqrt(EPS)) };
}
