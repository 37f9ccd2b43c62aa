/**
 * Row operations on row-major arrays shared by the factorizations.
 *
 * @module
 */

/** Swaps rows i and j (each of length len) of a row-major array in place. */
export function swapRows(x: Float64Array, len: number, i: number, j: number): void {
  const ri = i * len;
  const rj = j * len;
  for (let k = 0; k < len; k++) {
    const t = x[ri + k]!;
    x[ri + k] = x[rj + k]!;
    x[rj + k] = t;
  }
}
