/**
 * Tucker decomposition: truncated HOSVD and HOOI (higher-order orthogonal iteration), with
 * TensorLy's conventions.
 *
 * @module
 */
import { DomainError, type Matrix, Rng, ShapeError, type Tensor, type TensorLike } from '@numts/core';
import { powerOfTwoScale, scaleInPlace } from '../internal/scaling.js';
import { type DenseTensor, denseCopy, sumOfSquares, toTensor } from './dense.js';
import { leadingLeftVectors, type SvdMethod } from './leading-vectors.js';
import { modeProductDense, multiModeProduct } from './mode-product.js';

/** A Tucker model: X ≈ core ×₀ U₀ ×₁ U₁ ⋯. */
export interface TuckerResult {
  /** r₀ × r₁ × ⋯ core tensor. */
  core: Tensor<Float64Array>;
  /** Factor matrices Uₙ (Iₙ × rₙ) with orthonormal columns. */
  factors: Matrix[];
  /** Relative error √|‖X‖² − ‖core‖²| / ‖X‖ after each sweep (empty for hosvd). */
  errors: Float64Array;
  /** Number of HOOI sweeps run. */
  iterations: number;
}

/** Options of {@link tucker}. */
export interface TuckerOptions {
  /** `'svd'` (default): start from the truncated HOSVD; `'random'`: uniform [0, 1) factors. */
  init?: 'svd' | 'random';
  /** Stop when the relative error changes by less than this between sweeps (TensorLy: 1e-4). */
  tol?: number;
  /** Maximum number of sweeps (default 100); 0 returns the truncated HOSVD. */
  maxIter?: number;
  /** Leading singular vectors from the Gram matrix (default, fast) or a direct SVD of the unfolding. */
  svd?: SvdMethod;
  /** Random generator for `init: 'random'`; default `new Rng(seed)`. */
  rng?: Rng;
  /** Seed when no rng is given (default 0). */
  seed?: number;
}

/** Validates ranks: one positive integer rank per mode, rₙ ≤ Iₙ. */
function checkRanks(fn: string, ranks: unknown, shape: readonly number[]): number[] {
  const r = typeof ranks === 'number' ? shape.map(() => ranks) : ranks;
  if (!Array.isArray(r) || r.length !== shape.length) {
    throw new ShapeError(
      `${fn}: ranks must be a number or an array with one rank per mode (${shape.length}) (got ${JSON.stringify(ranks)})`,
    );
  }
  r.forEach((v, n) => {
    if (!Number.isInteger(v) || v < 1 || v > shape[n]!) {
      throw new ShapeError(
        `${fn}: ranks[${n}] must be an integer in [1, ${shape[n]}] (the size of mode ${n}) (got ${v})`,
      );
    }
  });
  return r as number[];
}

function projectAll(x: DenseTensor, factors: Matrix[], skip = -1): DenseTensor {
  let y = x;
  for (let k = 0; k < factors.length; k++) if (k !== skip) y = modeProductDense(y, factors[k]!, k, true);
  return y;
}

/**
 * Truncated higher-order SVD: Uₙ = leading rₙ left singular vectors of unfold(X, n), core =
 * X ×ₙ Uₙᵀ. Quasi-optimal: ‖X − X̂‖ ≤ √N·‖X − X_best‖.
 * @throws ShapeError for ranks that are not integers in [1, Iₙ]
 * @throws NonFiniteError when X holds NaN or ±Infinity
 */
export function hosvd(
  x: TensorLike | Tensor<never>,
  ranks: number | readonly number[],
  options: { svd?: SvdMethod } = {},
): TuckerResult {
  return tucker(x, ranks, { maxIter: 0, svd: options.svd ?? 'gram' });
}

/**
 * Tucker decomposition by HOOI (Gauss–Seidel sweeps: Uₙ ← leading rₙ left singular vectors of
 * unfold(X ×_{k≠n} U_kᵀ, n), using the factors already updated in the sweep), as TensorLy's
 * `tucker`: SVD initialisation, tol 1e-4 on the change of the relative error, at least three
 * sweeps, sign rule of svd_flip. The relative error never increases from sweep to sweep.
 *
 * The input is scaled by an exact power of two before the Gram matrices are formed (and the core
 * scaled back), so entries anywhere between the subnormals and 1e308 give the same factors as
 * the same tensor near 1.
 *
 * Cost per sweep: the projections X ×_{k≠n} U_kᵀ (gemm) plus one small SVD per mode; the
 * initialisation costs one Gram matrix (Iₙ × Iₙ) and one eigh per mode.
 * @throws ShapeError for ranks that are not integers in [1, Iₙ] or a tensor with fewer than 2 modes
 * @throws NonFiniteError when X holds NaN or ±Infinity
 * @throws DomainError for out-of-range options
 * @example
 * ```ts
 * const { core, factors, errors } = tucker(x, [8, 8, 8]);
 * ```
 */
export function tucker(
  x: TensorLike | Tensor<never>,
  ranks: number | readonly number[],
  options: TuckerOptions = {},
): TuckerResult {
  const fn = options.maxIter === 0 ? 'hosvd' : 'tucker';
  const t = denseCopy(fn, 'x', x, 2);
  const r = checkRanks(fn, ranks, t.shape);
  const tol = options.tol ?? 1e-4;
  const maxIter = options.maxIter ?? 100;
  const method = options.svd ?? 'gram';
  const init = options.init ?? 'svd';
  if (!(tol >= 0)) throw new DomainError(`${fn}: tol must be ≥ 0 (got ${tol})`);
  if (!Number.isInteger(maxIter) || maxIter < 0)
    throw new DomainError(`${fn}: maxIter must be a non-negative integer (got ${maxIter})`);
  if (init !== 'svd' && init !== 'random')
    throw new DomainError(`${fn}: init must be "svd" or "random" (got ${JSON.stringify(init)})`);
  if (method !== 'gram' && method !== 'direct')
    throw new DomainError(`${fn}: svd must be "gram" or "direct" (got ${JSON.stringify(method)})`);
  const order = t.shape.length;
  // Work on X·s with max|x| in [0.5, 1) (s an exact power of two): Gram matrices and squared norms
  // then neither overflow nor underflow; the core is scaled back at the end.
  const s = powerOfTwoScale(t.data);
  scaleInPlace(t.data, s);
  let factors: Matrix[];
  if (init === 'svd') {
    factors = r.map((rn, n) => leadingLeftVectors(t, n, rn, method).u);
  } else {
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    factors = r.map((rn, n) => rng.uniformMatrix(t.shape[n]!, rn));
  }
  const normX2 = sumOfSquares(t.data);
  const errors: number[] = [];
  let core = projectAll(t, factors);
  let it = 0;
  for (; it < maxIter; it++) {
    for (let n = 0; n < order; n++) {
      const y = projectAll(t, factors, n);
      factors[n] = leadingLeftVectors(y, n, r[n]!, method).u;
      if (n === order - 1) core = modeProductDense(y, factors[n]!, n, true);
    }
    const err = Math.sqrt(Math.abs(normX2 - sumOfSquares(core.data))) / Math.sqrt(normX2 || 1);
    errors.push(err);
    if (it > 1 && Math.abs(errors[errors.length - 2]! - err) < tol) {
      it++;
      break;
    }
  }
  scaleInPlace(core.data, 1 / s);
  return { core: toTensor(core), factors, errors: Float64Array.from(errors), iterations: it };
}

/** X̂ = core ×₀ U₀ ×₁ U₁ ⋯, the tensor a Tucker model represents. */
export function reconstructTucker(
  core: TensorLike | Tensor<never>,
  factors: readonly Matrix[],
): Tensor<Float64Array> {
  return multiModeProduct(core, factors);
}
