/**
 * Column-pivoted QR, A·P = Q·R, with numerical rank (LAPACK's dgeqpf with the safe column-norm
 * downdating of dlaqp2).
 *
 * @module
 */
import { Matrix } from '@numts/core';
import { makeReflector, norm2Strided } from './internal/householder.js';
import { EPS, workingCopy } from './internal/input.js';
import { qrFormQ } from './internal/qr-kernel.js';

/** What {@link qrPivoted} returns. */
export interface QrPivotedResult {
  /** m×k orthonormal columns, k = min(m, n). */
  q: Matrix;
  /** k×n upper trapezoidal, |R(0,0)| ≥ |R(1,1)| ≥ …, diagonal ≥ 0. */
  r: Matrix;
  /** Column permutation: column j of A·P is column `perm[j]` of A. */
  perm: Int32Array;
  /** Number of diagonal entries of R above the tolerance. */
  rank: number;
  /** The tolerance used for the rank. */
  tol: number;
}

/** Options of {@link qrPivoted}. */
export interface QrPivotedOptions {
  /** Rank tolerance; default max(m, n)·ε·|R(0,0)|. */
  tol?: number;
}

/**
 * QR with column pivoting: at each step the remaining column of largest norm is moved forward, so
 * the diagonal of R is non-increasing in magnitude and reveals the numerical rank.
 *
 * Cost: about 4mnk − 2k²(m + n) + 4k³/3 flops (level-2, unblocked).
 * @throws NonFiniteError when A holds NaN or ±Infinity
 */
export function qrPivoted(a: Matrix, options: QrPivotedOptions = {}): QrPivotedResult {
  const w = workingCopy('qrPivoted', 'a', a);
  const m = w.rows;
  const n = w.cols;
  const k = Math.min(m, n);
  const d = w.data;
  const perm = Int32Array.from({ length: n }, (_, j) => j);
  const norms = new Float64Array(n);
  const norms0 = new Float64Array(n);
  for (let j = 0; j < n; j++) norms0[j] = norms[j] = norm2Strided(m, d, j, n);
  const tau = new Float64Array(k);
  const wv = new Float64Array(n);
  const tol3z = Math.sqrt(EPS);
  for (let j = 0; j < k; j++) {
    // Pivot: the column of largest remaining norm.
    let p = j;
    for (let c = j + 1; c < n; c++) if (norms[c]! > norms[p]!) p = c;
    if (p !== j) {
      for (let i = 0; i < m; i++) {
        const t = d[i * n + j]!;
        d[i * n + j] = d[i * n + p]!;
        d[i * n + p] = t;
      }
      [perm[j], perm[p]] = [perm[p]!, perm[j]!];
      [norms[j], norms[p]] = [norms[p]!, norms[j]!];
      [norms0[j], norms0[p]] = [norms0[p]!, norms0[j]!];
    }
    const diag = j * n + j;
    const { beta, tau: t } = makeReflector(d[diag]!, m - j, d, diag + n, n);
    d[diag] = beta;
    tau[j] = t;
    const nc = n - j - 1;
    if (t !== 0 && nc > 0) {
      for (let c = 0; c < nc; c++) wv[c] = d[diag + 1 + c]!;
      for (let i = j + 1; i < m; i++) {
        const vi = d[i * n + j]!;
        if (vi !== 0) for (let c = 0; c < nc; c++) wv[c] = wv[c]! + vi * d[i * n + j + 1 + c]!;
      }
      for (let c = 0; c < nc; c++) {
        wv[c] = t * wv[c]!;
        d[diag + 1 + c] = d[diag + 1 + c]! - wv[c]!;
      }
      for (let i = j + 1; i < m; i++) {
        const vi = d[i * n + j]!;
        if (vi !== 0) for (let c = 0; c < nc; c++) d[i * n + j + 1 + c] = d[i * n + j + 1 + c]! - vi * wv[c]!;
      }
    }
    // Downdate the remaining column norms; recompute when cancellation makes them unreliable.
    for (let c = j + 1; c < n; c++) {
      if (norms[c] === 0) continue;
      const r = Math.abs(d[j * n + c]!) / norms[c]!;
      let temp = Math.max(0, 1 - r * r);
      const ratio = norms[c]! / norms0[c]!;
      const temp2 = temp * ratio * ratio;
      if (temp2 <= tol3z) {
        const len = m - j - 1;
        norms[c] = len > 0 ? norm2Strided(len, d, (j + 1) * n + c, n) : 0;
        norms0[c] = norms[c]!;
      } else {
        temp = Math.sqrt(temp);
        norms[c] = norms[c]! * temp;
      }
    }
  }
  const r = new Matrix(k, n);
  for (let i = 0; i < k; i++) {
    const sgn = d[i * n + i]! < 0 ? -1 : 1;
    for (let j = i; j < n; j++) r.data[i * n + j] = sgn * d[i * n + j]!;
  }
  const q = qrFormQ(d, m, n, tau, k);
  for (let i = 0; i < k; i++) {
    if (d[i * n + i]! < 0) for (let row = 0; row < m; row++) q.data[row * k + i] = -q.data[row * k + i]!;
  }
  const r00 = k > 0 ? Math.abs(r.data[0]!) : 0;
  const tol = options.tol ?? Math.max(m, n) * EPS * r00;
  let rank = 0;
  while (rank < k && Math.abs(r.data[rank * n + rank]!) > tol) rank++;
  return { q, r, perm, rank, tol };
}
