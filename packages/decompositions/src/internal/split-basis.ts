/**
 * The vectors of the two halves of a divide-and-conquer merge, as the columns of one basis, and
 * the merge's product with them. A column from one half is zero on the other half's rows until a
 * deflating rotation mixes it with a column from the other half; the product skips those zero
 * blocks, which halves its work.
 *
 * @module
 */
import { gemm, Matrix } from '@numts/core';

/**
 * Which rows of a basis column can be nonzero: bit 1 the rows of the top block (and row k), bit 2
 * those of the bottom block. A rotation of two columns gives both the union.
 */
export interface Basis {
  x: Float64Array;
  ld: number;
  /** Rows [0, split) are the top's. */
  split: number;
  halves: Uint8Array;
}

/** Columns i, j of the basis: (c·xᵢ + s·xⱼ, −s·xᵢ + c·xⱼ). */
export function rotateColumns(b: Basis, i: number, j: number, c: number, s: number): void {
  const { x, ld } = b;
  b.halves[i] = b.halves[j] = b.halves[i]! | b.halves[j]!;
  const rows = x.length / ld;
  for (let row = 0; row < rows; row++) {
    const a = x[row * ld + i]!;
    const b = x[row * ld + j]!;
    x[row * ld + i] = c * a + s * b;
    x[row * ld + j] = -s * a + c * b;
  }
}

/** A basis of `rows × cols` (row-major) whose columns [0, split) hold the top half, the rest the bottom. */
export function splitBasis(x: Float64Array, cols: number, split: number): Basis {
  const halves = new Uint8Array(cols).fill(1);
  halves.fill(2, split);
  return { x, ld: cols, split, halves };
}

/**
 * out(:, 0..K) = basis(:, cols)·m (K×K; out has the basis' leading dimension), by halves: the top
 * rows from the columns that can be nonzero there, likewise the bottom — about half the work of
 * one product.
 */
export function productByHalves(out: Float64Array, basis: Basis, cols: number[], m: Float64Array): void {
  const { x, ld, split, halves } = basis;
  const K = cols.length;
  const rows = x.length / ld;
  for (const [r0, r1, bit] of [
    [0, split, 1],
    [split, rows, 2],
  ] as const) {
    const which = cols.flatMap((col, c) => ((halves[col]! & bit) !== 0 ? [c] : []));
    const mr = r1 - r0;
    const kk = which.length;
    if (mr === 0 || kk === 0) continue;
    const a = new Matrix(mr, kk);
    for (let row = 0; row < mr; row++)
      for (let c = 0; c < kk; c++) a.data[row * kk + c] = x[(r0 + row) * ld + cols[which[c]!]!]!;
    const b = new Matrix(kk, K);
    for (let c = 0; c < kk; c++) b.data.set(m.subarray(which[c]! * K, which[c]! * K + K), c * K);
    const prod = gemm(a, b);
    for (let row = 0; row < mr; row++) out.set(prod.data.subarray(row * K, row * K + K), (r0 + row) * ld);
  }
}
