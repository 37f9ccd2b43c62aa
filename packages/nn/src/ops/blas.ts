/**
 * gemm on Variable buffers, dispatching to the Float32 or Float64 kernel of @numts/core.
 *
 * @module
 */
import { gemm, gemm32, Matrix, Matrix32 } from '@numts/core';
import type { Buf } from '../variable.js';

/**
 * C (m×n, at cOff, row stride ldc) ← α·op(A)·op(B) + β·C for row-major buffers, where A is stored
 * as an (transA ? k×m : m×k) block and B as (transB ? n×k : k×n); with `transC`, C is stored
 * transposed (element (i, j) at cOff + j·ldc + i).
 */
export function gemmBuf(
  m: number,
  n: number,
  k: number,
  a: Buf,
  aOff: number,
  lda: number,
  transA: boolean,
  b: Buf,
  bOff: number,
  ldb: number,
  transB: boolean,
  c: Buf,
  cOff: number,
  ldc: number,
  beta: number,
  alpha = 1,
  transC = false,
): void {
  const ar = transA ? k : m;
  const ac = transA ? m : k;
  const br = transB ? n : k;
  const bc = transB ? k : n;
  if (c instanceof Float32Array) {
    gemm32(
      Matrix32.view(ar, ac, a as Float32Array, aOff, lda, 1),
      Matrix32.view(br, bc, b as Float32Array, bOff, ldb, 1),
      {
        transA,
        transB,
        alpha,
        beta,
        c: transC ? Matrix32.view(m, n, c, cOff, 1, ldc) : Matrix32.view(m, n, c, cOff, ldc, 1),
      },
    );
  } else {
    gemm(
      Matrix.view(ar, ac, a as Float64Array, aOff, lda, 1),
      Matrix.view(br, bc, b as Float64Array, bOff, ldb, 1),
      {
        transA,
        transB,
        alpha,
        beta,
        c: transC
          ? Matrix.view(m, n, c as Float64Array, cOff, 1, ldc)
          : Matrix.view(m, n, c as Float64Array, cOff, ldc, 1),
      },
    );
  }
}
