/**
 * Square linear systems and their by-products: solve, inv, det, logdet.
 *
 * @module
 */
import { DomainError, Matrix } from '@numts/core';
import { choleskyInPlace, choleskySolveInPlace } from './cholesky.js';
import { rhsCopy, workingCopy } from './internal/input.js';
import { solveLowerInPlace, solveUpperInPlace } from './internal/triangular.js';
import { luFactorInPlace } from './lu.js';

/** Options of {@link solve}. */
export interface SolveOptions {
  /** `'general'` (default): LU with partial pivoting; `'spd'`: Cholesky (A symmetric positive definite, lower triangle read). */
  assume?: 'general' | 'spd';
}

function singularIndex(lu: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) if (lu[i * n + i] === 0) return i;
  return -1;
}

/**
 * Solves A·X = B for square A. `b` may be a Matrix (n×k) or a Float64Array (n); the result has
 * the same kind.
 *
 * Cost: 2n³/3 + 2n²k flops (LU) or n³/3 + 2n²k (Cholesky).
 * @throws ShapeError when A is not square or B has the wrong number of rows
 * @throws NonFiniteError when A or B holds NaN or ±Infinity
 * @throws DomainError when A is exactly singular (a zero pivot) or, with `assume: 'spd'`, not positive definite
 * @example
 * ```ts
 * solve(from2D([[2, 0], [0, 4]]), Float64Array.of(2, 2)); // Float64Array [1, 0.5]
 * ```
 */
export function solve(a: Matrix, b: Matrix): Matrix;
export function solve(a: Matrix, b: Float64Array, options?: SolveOptions): Float64Array;
export function solve(a: Matrix, b: Matrix, options?: SolveOptions): Matrix;
export function solve(
  a: Matrix,
  b: Matrix | Float64Array,
  options: SolveOptions = {},
): Matrix | Float64Array {
  const assume = options.assume ?? 'general';
  if (assume !== 'general' && assume !== 'spd') {
    throw new DomainError(`solve: assume must be "general" or "spd" (got ${JSON.stringify(assume)})`);
  }
  const w = workingCopy('solve', 'a', a, { square: true });
  const n = w.rows;
  const { b: rhs, vector } = rhsCopy('solve', b, n);
  const k = rhs.cols;
  if (assume === 'spd') {
    const fail = choleskyInPlace(w.data, n);
    if (fail >= 0)
      throw new DomainError(
        `solve: a must be positive definite with assume "spd" (pivot ${fail} is not positive)`,
      );
    choleskySolveInPlace(w.data, n, rhs.data, k);
  } else {
    const { perm } = luFactorInPlace(w.data, n, n);
    const zero = singularIndex(w.data, n);
    if (zero >= 0)
      throw new DomainError(`solve: a is singular (U(${zero}, ${zero}) = 0 after partial pivoting)`);
    const pb = new Float64Array(n * k);
    for (let i = 0; i < n; i++) pb.set(rhs.data.subarray(perm[i]! * k, perm[i]! * k + k), i * k);
    solveLowerInPlace(w.data, n, n, pb, k, true);
    solveUpperInPlace(w.data, n, n, pb, k);
    rhs.data.set(pb);
  }
  return vector ? rhs.data : rhs;
}

/**
 * The inverse A⁻¹ (LU with partial pivoting). Prefer {@link solve} for systems: it is faster and
 * more accurate.
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @throws DomainError when A is exactly singular
 */
export function inv(a: Matrix): Matrix {
  if (!(a instanceof Matrix)) throw new TypeError('inv: a must be a Matrix');
  const n = a.rows;
  const id = new Matrix(n, n);
  for (let i = 0; i < n; i++) id.data[i * n + i] = 1;
  try {
    return solve(a, id);
  } catch (e) {
    if (e instanceof Error) e.message = e.message.replace(/^solve:/, 'inv:');
    throw e;
  }
}

/** What {@link logdet} returns: det(A) = sign·exp(logAbsDet), as numpy's slogdet. */
export interface LogDetResult {
  /** +1, −1, or 0 for a singular matrix. */
  sign: number;
  /** log|det(A)|; −Infinity for a singular matrix. */
  logAbsDet: number;
}

/**
 * Sign and logarithm of the determinant (no overflow for large n).
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 */
export function logdet(a: Matrix): LogDetResult {
  const w = workingCopy('logdet', 'a', a, { square: true });
  const n = w.rows;
  const { sign } = luFactorInPlace(w.data, n, n);
  let s: number = sign;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const u = w.data[i * n + i]!;
    if (u === 0) return { sign: 0, logAbsDet: Number.NEGATIVE_INFINITY };
    if (u < 0) s = -s;
    acc += Math.log(Math.abs(u));
  }
  return { sign: s, logAbsDet: acc };
}

/**
 * The determinant (product of the LU pivots). It over- or underflows for large n where
 * {@link logdet} does not; the empty matrix has determinant 1.
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 */
export function det(a: Matrix): number {
  const w = workingCopy('det', 'a', a, { square: true });
  const n = w.rows;
  const { sign } = luFactorInPlace(w.data, n, n);
  let p: number = sign;
  for (let i = 0; i < n; i++) p *= w.data[i * n + i]!;
  return p;
}
