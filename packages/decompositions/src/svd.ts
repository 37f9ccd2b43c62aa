/**
 * Singular value decomposition A = U·diag(σ)·Vᵀ.
 *
 * @module
 */
import { DomainError, gemm, Matrix, transpose } from '@numts/core';
import { bidiagonalize, bidiagonalQr, bidiagonalUTransposed } from './internal/bidiagonal.js';
import { bidiagonalDivideConquer } from './internal/bidiagonal-dc.js';
import { workingCopy } from './internal/input.js';
import { qrApplyQ, qrFactor, qrFormQ } from './internal/qr-kernel.js';
import { powerOfTwoScale, scaleInPlace } from './internal/scaling.js';
import { applyShiftedReflectors, shiftedReflectorsTransposed } from './internal/shifted-reflectors.js';
import { applyRowSigns, largestEntrySigns } from './internal/signs.js';

/** What {@link svd} returns. `u` and `vt` are absent in mode `'values'`. */
export interface SvdResult {
  /** m×k (`'thin'`) or m×m (`'full'`) orthonormal columns. */
  u?: Matrix;
  /** Singular values, descending, ≥ 0; length k = min(m, n). */
  s: Float64Array;
  /** k×n (`'thin'`) or n×n (`'full'`): the rows are the right singular vectors (numpy's `Vh`). */
  vt?: Matrix;
}

/** Options of {@link svd}. */
export interface SvdOptions {
  /**
   * `'thin'` (default): U m×k, Vᵀ k×n with k = min(m, n) — for a wide matrix (m < n) this means
   * U is m×m and Vᵀ m×n; `'full'`: U m×m and Vᵀ n×n; `'values'`: singular values only.
   */
  mode?: 'thin' | 'full' | 'values';
  /**
   * The bidiagonal SVD: `'divide-and-conquer'` (LAPACK's dbdsdc; most of its work is one matrix
   * product per merge), `'qr'` (the implicit-shift QR iteration, Golub–Kahan–Reinsch), or
   * `'auto'` (default: divide and conquer when vectors are wanted and min(m, n) > 32, else QR).
   */
  method?: 'auto' | 'divide-and-conquer' | 'qr';
}

/** Tall matrices (m ≥ ratio·n) are reduced by QR first (the R-SVD of Chan). */
const QR_FIRST_RATIO = 1.25;

interface Core {
  s: Float64Array;
  ut: Matrix | null; // rows: left singular vectors (length m)
  vt: Matrix | null; // rows: right singular vectors (length n)
}

/** SVD of a contiguous m×n array with m ≥ n; `fullU` asks for all m left vectors. */
function svdTall(
  a: Float64Array,
  m: number,
  n: number,
  wantVectors: boolean,
  fullU: boolean,
  method: 'auto' | 'divide-and-conquer' | 'qr',
): Core {
  if (n === 0) {
    const ut = wantVectors ? identity(fullU ? m : 0, m) : null;
    return { s: new Float64Array(0), ut, vt: wantVectors ? new Matrix(0, 0) : null };
  }
  if (m >= QR_FIRST_RATIO * n && m > n) {
    // A = Q·R, R = U_R·Σ·Vᵀ, U = Q·U_R.
    const tau = qrFactor(a, m, n);
    const r = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = a[i * n + j]!;
    const inner = svdTall(r, n, n, wantVectors, false, method);
    if (!wantVectors) return inner;
    const q = qrFormQ(a, m, n, tau, fullU ? m : n); // m×q
    // Uᵀ = U_Rᵀ·Q(:, 0:n)ᵀ for the first n rows; the remaining rows (full) are Q's other columns.
    const ut = new Matrix(fullU ? m : n, m);
    const head = gemm(inner.ut!, q.slice(0, m, 0, n), { transB: true });
    ut.data.set(head.data);
    for (let r2 = n; r2 < ut.rows; r2++)
      for (let i = 0; i < m; i++) ut.data[r2 * m + i] = q.data[i * q.cols + r2]!;
    return { s: inner.s, ut, vt: inner.vt };
  }
  const { d, e, tauq, taup } = bidiagonalize(a, m, n);
  if (wantVectors && (method === 'divide-and-conquer' || (method === 'auto' && n > 32))) {
    // B = U_B·Σ·V_Bᵀ; A's vectors are Q·[U_B 0; 0 I] and P·V_B, formed by applying the reflectors
    // to U_B and V_B in blocks (dormbr) rather than forming Q and P and multiplying.
    const f = bidiagonalDivideConquer(d, e);
    const q = fullU ? m : n;
    const u = new Matrix(m, q);
    for (let r = 0; r < n; r++) u.data.set(f.u.subarray(r * n, r * n + n), r * q);
    for (let r = n; r < q; r++) u.data[r * q + r] = 1;
    qrApplyQ(a, m, n, tauq, u.data, q);
    applyShiftedReflectors(a, n, taup, f.v, n);
    return { s: d, ut: transpose(u), vt: transpose(new Matrix(n, n, f.v)) };
  }
  const ut = wantVectors ? bidiagonalUTransposed(a, m, n, tauq, fullU ? m : n) : null;
  const vt = wantVectors ? shiftedReflectorsTransposed(a, n, taup) : null;
  bidiagonalQr(d, e, ut ? ut.data : null, m, vt ? vt.data : null, n);
  return { s: d, ut, vt };
}

function identity(rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < Math.min(rows, cols); i++) m.data[i * cols + i] = 1;
  return m;
}

/**
 * Singular value decomposition by Householder bidiagonalization, then divide and conquer on the
 * bidiagonal (LAPACK's dbdsdc; see `method`) or the implicit-shift QR iteration
 * (Golub–Kahan–Reinsch) with the rotations applied to contiguous rows. Matrices with m ≥ 1.25·n
 * are first reduced by a blocked QR (R-SVD); wide matrices are handled through Aᵀ.
 *
 * Conventions: singular values descend and are ≥ 0; for each i, u_i is signed so that its entry
 * of largest magnitude is positive (v_i follows). `vt` holds Vᵀ, as numpy's `Vh`.
 *
 * Accuracy: backward stable, ‖A − UΣVᵀ‖ ≲ p(n)·ε·‖A‖ and orthogonality to p(n)·ε; singular
 * values have absolute error ≲ p(n)·ε·σ₁ (not high relative accuracy for tiny ones). Check with
 * {@link verifySvd}. Cost ≈ 4mn² − 4n³/3 (reduction) + about 2n³ for divide and conquer and the
 * back-transformation, mostly in matrix products (up to ≈ 12n³ in rotations for QR).
 *
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @throws ConvergenceError when the QR iteration exceeds 75 sweeps for one singular value, or a
 *   secular equation of divide and conquer does not converge
 * @throws DomainError for an unknown mode
 * @example
 * ```ts
 * const { u, s, vt } = svd(from2D([[3, 0], [4, 5]]));
 * Array.from(s); // [6.708…, 2.236…]
 * ```
 */
export function svd(a: Matrix, options: SvdOptions = {}): SvdResult {
  const mode = options.mode ?? 'thin';
  if (mode !== 'thin' && mode !== 'full' && mode !== 'values') {
    throw new DomainError(`svd: mode must be one of "thin", "full", "values" (got ${JSON.stringify(mode)})`);
  }
  const method = options.method ?? 'auto';
  if (method !== 'auto' && method !== 'divide-and-conquer' && method !== 'qr')
    throw new DomainError(
      `svd: method must be "auto", "divide-and-conquer" or "qr" (got ${JSON.stringify(method)})`,
    );
  const w = workingCopy('svd', 'a', a);
  const wide = w.rows < w.cols;
  const work = wide ? transpose(w) : w;
  const m = work.rows;
  const n = work.cols;
  const scale = powerOfTwoScale(work.data);
  scaleInPlace(work.data, scale);
  const wantVectors = mode !== 'values';
  const core = svdTall(work.data, m, n, wantVectors, mode === 'full', method);
  const s = core.s.map((x) => x / scale);
  if (!wantVectors) return { s };
  let ut = core.ut!; // rows: left vectors of the tall problem (length m)
  let vt = core.vt!; // rows: right vectors (length n)
  // Sign convention on the vectors of the original A's U.
  const k = n;
  if (!wide) {
    const signs = largestEntrySigns(ut.data, ut.rows, m);
    applyRowSigns(ut.data, m, signs);
    applyRowSigns(vt.data, n, signs.subarray(0, k));
    return { u: transpose(ut), s, vt };
  }
  // Wide: Aᵀ = Ut'ᵀ... the tall problem's right vectors are A's left vectors.
  [ut, vt] = [vt, ut];
  const signs = largestEntrySigns(ut.data, ut.rows, n);
  applyRowSigns(ut.data, n, signs);
  applyRowSigns(
    vt.data,
    m,
    Int8Array.from({ length: vt.rows }, (_, i) => (i < k ? signs[i]! : 1)),
  );
  return { u: transpose(ut), s, vt };
}
