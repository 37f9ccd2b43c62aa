/**
 * Symmetric tridiagonal reduction A = Q·T·Qᵀ (scipy's `hessenberg` for symmetric input, LAPACK
 * dsytrd + dorgtr).
 *
 * @module
 */
import { assertFiniteArray, DomainError, type Matrix, ShapeError } from '@numts/core';
import { workingCopy } from './internal/input.js';
import { shiftedReflectorsTransposed } from './internal/shifted-reflectors.js';
import { tridiagonalize } from './internal/tridiagonal.js';

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
  const qt = shiftedReflectorsTransposed(d0, n, tau);
  return { diagonal: d, offDiagonal: e.slice(0, Math.max(0, n - 1)), qt };
}

/**
 * Solves a general tridiagonal system M·x = b (M(i, i) = diag[i], M(i+1, i) = lower[i],
 * M(i, i+1) = upper[i]) by Gaussian elimination with partial pivoting (LAPACK dgtsv), in O(n).
 * Stable for any non-singular M, including the indefinite shifted systems I + c·T that follow a
 * {@link tridiagonal} reduction. The inputs are not modified.
 *
 * @throws ShapeError when the lengths disagree (diag and b: n, lower and upper: n − 1)
 * @throws NonFiniteError when an input holds NaN or ±Infinity
 * @throws DomainError when M is singular (a zero pivot)
 * @example
 * ```ts
 * solveTridiagonal([1], [2, 2], [1], Float64Array.of(3, 3)); // [1, 1]
 * ```
 */
export function solveTridiagonal(
  lower: ArrayLike<number>,
  diag: ArrayLike<number>,
  upper: ArrayLike<number>,
  b: ArrayLike<number>,
): Float64Array {
  const fn = 'solveTridiagonal';
  const n = diag.length;
  if (b.length !== n || lower.length !== Math.max(0, n - 1) || upper.length !== Math.max(0, n - 1))
    throw new ShapeError(
      `${fn}: diag and b need n entries and lower, upper n − 1 (got diag ${n}, b ${b.length}, lower ${lower.length}, upper ${upper.length})`,
    );
  for (const [name, v] of [
    ['lower', lower],
    ['diag', diag],
    ['upper', upper],
    ['b', b],
  ] as const)
    assertFiniteArray(fn, name, v);
  const d = Float64Array.from(diag);
  const du = Float64Array.from(upper);
  const dl = Float64Array.from(lower);
  const y = Float64Array.from(b);
  const singular = (i: number) => new DomainError(`${fn}: the matrix is singular (zero pivot at row ${i})`);
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(d[i]!) >= Math.abs(dl[i]!)) {
      if (d[i] === 0) throw singular(i);
      const fact = dl[i]! / d[i]!;
      d[i + 1] = d[i + 1]! - fact * du[i]!;
      y[i + 1] = y[i + 1]! - fact * y[i]!;
      dl[i] = 0; // dl now holds the second superdiagonal of U
    } else {
      // Interchange rows i and i+1.
      const fact = d[i]! / dl[i]!;
      d[i] = dl[i]!;
      const temp = d[i + 1]!;
      d[i + 1] = du[i]! - fact * temp;
      if (i < n - 2) {
        dl[i] = du[i + 1]!;
        du[i + 1] = -fact * dl[i]!;
      } else dl[i] = 0;
      du[i] = temp;
      const tb = y[i]!;
      y[i] = y[i + 1]!;
      y[i + 1] = tb - fact * y[i + 1]!;
    }
  }
  if (n === 0) return y;
  if (d[n - 1] === 0) throw singular(n - 1);
  y[n - 1] = y[n - 1]! / d[n - 1]!;
  if (n > 1) y[n - 2] = (y[n - 2]! - du[n - 2]! * y[n - 1]!) / d[n - 2]!;
  for (let i = n - 3; i >= 0; i--) y[i] = (y[i]! - du[i]! * y[i + 1]! - dl[i]! * y[i + 2]!) / d[i]!;
  return y;
}
