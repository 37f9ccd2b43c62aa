/**
 * Materialised transpose (a contiguous copy of Aᵀ); `a.T` gives the free view instead.
 *
 * @module
 */
import { Matrix } from './matrix.js';

const BLOCK = 32;

/** Unchecked blocked transpose of an m×n strided block into a contiguous n×m array. */
export function transposeKernel(
  m: number,
  n: number,
  a: Float64Array,
  aOff: number,
  aRs: number,
  aCs: number,
  out: Float64Array,
): void {
  for (let i0 = 0; i0 < m; i0 += BLOCK) {
    const i1 = Math.min(m, i0 + BLOCK);
    for (let j0 = 0; j0 < n; j0 += BLOCK) {
      const j1 = Math.min(n, j0 + BLOCK);
      for (let i = i0; i < i1; i++) {
        let q = aOff + i * aRs + j0 * aCs;
        for (let j = j0; j < j1; j++, q += aCs) out[j * m + i] = a[q]!;
      }
    }
  }
}

/** Aᵀ as a new contiguous matrix (cache-blocked copy). */
export function transpose(a: Matrix): Matrix {
  if (!(a instanceof Matrix)) throw new TypeError('transpose: a must be a Matrix');
  const out = new Matrix(a.cols, a.rows);
  transposeKernel(a.rows, a.cols, a.data, a.offset, a.rowStride, a.colStride, out.data);
  return out;
}
