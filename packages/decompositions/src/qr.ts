/**
 * Householder QR factorization A = Q·R (blocked, compact-WY).
 *
 * @module
 */
import { DomainError, Matrix } from '@numts/core';
import { workingCopy } from './internal/input.js';
import { qrFactor, qrFormQ } from './internal/qr-kernel.js';

/** What {@link qr} returns. `q` is absent in mode `'r'`. */
export interface QrResult {
  /** Orthonormal columns: m×k (`'reduced'`) or m×m (`'complete'`). */
  q?: Matrix;
  /** Upper triangular (trapezoidal) factor with a non-negative diagonal: k×n or m×n. */
  r: Matrix;
}

/** Options of {@link qr}. */
export interface QrOptions {
  /**
   * `'reduced'` (default, numpy's name): Q is m×k and R k×n with k = min(m, n);
   * `'complete'`: Q is m×m and R m×n; `'r'`: only R (k×n).
   */
  mode?: 'reduced' | 'complete' | 'r';
}

/**
 * QR factorization by Householder reflections, blocked (panels of 32 columns; trailing updates and
 * the formation of Q run through gemm). The signs are normalised so that R's diagonal is ≥ 0,
 * which makes the factorization unique for a matrix of full column rank.
 *
 * Cost: 2mn² − 2n³/3 flops for R, about as much again for the reduced Q.
 * Accuracy: backward stable, ‖A − QR‖ ≈ ε‖A‖ and ‖QᵀQ − I‖ ≈ ε (check with {@link verifyQr}).
 *
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @throws DomainError for an unknown mode
 * @example
 * ```ts
 * const { q, r } = qr(from2D([[3, 1], [4, 2]]));
 * r.get(0, 0); // 5
 * ```
 */
export function qr(a: Matrix, options: QrOptions = {}): QrResult {
  const mode = options.mode ?? 'reduced';
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new DomainError(`qr: mode must be one of "reduced", "complete", "r" (got ${JSON.stringify(mode)})`);
  }
  const w = workingCopy('qr', 'a', a);
  const m = w.rows;
  const n = w.cols;
  const k = Math.min(m, n);
  const tau = qrFactor(w.data, m, n);
  const rRows = mode === 'complete' ? m : k;
  const r = new Matrix(rRows, n);
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) r.data[i * n + j] = w.data[i * n + j]!;
  // Sign normalisation: make R(i,i) ≥ 0 by flipping row i of R and column i of Q.
  const flip = new Int8Array(k);
  for (let i = 0; i < k; i++) {
    if (r.data[i * n + i]! < 0) {
      flip[i] = 1;
      for (let j = i; j < n; j++) r.data[i * n + j] = -r.data[i * n + j]!;
    }
  }
  if (mode === 'r') return { r };
  const q = qrFormQ(w.data, m, n, tau, mode === 'complete' ? m : k);
  for (let i = 0; i < k; i++) {
    if (flip[i]) for (let row = 0; row < m; row++) q.data[row * q.cols + i] = -q.data[row * q.cols + i]!;
  }
  return { q, r };
}
