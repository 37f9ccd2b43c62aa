/**
 * Sign conventions that make eigenvectors and singular vectors reproducible.
 *
 * @module
 */

/**
 * For each row r of the row-major `rows`×`len` array `vt` (a vector stored as a row), returns −1
 * when the entry of largest magnitude (the first one on ties) is negative, else +1.
 */
export function largestEntrySigns(vt: Float64Array, rows: number, len: number): Int8Array {
  const out = new Int8Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let sign = 1;
    for (let k = 0, p = r * len; k < len; k++, p++) {
      const v = vt[p]!;
      const a = Math.abs(v);
      if (a > best) {
        best = a;
        sign = v < 0 ? -1 : 1;
      }
    }
    out[r] = sign;
  }
  return out;
}

/** Multiplies row r of the row-major array by signs[r]. */
export function applyRowSigns(vt: Float64Array, len: number, signs: Int8Array): void {
  for (let r = 0; r < signs.length; r++) {
    if (signs[r] === -1) for (let k = 0, p = r * len; k < len; k++, p++) vt[p] = -vt[p]!;
  }
}

/**
 * Flips column i of U (contiguous m×k) and row i of Vᵀ (contiguous k×n) together so that the
 * largest-magnitude entry of each column of U is positive.
 */
export function normalizeSvdSigns(
  u: { data: Float64Array; rows: number; cols: number },
  vt: { data: Float64Array; cols: number },
): void {
  const m = u.rows;
  const k = u.cols;
  for (let i = 0; i < k; i++) {
    let best = 0;
    let negative = false;
    for (let r = 0; r < m; r++) {
      const v = u.data[r * k + i]!;
      if (Math.abs(v) > best) {
        best = Math.abs(v);
        negative = v < 0;
      }
    }
    if (!negative) continue;
    for (let r = 0; r < m; r++) u.data[r * k + i] = -u.data[r * k + i]!;
    for (let c = 0; c < vt.cols; c++) vt.data[i * vt.cols + c] = -vt.data[i * vt.cols + c]!;
  }
}
