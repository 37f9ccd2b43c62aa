/**
 * Unchecked triangular solves with many right-hand sides on contiguous row-major arrays.
 *
 * @module
 */

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
export function solveLowerInPlace(
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
export function solveUpperInPlace(
  u: Float64Array,
  ldu: number,
  n: number,
  b: Float64Array,
  nrhs: number,
): void {
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
export function solveLowerTransposedInPlace(
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
