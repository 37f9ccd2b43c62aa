/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ.
 *
 * @module
 */
import { DomainError, Matrix, transpose } from '@numts/core';
import { workingCopy } from './internal/input.js';
import { powerOfTwoScale, scaleInPlace } from './internal/scaling.js';
import { applyShiftedReflectors, shiftedReflectorsTransposed } from './internal/shifted-reflectors.js';
import { applyRowSigns, largestEntrySigns } from './internal/signs.js';
import { tridiagonalize, tridiagonalQl } from './internal/tridiagonal.js';
import { tridiagonalDivideConquer } from './internal/tridiagonal-dc.js';

/** What {@link eigh} returns. */
export interface EighResult {
  /** Eigenvalues in ascending order (numpy's convention). */
  values: Float64Array;
  /** n×n orthogonal matrix whose column i is the eigenvector of values[i]; absent with `vectors: false`. */
  vectors?: Matrix;
}

/** Options of {@link eigh}. */
export interface EighOptions {
  /** Compute eigenvectors (default true). Values only cost about a third as much. */
  vectors?: boolean;
  /** Which triangle of A to read: `'lower'` (default, as numpy) or `'upper'`; the other is ignored. */
  uplo?: 'lower' | 'upper';
  /**
   * The tridiagonal eigensolver: `'divide-and-conquer'` (LAPACK's dstedc; most of its work is one
   * matrix product per merge), `'ql'` (the implicit QL iteration, EISPACK's tql2), or `'auto'`
   * (default: divide and conquer when vectors are wanted and n > 32, else QL).
   */
  method?: 'auto' | 'divide-and-conquer' | 'ql';
}

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix: Householder tridiagonalization, then
 * divide and conquer on the tridiagonal matrix (Cuppen's method with LAPACK's deflation and the
 * Gu–Eisenstat eigenvectors; see `method`) or the implicit QL iteration with shifts (EISPACK
 * tql2). Eigenvalues ascend; each eigenvector is signed so that its entry of largest magnitude is
 * positive.
 *
 * Accuracy: backward stable; |λᵢ − λ̂ᵢ| ≲ p(n)·ε·‖A‖₂ and ‖VᵀV − I‖ ≲ p(n)·ε (check with
 * {@link verifyEigh}). Cost: ≈ 2n³ (reduction, full storage) + 4n³/3 (Q) + about 2n³ for divide
 * and conquer and the back-transformation, mostly in matrix products (≈ 6n³ in rotations for QL).
 *
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @throws ConvergenceError when the QL iteration exceeds 30 sweeps for one eigenvalue
 * @example
 * ```ts
 * const { values } = eigh(from2D([[2, 1], [1, 2]]));
 * Array.from(values); // [1, 3]
 * ```
 */
export function eigh(a: Matrix, options: EighOptions = {}): EighResult {
  const wantVectors = options.vectors ?? true;
  const uplo = options.uplo ?? 'lower';
  if (uplo !== 'lower' && uplo !== 'upper') {
    throw new DomainError(`eigh: uplo must be "lower" or "upper" (got ${JSON.stringify(uplo)})`);
  }
  const method = options.method ?? 'auto';
  if (method !== 'auto' && method !== 'divide-and-conquer' && method !== 'ql')
    throw new DomainError(
      `eigh: method must be "auto", "divide-and-conquer" or "ql" (got ${JSON.stringify(method)})`,
    );
  const w = workingCopy('eigh', 'a', a, { square: true });
  const n = w.rows;
  const d0 = w.data;
  // Symmetrise from the chosen triangle.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (uplo === 'lower') d0[i * n + j] = d0[j * n + i]!;
      else d0[j * n + i] = d0[i * n + j]!;
    }
  }
  const s = powerOfTwoScale(d0);
  scaleInPlace(d0, s);
  const { d, e, tau } = tridiagonalize(d0, n);
  let rows: Matrix | null = null; // eigenvectors as rows, ascending
  if (wantVectors && (method === 'divide-and-conquer' || (method === 'auto' && n > 32))) {
    // T = Q_T·Λ·Q_Tᵀ with d ascending; the eigenvectors of A are Q_H·Q_T, formed by applying the
    // reflectors to Q_T in blocks (dormtr) rather than forming Q_H and multiplying.
    const v = new Matrix(n, n, tridiagonalDivideConquer(d, e));
    applyShiftedReflectors(d0, n, tau, v.data, n);
    rows = transpose(v);
  } else {
    const zt = wantVectors ? shiftedReflectorsTransposed(d0, n, tau) : null;
    tridiagonalQl(d, e, zt ? zt.data : null, n);
    // Sort ascending, carrying the vector rows along.
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]! || x - y);
    d.set(Float64Array.from(order, (i) => d[i]!));
    if (zt) {
      rows = new Matrix(n, n);
      for (const [dst, src] of order.entries())
        rows.data.set(zt.data.subarray(src * n, src * n + n), dst * n);
    }
  }
  const values = Float64Array.from(d, (v) => v / s);
  if (!rows) return { values };
  applyRowSigns(rows.data, n, largestEntrySigns(rows.data, n, n));
  return { values, vectors: transpose(rows) };
}
