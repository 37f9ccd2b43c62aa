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
 * The determinant (product of the LU pivots, accumulated as mantissa and exponent so that no
 * intermediate product over- or underflows; the result itself is ±Infinity or 0 only when the
 * determinant lies beyond the double range, where {@link logdet} still gives its logarithm). The
 * empty matrix has determinant 1.
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 */
export function det(a: Matrix): number {
  const w = workingCopy('det', 'a', a, { square: true });
  const n = w.rows;
  const { sign } = luFactorInPlace(w.data, n, n);
  // The product is kept as mantissa · 2^exponent with the mantissa in [0.5, 1), so intermediate
  // products never overflow or underflow: det(diag(1e200, 1e200, 1e-200, 1e-200)) is 1 in any order.
  let mantissa: number = sign;
  let exponent = 0;
  for (let i = 0; i < n; i++) {
    const u = w.data[i * n + i]!;
    if (u === 0) return 0;
    const [m, e] = frexp(u);
    const [pm, pe] = frexp(mantissa * m);
    mantissa = pm;
    exponent += e + pe;
  }
  return ldexp(mantissa, exponent);
}

/** x = m·2^e with |m| in [0.5, 1) (x finite and non-zero); exact, subnormals included. */
function frexp(x: number): [number, number] {
  let e = 0;
  let m = x;
  // Subnormals first become normal (2^64 is exact), so that log2 can be trusted.
  if (Math.abs(m) < 2 ** -1000) {
    m *= 2 ** 64;
    e -= 64;
  }
  let k = Math.floor(Math.log2(Math.abs(m))) + 1;
  m = ldexp(m, -k);
  // log2 may be off by one at a power of two; one exact step fixes it.
  if (Math.abs(m) >= 1) {
    m *= 0.5;
    k++;
  } else if (Math.abs(m) < 0.5) {
    m *= 2;
    k--;
  }
  return [m, e + k];
}

/** m·2^e in steps that stay in range, with one rounding at the end (as C's ldexp). */
function ldexp(m: number, e: number): number {
  let x = m;
  let k = e;
  while (k > 1023) {
    x *= 2 ** 1023;
    k -= 1023;
    if (!Number.isFinite(x)) return x;
  }
  while (k < -1022 - 53) {
    x *= 2 ** -1022;
    k += 1022;
    if (x === 0) return x;
  }
  // Into the subnormals: an exact step to 2^-53 above the result, then the one rounding step.
  if (k < -1022) return x * 2 ** (k + 53) * 2 ** -53;
  return x * 2 ** k;
}
