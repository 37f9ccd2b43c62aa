/**
 * Symmetric tridiagonal reduction A = Q·T·Qᵀ (scipy's `hessenberg` for symmetric input, LAPACK
 * dsytrd + dorgtr).
 *
 * @module
 */
import type { Matrix } from '@numts/core';
import { workingCopy } from './internal/input.js';
import { tridiagonalize, tridiagonalQTransposed } from './internal/tridiagonal.js';

/** What {@link tridiagonal} returns. */
export interface TridiagonalResult {
  /** The n diagonal entries of T. */
  diagonal: Float64Array;
  /** The n − 1 off-diagonal entries of T (T(i, i+1) = T(i+1, i) = offDiagonal[i]). */
  offDiagonal: Float64Array;
  /** Qᵀ (n×n, orthogonal): A = Q·T·Qᵀ. Rows of `qt` are the columns of Q. */
  qt: Matrix;
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q·T·Qᵀ, the first step of
 * {@link eigh}. Useful on its own when a function of A is needed for many shifts: (A + cI)⁻¹ and
 * (I + cA)⁻¹ become tridiagonal solves after one reduction. Only the lower triangle of A is read.
 *
 * Cost: ≈ 2n³ + 4n³/3 flops. Backward stable.
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @example
 * ```ts
 * const { diagonal, offDiagonal, qt } = tridiagonal(from2D([[2, 1, 0], [1, 2, 1], [0, 1, 2]]));
 * ```
 */
export function tridiagonal(a: Matrix): TridiagonalResult {
  const w = workingCopy('tridiagonal', 'a', a, { square: true });
  const n = w.rows;
  const d0 = w.data;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d0[i * n + j] = d0[j * n + i]!;
  const { d, e, tau } = tridiagonalize(d0, n);
  const qt = tridiagonalQTransposed(d0, n, tau);
  return { diagonal: d, offDiagonal: e.slice(0, Math.max(0, n - 1)), qt };
}
