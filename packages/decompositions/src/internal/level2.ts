/**
 * Unchecked level-2 kernels on the rows of a row-major array, each register-blocked over four rows
 * so that the shared vector is loaded once per four rows. Loads and stores, not arithmetic, bound
 * level-2 code in JavaScript, so this is worth about 1.5–2x over one row at a time.
 *
 * Row i of the operand starts at `a[aOff + i·lda]`; `nc` contiguous columns are used.
 *
 * @module
 */

/** w[c] += Σᵢ xᵢ·a[i, c] over `rows` rows (the product xᵀ·A accumulated into w). */
export function accumulateRows(
  nc: number,
  rows: number,
  x: Float64Array,
  xOff: number,
  xInc: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  w: Float64Array,
): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const x0 = x[xOff + i * xInc]!;
    const x1 = x[xOff + (i + 1) * xInc]!;
    const x2 = x[xOff + (i + 2) * xInc]!;
    const x3 = x[xOff + (i + 3) * xInc]!;
    const r0 = aOff + i * lda;
    const r1 = r0 + lda;
    const r2 = r1 + lda;
    const r3 = r2 + lda;
    for (let c = 0; c < nc; c++)
      w[c] = w[c]! + x0 * a[r0 + c]! + x1 * a[r1 + c]! + x2 * a[r2 + c]! + x3 * a[r3 + c]!;
  }
  for (; i < rows; i++) {
    const xi = x[xOff + i * xInc]!;
    const r = aOff + i * lda;
    for (let c = 0; c < nc; c++) w[c] = w[c]! + xi * a[r + c]!;
  }
}

/** a[i, c] −= xᵢ·w[c] over `rows` rows (a rank-one update). */
export function subtractOuter(
  nc: number,
  rows: number,
  x: Float64Array,
  xOff: number,
  xInc: number,
  w: Float64Array,
  a: Float64Array,
  aOff: number,
  lda: number,
): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const x0 = x[xOff + i * xInc]!;
    const x1 = x[xOff + (i + 1) * xInc]!;
    const x2 = x[xOff + (i + 2) * xInc]!;
    const x3 = x[xOff + (i + 3) * xInc]!;
    const r0 = aOff + i * lda;
    const r1 = r0 + lda;
    const r2 = r1 + lda;
    const r3 = r2 + lda;
    for (let c = 0; c < nc; c++) {
      const wc = w[c]!;
      a[r0 + c] = a[r0 + c]! - x0 * wc;
      a[r1 + c] = a[r1 + c]! - x1 * wc;
      a[r2 + c] = a[r2 + c]! - x2 * wc;
      a[r3 + c] = a[r3 + c]! - x3 * wc;
    }
  }
  for (; i < rows; i++) {
    const xi = x[xOff + i * xInc]!;
    const r = aOff + i * lda;
    for (let c = 0; c < nc; c++) a[r + c] = a[r + c]! - xi * w[c]!;
  }
}
