/**
 * Unchecked triangular solves with many right-hand sides on contiguous row-major arrays, blocked:
 * diagonal blocks of 32 rows are solved row by row and the rest of the right-hand side is updated
 * with gemm, so that most of the work runs at level-3 speed.
 *
 * @module
 */
import { gemm, Matrix } from '@numts/core';

const TRSM_BLOCK = 16;

/** b[off..off+len) /= d, by the reciprocal unless it would overflow (a subnormal d). */
function divideRow(b: Float64Array, off: number, len: number, d: number): void {
  if (Math.abs(d) >= 2 ** -1022) {
    const inv = 1 / d;
    for (let c = 0; c < len; c++) b[off + c] = b[off + c]! * inv;
  } else {
    for (let c = 0; c < len; c++) b[off + c] = b[off + c]! / d;
  }
}

/**
 * Solves L·X = B in place of B (n×nrhs, row-major), L lower triangular n×n (leading dimension
 * ldl); `unitDiagonal` ignores L's diagonal and takes it as 1.
 */
function solveLowerUnblocked(
  l: Float64Array,
  ldl: number,
  n: number,
  b: Float64Array,
  nrhs: number,
  unitDiagonal: boolean,
): void {
  for (let i = 0; i < n; i++) {
    const bi = i * nrhs;
    for (let p = 0; p < i; p++) {
      const lip = l[i * ldl + p]!;
      if (lip === 0) continue;
      const bp = p * nrhs;
      for (let c = 0; c < nrhs; c++) b[bi + c] = b[bi + c]! - lip * b[bp + c]!;
    }
    if (!unitDiagonal) divideRow(b, bi, nrhs, l[i * ldl + i]!);
  }
}

/** Solves U·X = B in place of B, U upper triangular n×n (leading dimension ldu). */
function solveUpperUnblocked(u: Float64Array, ldu: number, n: number, b: Float64Array, nrhs: number): void {
  for (let i = n - 1; i >= 0; i--) {
    const bi = i * nrhs;
    for (let p = i + 1; p < n; p++) {
      const uip = u[i * ldu + p]!;
      if (uip === 0) continue;
      const bp = p * nrhs;
      for (let c = 0; c < nrhs; c++) b[bi + c] = b[bi + c]! - uip * b[bp + c]!;
    }
    divideRow(b, bi, nrhs, u[i * ldu + i]!);
  }
}

/** Solves Lᵀ·X = B in place of B, L lower triangular n×n (so Lᵀ is upper). */
function solveLowerTransposedUnblocked(
  l: Float64Array,
  ldl: number,
  n: number,
  b: Float64Array,
  nrhs: number,
): void {
  for (let i = n - 1; i >= 0; i--) {
    const bi = i * nrhs;
    divideRow(b, bi, nrhs, l[i * ldl + i]!);
    // Eliminate x_i from the rows above: row p of Lᵀ has entry L(i, p) in column i.
    for (let p = 0; p < i; p++) {
      const lip = l[i * ldl + p]!;
      if (lip === 0) continue;
      const bp = p * nrhs;
      for (let c = 0; c < nrhs; c++) b[bp + c] = b[bp + c]! - lip * b[bi + c]!;
    }
  }
}

/**
 * Solves L·X = B in place of B (n×nrhs, row-major), L lower triangular n×n (leading dimension
 * ldl); `unitDiagonal` ignores L's diagonal and takes it as 1.
 */
export function solveLowerInPlace(
  l: Float64Array,
  ldl: number,
  n: number,
  b: Float64Array,
  nrhs: number,
  unitDiagonal: boolean,
): void {
  if (nrhs < 8 || n <= TRSM_BLOCK) {
    solveLowerUnblocked(l, ldl, n, b, nrhs, unitDiagonal);
    return;
  }
  for (let i0 = 0; i0 < n; i0 += TRSM_BLOCK) {
    const ib = Math.min(TRSM_BLOCK, n - i0);
    if (i0 > 0) {
      // B[i0.., :] −= L[i0.., 0..i0]·X[0..i0, :]
      gemm(Matrix.view(ib, i0, l, i0 * ldl, ldl, 1), Matrix.view(i0, nrhs, b, 0, nrhs, 1), {
        alpha: -1,
        beta: 1,
        c: Matrix.view(ib, nrhs, b, i0 * nrhs, nrhs, 1),
      });
    }
    solveLowerUnblocked(l.subarray(i0 * ldl + i0), ldl, ib, b.subarray(i0 * nrhs), nrhs, unitDiagonal);
  }
}

/**
 * Blocked backward substitution for an upper triangular operator: U itself (stored in `a`), or Lᵀ
 * with L lower triangular stored in `a` (`transposed`), whose off-diagonal blocks are read
 * transposed.
 */
function solveUpperBlocked(
  a: Float64Array,
  lda: number,
  n: number,
  b: Float64Array,
  nrhs: number,
  transposed: boolean,
): void {
  const unblocked = transposed ? solveLowerTransposedUnblocked : solveUpperUnblocked;
  if (nrhs < 8 || n <= TRSM_BLOCK) {
    unblocked(a, lda, n, b, nrhs);
    return;
  }
  for (let i1 = n; i1 > 0; i1 -= TRSM_BLOCK) {
    const i0 = Math.max(0, i1 - TRSM_BLOCK);
    const ib = i1 - i0;
    if (i1 < n) {
      // B[i0..i1, :] −= Op[i0..i1, i1..n]·X[i1..n, :], Op = U or (L[i1..n, i0..i1])ᵀ
      const offDiagonal = transposed
        ? Matrix.view(n - i1, ib, a, i1 * lda + i0, lda, 1)
        : Matrix.view(ib, n - i1, a, i0 * lda + i1, lda, 1);
      gemm(offDiagonal, Matrix.view(n - i1, nrhs, b, i1 * nrhs, nrhs, 1), {
        transA: transposed,
        alpha: -1,
        beta: 1,
        c: Matrix.view(ib, nrhs, b, i0 * nrhs, nrhs, 1),
      });
    }
    unblocked(a.subarray(i0 * lda + i0), lda, ib, b.subarray(i0 * nrhs), nrhs);
  }
}

/** Solves U·X = B in place of B, U upper triangular n×n (leading dimension ldu). */
export function solveUpperInPlace(
  u: Float64Array,
  ldu: number,
  n: number,
  b: Float64Array,
  nrhs: number,
): void {
  solveUpperBlocked(u, ldu, n, b, nrhs, false);
}

/** Solves Lᵀ·X = B in place of B, L lower triangular n×n (so Lᵀ is upper). */
export function solveLowerTransposedInPlace(
  l: Float64Array,
  ldl: number,
  n: number,
  b: Float64Array,
  nrhs: number,
): void {
  solveUpperBlocked(l, ldl, n, b, nrhs, true);
}
