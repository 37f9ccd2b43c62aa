/**
 * LAPACK-style checks of a factorization, wherever it came from: scaled residuals that are O(1)
 * for a backward-stable result and grow as ε⁻¹ for a wrong one.
 *
 * Every ratio divides by (dimension · ε · ‖A‖₁) or (dimension · ε) as LAPACK's test routines
 * (dbdt01, dort01, dqrt01, dget01, dpot01) do, with the 1-norm. A factorization passes (`ok`) when
 * every ratio is below `threshold` (default 30, LAPACK's test threshold) and the structural checks
 * (ordering, triangularity, signs) hold.
 *
 * @module
 */
import { assertFiniteMatrix, gemm, Matrix, norm1, ShapeError } from '@numts/core';
import { EPS } from './internal/input.js';

/** LAPACK's default test threshold. */
export const VERIFY_THRESHOLD = 30;

/** Common shape of every verify* result. */
export interface VerifyReport {
  /** True when every ratio is below the threshold and every structural check holds. */
  ok: boolean;
  /** Scaled residual ratios by name. */
  ratios: Record<string, number>;
  /** Structural checks by name (ordering, triangularity, …). */
  checks: Record<string, boolean>;
  /** The threshold that was applied. */
  threshold: number;
}

interface VerifyOptions {
  /** Pass/fail threshold for the ratios (default 30). */
  threshold?: number;
}

function asMatrix(fn: string, name: string, x: unknown): Matrix {
  if (!(x instanceof Matrix)) throw new TypeError(`${fn}: ${name} must be a Matrix`);
  assertFiniteMatrix(fn, name, x);
  return x;
}

function expectShape(fn: string, name: string, x: Matrix, rows: number, cols: number): void {
  if (x.rows !== rows || x.cols !== cols) {
    throw new ShapeError(`${fn}: ${name} must be ${rows}x${cols} (got ${x.rows}x${x.cols})`);
  }
}

/** The smallest positive normal double (LAPACK's safe minimum, DLAMCH('S')). */
const SAFE_MIN = 2 ** -1022;

/**
 * ‖R‖₁ / (dim·ε·‖A‖₁) in LAPACK's test-routine arithmetic (dsyt21, dbdt01): ‖A‖ is clamped
 * below by the safe minimum, so a subnormal A does not make the ratio infinite, and the division
 * is ordered so that neither dim·ε·‖A‖ underflows nor ‖R‖/‖A‖ overflows. A residual far beyond
 * ‖A‖ is capped at dim·‖A‖, which still gives a ratio of 1/ε (a clear failure).
 */
function residualRatio(residualNorm: number, dim: number, aNorm: number): number {
  if (residualNorm === 0) return 0;
  if (Number.isNaN(residualNorm)) return Number.NaN;
  const n = Math.max(1, dim);
  const anorm = Math.max(aNorm, SAFE_MIN);
  if (anorm > residualNorm) return residualNorm / anorm / (n * EPS);
  if (anorm < 1) return Math.min(residualNorm, n * anorm) / anorm / (n * EPS);
  return Math.min(residualNorm / anorm, n) / (n * EPS);
}

/** ‖XᵀX − I‖₁/(max(rows, cols)·ε) for the columns of X (or rows when `rows` is true). */
function orthogonality(x: Matrix, rows = false): number {
  const g = rows ? gemm(x, x, { transB: true }) : gemm(x, x, { transA: true });
  for (let i = 0; i < g.rows; i++) g.data[i * g.cols + i] = g.data[i * g.cols + i]! - 1;
  const r = norm1(g);
  return r === 0 ? 0 : r / (Math.max(1, x.rows, x.cols) * EPS);
}

function report(
  ratios: Record<string, number>,
  checks: Record<string, boolean>,
  threshold: number,
): VerifyReport {
  const ok = Object.values(ratios).every((r) => r < threshold) && Object.values(checks).every(Boolean);
  return { ok, ratios, checks, threshold };
}

function minus(x: Matrix, y: Matrix): Matrix {
  const out = new Matrix(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < x.cols; j++) out.data[i * x.cols + j] = x.get(i, j) - y.get(i, j);
  return out;
}

/**
 * Checks A ≈ U·diag(s)·Vᵀ (thin or full factors, numpy's layout: `vt` has the right vectors as
 * rows). Ratios: `reconstruction` = ‖A − UΣVᵀ‖₁/(max(m,n)·ε·‖A‖₁), `orthogonalityU`,
 * `orthogonalityV`. Checks: `descending`, `nonNegative`. With fewer singular values than
 * min(m, n) (a truncated SVD) the leading triplets are checked instead of the reconstruction:
 * `residualAV` = ‖AV − UΣ‖₁ and `residualAtU` = ‖AᵀU − VΣ‖₁, each over (max(m,n)·ε·‖A‖₁).
 * @throws ShapeError when the factors do not fit A
 */
export function verifySvd(
  a: Matrix,
  f: { u: Matrix; s: ArrayLike<number>; vt: Matrix },
  options: VerifyOptions = {},
): VerifyReport {
  const fn = 'verifySvd';
  asMatrix(fn, 'a', a);
  const u = asMatrix(fn, 'u', f.u);
  const vt = asMatrix(fn, 'vt', f.vt);
  const m = a.rows;
  const n = a.cols;
  const k = f.s.length;
  if (u.rows !== m || u.cols < k)
    throw new ShapeError(`${fn}: u must have ${m} rows and at least ${k} columns (got ${u.rows}x${u.cols})`);
  if (vt.cols !== n || vt.rows < k)
    throw new ShapeError(
      `${fn}: vt must have ${n} columns and at least ${k} rows (got ${vt.rows}x${vt.cols})`,
    );
  if (k > Math.min(m, n))
    throw new ShapeError(`${fn}: s must have at most min(m, n) = ${Math.min(m, n)} values (got ${k})`);
  const uk = u.slice(0, m, 0, k);
  const vk = vt.slice(0, k, 0, n);
  const us = uk.clone();
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us.data[i * k + j] = us.data[i * k + j]! * f.s[j]!;
  const s = Array.from(f.s);
  const aNorm = norm1(a);
  const dim = Math.max(m, n);
  let residuals: Record<string, number>;
  if (k === Math.min(m, n)) {
    residuals = { reconstruction: residualRatio(norm1(minus(a, gemm(us, vk))), dim, aNorm) };
  } else {
    // Leading triplets only: A·vᵢ = σᵢ·uᵢ and Aᵀ·uᵢ = σᵢ·vᵢ, each to working precision.
    const vs = vk.T.clone();
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) vs.data[i * k + j] = vs.data[i * k + j]! * f.s[j]!;
    residuals = {
      residualAV: residualRatio(norm1(minus(gemm(a, vk, { transB: true }), us)), dim, aNorm),
      residualAtU: residualRatio(norm1(minus(gemm(a, uk, { transA: true }), vs)), dim, aNorm),
    };
  }
  return report(
    {
      ...residuals,
      orthogonalityU: orthogonality(u),
      orthogonalityV: orthogonality(vt, true),
    },
    { descending: s.every((x, i) => i === 0 || x <= s[i - 1]!), nonNegative: s.every((x) => x >= 0) },
    options.threshold ?? VERIFY_THRESHOLD,
  );
}

/**
 * Checks A ≈ Q·R: `reconstruction` = ‖A − QR‖₁/(max(m,n)·ε·‖A‖₁), `orthogonality` of Q's columns,
 * and `upperTriangular` (R has no entry below its diagonal larger than ε·‖A‖).
 * @throws ShapeError when the factors do not fit A
 */
export function verifyQr(a: Matrix, f: { q: Matrix; r: Matrix }, options: VerifyOptions = {}): VerifyReport {
  const fn = 'verifyQr';
  asMatrix(fn, 'a', a);
  const q = asMatrix(fn, 'q', f.q);
  const r = asMatrix(fn, 'r', f.r);
  if (q.rows !== a.rows) throw new ShapeError(`${fn}: q must have ${a.rows} rows (got ${q.rows}x${q.cols})`);
  expectShape(fn, 'r', r, q.cols, a.cols);
  const aNorm = norm1(a);
  let below = 0;
  for (let i = 0; i < r.rows; i++)
    for (let j = 0; j < Math.min(i, r.cols); j++) below = Math.max(below, Math.abs(r.get(i, j)));
  return report(
    {
      reconstruction: residualRatio(norm1(minus(a, gemm(q, r))), Math.max(a.rows, a.cols), aNorm),
      orthogonality: orthogonality(q),
    },
    { upperTriangular: below <= EPS * aNorm },
    options.threshold ?? VERIFY_THRESHOLD,
  );
}

/**
 * Checks A·V ≈ V·diag(λ) for symmetric A: `residual` = ‖AV − VΛ‖₁/(n·ε·‖A‖₁), `orthogonality`
 * of V, and `ascending` order of the values.
 * @throws ShapeError when the factors do not fit A
 */
export function verifyEigh(
  a: Matrix,
  f: { values: ArrayLike<number>; vectors: Matrix },
  options: VerifyOptions = {},
): VerifyReport {
  const fn = 'verifyEigh';
  asMatrix(fn, 'a', a);
  if (a.rows !== a.cols) throw new ShapeError(`${fn}: a must be square (got ${a.rows}x${a.cols})`);
  const n = a.rows;
  const v = asMatrix(fn, 'vectors', f.vectors);
  if (f.values.length > n || v.rows !== n || v.cols !== f.values.length) {
    throw new ShapeError(
      `${fn}: vectors must be ${n}x${f.values.length} with at most ${n} values (got ${v.rows}x${v.cols})`,
    );
  }
  const av = gemm(a, v);
  const vl = v.clone();
  for (let i = 0; i < n; i++)
    for (let j = 0; j < v.cols; j++) vl.data[i * v.cols + j] = vl.data[i * v.cols + j]! * f.values[j]!;
  const vals = Array.from(f.values);
  return report(
    { residual: residualRatio(norm1(minus(av, vl)), n, norm1(a)), orthogonality: orthogonality(v) },
    { ascending: vals.every((x, i) => i === 0 || x >= vals[i - 1]!) },
    options.threshold ?? VERIFY_THRESHOLD,
  );
}

/**
 * Checks P·A ≈ L·U: `reconstruction` = ‖PA − LU‖₁/(max(m,n)·ε·‖A‖₁), `unitLowerL`, `upperU`.
 * `perm[i]` is the row of A that is row i of P·A.
 * @throws ShapeError when the factors do not fit A
 */
export function verifyLu(
  a: Matrix,
  f: { l: Matrix; u: Matrix; perm: ArrayLike<number> },
  options: VerifyOptions = {},
): VerifyReport {
  const fn = 'verifyLu';
  asMatrix(fn, 'a', a);
  const l = asMatrix(fn, 'l', f.l);
  const u = asMatrix(fn, 'u', f.u);
  const m = a.rows;
  const n = a.cols;
  const k = Math.min(m, n);
  expectShape(fn, 'l', l, m, k);
  expectShape(fn, 'u', u, k, n);
  const perm = Array.from(f.perm);
  if (perm.length !== m || [...perm].sort((x, y) => x - y).some((p, i) => p !== i)) {
    throw new ShapeError(`${fn}: perm must be a permutation of 0..${m - 1}`);
  }
  const pa = new Matrix(m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) pa.data[i * n + j] = a.get(perm[i]!, j);
  let lOk = true;
  for (let i = 0; i < m; i++) for (let j = i; j < k; j++) if (l.get(i, j) !== (i === j ? 1 : 0)) lOk = false;
  let uOk = true;
  for (let i = 0; i < k; i++) for (let j = 0; j < Math.min(i, n); j++) if (u.get(i, j) !== 0) uOk = false;
  return report(
    { reconstruction: residualRatio(norm1(minus(pa, gemm(l, u))), Math.max(m, n), norm1(a)) },
    { unitLowerL: lOk, upperU: uOk },
    options.threshold ?? VERIFY_THRESHOLD,
  );
}

/**
 * Checks A ≈ L·Lᵀ: `reconstruction` = ‖A − LLᵀ‖₁/(n·ε·‖A‖₁), `lower` (nothing above the
 * diagonal) and `positiveDiagonal`.
 * @throws ShapeError when L does not fit A
 */
export function verifyCholesky(a: Matrix, f: { l: Matrix }, options: VerifyOptions = {}): VerifyReport {
  const fn = 'verifyCholesky';
  asMatrix(fn, 'a', a);
  if (a.rows !== a.cols) throw new ShapeError(`${fn}: a must be square (got ${a.rows}x${a.cols})`);
  const l = asMatrix(fn, 'l', f.l);
  expectShape(fn, 'l', l, a.rows, a.cols);
  const n = a.rows;
  let lower = true;
  let positive = true;
  for (let i = 0; i < n; i++) {
    if (!(l.get(i, i) > 0)) positive = false;
    for (let j = i + 1; j < n; j++) if (l.get(i, j) !== 0) lower = false;
  }
  return report(
    { reconstruction: residualRatio(norm1(minus(a, gemm(l, l, { transB: true }))), n, norm1(a)) },
    { lower, positiveDiagonal: positive },
    options.threshold ?? VERIFY_THRESHOLD,
  );
}
