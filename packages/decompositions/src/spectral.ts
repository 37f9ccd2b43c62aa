/**
 * Functions of the singular values: lstsq, pinv, cond, rank, nullspace, orth, and the truncated
 * and randomized SVDs.
 *
 * @module
 */
import { DomainError, gemm, Matrix, Rng } from '@numts/core';
import { assertIntegerIn, EPS, rhsCopy, workingCopy } from './internal/input.js';
import { normalizeSvdSigns } from './internal/signs.js';
import { qr } from './qr.js';
import { type SvdResult, svd } from './svd.js';

/** Default relative cutoff of small singular values: max(m, n)·ε (numpy's choice). */
function defaultRcond(m: number, n: number): number {
  return Math.max(m, n) * EPS;
}

function assertRcond(fn: string, rcond: unknown): asserts rcond is number {
  if (typeof rcond !== 'number' || !(rcond >= 0) || !Number.isFinite(rcond)) {
    throw new DomainError(`${fn}: rcond must be a finite number ≥ 0 (got ${String(rcond)})`);
  }
}

/** What {@link lstsq} returns. */
export interface LstsqResult<X> {
  /** Minimum-norm least-squares solution (n×k, or length n for a vector b). */
  x: X;
  /** Squared residual norms ‖A·x − b‖² per column (computed for every shape). */
  residuals: Float64Array;
  /** Effective rank: the number of singular values above rcond·σ₁. */
  rank: number;
  /** Singular values of A, descending. */
  s: Float64Array;
}

/**
 * Minimum-norm least squares, min ‖A·x − b‖₂ with the smallest ‖x‖₂, by the SVD: singular values
 * at or below `rcond`·σ₁ are treated as zero, so rank-deficient and underdetermined problems are
 * safe.
 * @throws ShapeError when b has the wrong number of rows
 * @throws NonFiniteError when A or b holds NaN or ±Infinity
 * @throws DomainError when rcond is negative or not finite
 */
export function lstsq(a: Matrix, b: Float64Array, options?: { rcond?: number }): LstsqResult<Float64Array>;
export function lstsq(a: Matrix, b: Matrix, options?: { rcond?: number }): LstsqResult<Matrix>;
export function lstsq(
  a: Matrix,
  b: Matrix | Float64Array,
  options: { rcond?: number } = {},
): LstsqResult<Matrix | Float64Array> {
  const w = workingCopy('lstsq', 'a', a);
  const m = w.rows;
  const n = w.cols;
  const { b: rhs, vector } = rhsCopy('lstsq', b, m);
  const rcond = options.rcond ?? defaultRcond(m, n);
  assertRcond('lstsq', rcond);
  const { u, s, vt } = svd(w);
  const tol = rcond * (s[0] ?? 0);
  let rank = 0;
  while (rank < s.length && s[rank]! > tol) rank++;
  // x = V_r·Σ_r⁻¹·U_rᵀ·b
  const k = rhs.cols;
  const ur = u!.slice(0, m, 0, rank);
  const c = gemm(ur, rhs, { transA: true }); // rank×k
  for (let i = 0; i < rank; i++) for (let j = 0; j < k; j++) c.data[i * k + j] = c.data[i * k + j]! / s[i]!;
  const x = gemm(vt!.slice(0, rank, 0, n), c, { transA: true }); // n×k
  const r = gemm(w, x);
  const residuals = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let acc = 0;
    for (let i = 0; i < m; i++) {
      const d = r.data[i * k + j]! - rhs.data[i * k + j]!;
      acc += d * d;
    }
    residuals[j] = acc;
  }
  return { x: vector ? x.data : x, residuals, rank, s };
}

/**
 * Moore–Penrose pseudo-inverse A⁺ = V·Σ⁺·Uᵀ (n×m), with singular values at or below rcond·σ₁
 * treated as zero.
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @throws DomainError when rcond is negative or not finite
 */
export function pinv(a: Matrix, options: { rcond?: number } = {}): Matrix {
  const w = workingCopy('pinv', 'a', a);
  const rcond = options.rcond ?? defaultRcond(w.rows, w.cols);
  assertRcond('pinv', rcond);
  const { u, s, vt } = svd(w);
  const tol = rcond * (s[0] ?? 0);
  let r = 0;
  while (r < s.length && s[r]! > tol) r++;
  const vs = vt!.slice(0, r, 0, w.cols).clone(); // r×n, scaled rows
  for (let i = 0; i < r; i++)
    for (let j = 0; j < w.cols; j++) vs.data[i * w.cols + j] = vs.data[i * w.cols + j]! / s[i]!;
  return gemm(vs, u!.slice(0, w.rows, 0, r), { transA: true, transB: true });
}

/**
 * 2-norm condition number σ₁/σₖ, k = min(m, n): Infinity when σₖ = 0, and 0 for an empty matrix.
 * @throws NonFiniteError when A holds NaN or ±Infinity
 */
export function cond(a: Matrix): number {
  const { s } = svd(a, { mode: 'values' });
  if (s.length === 0) return 0;
  const smin = s[s.length - 1]!;
  return smin === 0 ? Number.POSITIVE_INFINITY : s[0]! / smin;
}

function rankFromValues(s: Float64Array, m: number, n: number, tol: number | undefined): number {
  const t = tol ?? (s[0] ?? 0) * Math.max(m, n) * EPS;
  let r = 0;
  for (const x of s) if (x > t) r++;
  return r;
}

/**
 * Numerical rank: the number of singular values above `tol` (default σ₁·max(m, n)·ε, numpy's
 * matrix_rank).
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @throws DomainError when tol is negative or not finite
 */
export function rank(a: Matrix, options: { tol?: number } = {}): number {
  if (options.tol !== undefined) assertRcond('rank', options.tol);
  const { s } = svd(a, { mode: 'values' });
  return rankFromValues(s, a.rows, a.cols, options.tol);
}

/**
 * Orthonormal basis of the null space of A (n×(n − rank)): the right singular vectors of the
 * singular values at or below `tol` (default as {@link rank}).
 * @throws NonFiniteError when A holds NaN or ±Infinity
 */
export function nullspace(a: Matrix, options: { tol?: number } = {}): Matrix {
  if (options.tol !== undefined) assertRcond('nullspace', options.tol);
  const { s, vt } = svd(a, { mode: 'full' });
  const r = rankFromValues(s, a.rows, a.cols, options.tol);
  return vt!.slice(r, a.cols, 0, a.cols).T.clone();
}

/**
 * Orthonormal basis of the range of A (m×rank): the left singular vectors of the singular values
 * above `tol` (default as {@link rank}).
 * @throws NonFiniteError when A holds NaN or ±Infinity
 */
export function orth(a: Matrix, options: { tol?: number } = {}): Matrix {
  if (options.tol !== undefined) assertRcond('orth', options.tol);
  const { u, s } = svd(a);
  const r = rankFromValues(s, a.rows, a.cols, options.tol);
  return u!.slice(0, a.rows, 0, r).clone();
}

/**
 * The k leading singular triplets (U m×k, σ, Vᵀ k×n), the best rank-k approximation in every
 * unitarily invariant norm. Computed from a full thin SVD, so exact to working precision; for a
 * large matrix and small k, {@link svdRandomized} is much cheaper.
 * @throws ShapeError when k is not an integer in [0, min(m, n)]
 */
export function svdTruncated(a: Matrix, k: number): SvdResult {
  if (!(a instanceof Matrix)) throw new TypeError('svdTruncated: a must be a Matrix');
  assertIntegerIn('svdTruncated', 'k', k, 0, Math.min(a.rows, a.cols));
  const { u, s, vt } = svd(a);
  return { u: u!.slice(0, a.rows, 0, k).clone(), s: s.slice(0, k), vt: vt!.slice(0, k, 0, a.cols).clone() };
}

/** Options of {@link svdRandomized}. */
export interface SvdRandomizedOptions {
  /** Extra sample columns beyond k (default 10). */
  oversample?: number;
  /** Power (subspace) iterations, each re-orthonormalised by QR (default 2). */
  powerIters?: number;
  /** Random generator; default `new Rng(seed)`. */
  rng?: Rng;
  /** Seed used when no `rng` is given (default 0). */
  seed?: number;
}

/**
 * Randomized SVD (Halko, Martinsson & Tropp 2011, Alg. 4.4 + 5.1): sample the range with a
 * Gaussian test matrix of k + oversample columns, refine it with `powerIters` QR-stabilised power
 * iterations, and take the SVD of the small projected matrix. Deterministic for a given seed.
 *
 * Cost: O(mn(k + p)(2q + 2)) flops in gemm, plus small QR/SVD. Error: close to σₖ₊₁ for a matrix
 * with a decaying spectrum; exact (to rounding) when rank(A) ≤ k + oversample.
 * @throws ShapeError when k is not an integer in [1, min(m, n)] or the options are out of range
 * @throws NonFiniteError when A holds NaN or ±Infinity
 */
export function svdRandomized(a: Matrix, k: number, options: SvdRandomizedOptions = {}): SvdResult {
  const w = workingCopy('svdRandomized', 'a', a);
  const m = w.rows;
  const n = w.cols;
  assertIntegerIn('svdRandomized', 'k', k, 1, Math.max(1, Math.min(m, n)));
  const oversample = options.oversample ?? 10;
  const powerIters = options.powerIters ?? 2;
  assertIntegerIn('svdRandomized', 'oversample', oversample, 0, 10_000);
  assertIntegerIn('svdRandomized', 'powerIters', powerIters, 0, 100);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const l = Math.min(k + oversample, Math.min(m, n));
  const omega = rng.normalMatrix(n, l);
  let q = qr(gemm(w, omega)).q!; // m×l
  for (let it = 0; it < powerIters; it++) {
    const z = qr(gemm(w, q, { transA: true })).q!; // n×l
    q = qr(gemm(w, z)).q!;
  }
  const bSmall = gemm(q, w, { transA: true }); // l×n
  const inner = svd(bSmall);
  const u = gemm(q, inner.u!.slice(0, l, 0, k));
  const vt = inner.vt!.slice(0, k, 0, n).clone();
  normalizeSvdSigns(u, vt);
  return { u, s: inner.s.slice(0, k), vt };
}
