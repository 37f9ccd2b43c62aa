/**
 * Symmetric tridiagonal reduction A = Q·T·Qᵀ (scipy's `hessenberg` for symmetric input, LAPACK
 * dsytrd + dorgtr).
 *
 * @module
 */
import { assertFiniteArray, DomainError, type Matrix, ShapeError } from '@numts/core';
import { workingMatrix } from './internal/input.js';
import { ShiftedReflectors, shiftedReflectorsTransposed } from './internal/shifted-reflectors.js';
import { tridiagonalize } from './internal/tridiagonal.js';

/** What {@link tridiagonal} returns. */
export interface TridiagonalResult {
  /** The n diagonal entries of T. */
  diagonal: Float64Array;
  /** The n − 1 off-diagonal entries of T (T(i, i+1) = T(i+1, i) = offDiagonal[i]). */
  offDiagonal: Float64Array;
  /**
   * Qᵀ (n×n, orthogonal): A = Q·T·Qᵀ. Rows of `qt` are the columns of Q. Formed on first read
   * (≈ 4n³/3 flops); {@link TridiagonalResult.multiplyQ} needs no Q.
   */
  readonly qt: Matrix;
  /**
   * Q·C, or Qᵀ·C with `transpose`, for C with n rows (a new matrix), from the Householder
   * reflectors without forming Q: 4n²·k flops for k columns (LAPACK's dormtr).
   * @throws ShapeError when C does not have n rows
   * @throws NonFiniteError when C holds NaN or ±Infinity
   */
  multiplyQ(c: Matrix, options?: { transpose?: boolean }): Matrix;
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q·T·Qᵀ, the first step of
 * {@link eigh}. Useful on its own when a function of A is needed for many shifts: (A + cI)⁻¹ and
 * (I + cA)⁻¹ become tridiagonal solves after one reduction, with Qᵀ·B and Q·X from `multiplyQ`.
 * Only the lower triangle of A is read.
 *
 * With `{ overwrite: true }` a contiguous A is reduced in its own storage (A is destroyed and the
 * result keeps the reflectors there), saving a copy when A is not needed afterwards.
 *
 * Cost: ≈ 4n³/3 flops, and 4n³/3 more if `qt` is read. Backward stable.
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @example
 * ```ts
 * const t = tridiagonal(from2D([[2, 1, 0], [1, 2, 1], [0, 1, 2]]));
 * const { diagonal, offDiagonal, qt } = t;
 * const qtb = t.multiplyQ(from2D([[1], [0], [0]]), { transpose: true }); // Qᵀ·b
 * ```
 */
export function tridiagonal(a: Matrix, options: { overwrite?: boolean } = {}): TridiagonalResult {
  const w = workingMatrix('tridiagonal', 'a', a, options.overwrite);
  const n = w.rows;
  const d0 = w.data;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d0[i * n + j] = d0[j * n + i]!;
  const { d, e, tau } = tridiagonalize(d0, n);
  return new TridiagonalReduction(d, e.slice(0, Math.max(0, n - 1)), d0, n, tau);
}

/** The reduction with Q kept as reflectors; Qᵀ formed when first read. */
class TridiagonalReduction implements TridiagonalResult {
  private formed: Matrix | undefined;
  private implicit: ShiftedReflectors | undefined;

  constructor(
    readonly diagonal: Float64Array,
    readonly offDiagonal: Float64Array,
    private readonly reflectors: Float64Array,
    private readonly n: number,
    private readonly tau: Float64Array,
  ) {}

  get qt(): Matrix {
    this.formed ??= shiftedReflectorsTransposed(this.reflectors, this.n, this.tau);
    return this.formed;
  }

  multiplyQ(c: Matrix, options: { transpose?: boolean } = {}): Matrix {
    if (c.rows !== this.n)
      throw new ShapeError(
        `tridiagonal.multiplyQ: c must have ${this.n} rows like A (got ${c.rows}x${c.cols})`,
      );
    const out = c.clone();
    assertFiniteArray('tridiagonal.multiplyQ', 'c', out.data);
    this.implicit ??= new ShiftedReflectors(this.reflectors, this.n, this.tau);
    this.implicit.apply(out.data, out.cols, options.transpose === true);
    return out;
  }
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
  const y = Float64Array.from(b);
  const zero = gtsvInPlace(Float64Array.from(lower), Float64Array.from(diag), Float64Array.from(upper), y);
  if (zero >= 0) throw new DomainError(`${fn}: the matrix is singular (zero pivot at row ${zero})`);
  return y;
}

/**
 * Solves (I + shifts[k]·T)·x_k = b_k for every row b_k of B (m×n), T the symmetric tridiagonal
 * matrix of `diagonal` (n) and `offDiagonal` (n − 1), e.g. from {@link tridiagonal}: row k of the
 * result is x_k. Each row costs O(n) (Gaussian elimination with partial pivoting, as
 * {@link solveTridiagonal}), with the inputs checked once for the whole batch.
 *
 * @throws ShapeError when the lengths disagree (shifts: m, diagonal: n = B's columns, offDiagonal: n − 1)
 * @throws NonFiniteError when an input holds NaN or ±Infinity
 * @throws DomainError when some I + shifts[k]·T is singular
 * @example
 * ```ts
 * const x = solveShiftedTridiagonal([2, 2], [1], [0, 1], from2D([[1, 1], [4, 4]])); // rows [1, 1], [1, 1]
 * ```
 */
export function solveShiftedTridiagonal(
  diagonal: ArrayLike<number>,
  offDiagonal: ArrayLike<number>,
  shifts: ArrayLike<number>,
  b: Matrix,
): Matrix {
  const fn = 'solveShiftedTridiagonal';
  const n = diagonal.length;
  if (offDiagonal.length !== Math.max(0, n - 1) || b.cols !== n || b.rows !== shifts.length)
    throw new ShapeError(
      `${fn}: b must be ${shifts.length}x${n} (one row per shift, one column per diagonal entry) and offDiagonal have n − 1 entries (got b ${b.rows}x${b.cols}, diagonal ${n}, offDiagonal ${offDiagonal.length}, shifts ${shifts.length})`,
    );
  assertFiniteArray(fn, 'diagonal', diagonal);
  assertFiniteArray(fn, 'offDiagonal', offDiagonal);
  assertFiniteArray(fn, 'shifts', shifts);
  const x = b.clone();
  assertFiniteArray(fn, 'b', x.data);
  const d = new Float64Array(n);
  const dl = new Float64Array(Math.max(0, n - 1));
  const du = new Float64Array(Math.max(0, n - 1));
  for (let k = 0; k < x.rows; k++) {
    const c = shifts[k]!;
    for (let i = 0; i < n; i++) d[i] = 1 + c * diagonal[i]!;
    for (let i = 0; i < n - 1; i++) dl[i] = du[i] = c * offDiagonal[i]!;
    const zero = gtsvInPlace(dl, d, du, x.data.subarray(k * n, (k + 1) * n));
    if (zero >= 0)
      throw new DomainError(`${fn}: I + shifts[${k}]·T is singular (shift ${c}, zero pivot at row ${zero})`);
  }
  return x;
}

/**
 * The kernel of LAPACK's dgtsv: y ← M⁻¹y for the tridiagonal M of (dl, d, du), which are
 * overwritten (the factors). Returns −1, or the row of a zero pivot (y is then incomplete).
 */
function gtsvInPlace(dl: Float64Array, d: Float64Array, du: Float64Array, y: Float64Array): number {
  const n = d.length;
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(d[i]!) >= Math.abs(dl[i]!)) {
      if (d[i] === 0) return i;
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
  if (n === 0) return -1;
  if (d[n - 1] === 0) return n - 1;
  y[n - 1] = y[n - 1]! / d[n - 1]!;
  if (n > 1) y[n - 2] = (y[n - 2]! - du[n - 2]! * y[n - 1]!) / d[n - 2]!;
  for (let i = n - 3; i >= 0; i--) y[i] = (y[i]! - du[i]! * y[i + 1]! - dl[i]! * y[i + 2]!) / d[i]!;
  return -1;
}
