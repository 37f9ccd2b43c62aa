/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ.
 *
 * @module
 */
import { DomainError, Matrix, transpose } from '@numts/core';
import { workingCopy } from './internal/input.js';
import { powerOfTwoScale, scaleInPlace } from './internal/scaling.js';
import { shiftedReflectorsTransposed } from './internal/shifted-reflectors.js';
import { applyRowSigns, largestEntrySigns } from './internal/signs.js';
import { tridiagonalize, tridiagonalQl } from './internal/tridiagonal.js';

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
}

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix: Householder tridiagonalization, then
 * the implicit QL iteration with shifts (EISPACK tql2) with the rotations applied to contiguous
 * rows. Eigenvalues ascend; each eigenvector is signed so that its entry of largest magnitude is
 * positive.
 *
 * Accuracy: backward stable; |λᵢ − λ̂ᵢ| ≲ p(n)·ε·‖A‖₂ and ‖VᵀV − I‖ ≲ p(n)·ε (check with
 * {@link verifyEigh}). Cost: ≈ 2n³ (reduction, full storage) + 4n³/3 (Q) + ≈ 6n³ (rotations) flops.
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
  const zt = wantVectors ? shiftedReflectorsTransposed(d0, n, tau) : null;
  tridiagonalQl(d, e, zt ? zt.data : null, n);
  // Sort ascending, carrying the vector rows along.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]! || x - y);
  const values = Float64Array.from(order, (i) => d[i]! / s);
  if (!zt) return { values };
  const sorted = new Matrix(n, n);
  order.forEach((src, dst) => {
    sorted.data.set(zt.data.subarray(src * n, src * n + n), dst * n);
  });
  applyRowSigns(sorted.data, n, largestEntrySigns(sorted.data, n, n));
  return { values, vectors: transpose(sorted) };
}
