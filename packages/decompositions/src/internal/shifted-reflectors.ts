/**
 * The orthogonal factor of a tridiagonal or bidiagonal reduction whose reflectors start one
 * column right of the diagonal.
 *
 * @module
 */
import { Matrix } from '@numts/core';
import {
  applyReflectorBlocks,
  qrApplyQ,
  qrFormQ,
  type ReflectorBlock,
  reflectorBlocks,
} from './qr-kernel.js';

/**
 * The transposed n×n orthogonal factor of reflectors stored one column to the right of the
 * diagonal (row k of `a` holds v_k from column k + 2 on, v_k(k + 1) = 1): Qᵀ of a tridiagonal
 * reduction (LAPACK's dorgtr) and Pᵀ of a bidiagonal one (dorgbr 'P'). Its first row and column are
 * e₁; the rest is formed with the blocked reflector code of QR.
 */
export function shiftedReflectorsTransposed(a: Float64Array, n: number, tau: Float64Array): Matrix {
  const qt = new Matrix(n, n);
  if (n === 0) return qt;
  qt.data[0] = 1;
  if (n === 1) return qt;
  const s = n - 1;
  const q1 = qrFormQ(unshifted(a, n), s, s, tau, s); // Q(1.., 1..)
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) qt.data[(j + 1) * n + i + 1] = q1.data[i * s + j]!;
  return qt;
}

/**
 * C ← Q·C in place for the orthogonal factor of the same reflectors and C n×cols row-major
 * (LAPACK's dormtr / dormbr 'P'): row 0 of C is left alone, rows 1.. take the blocked reflectors.
 */
export function applyShiftedReflectors(
  a: Float64Array,
  n: number,
  tau: Float64Array,
  c: Float64Array,
  cols: number,
): void {
  if (n <= 1) return;
  const s = n - 1;
  qrApplyQ(unshifted(a, n), s, s, tau, c.subarray(cols), cols);
}

/**
 * The orthogonal factor of the same reflectors kept implicit: its block reflectors, formed once, and
 * products Q·C or Qᵀ·C (C n×cols row-major, in place; row 0 is left alone) at 4·n²·cols flops
 * instead of forming Q (≈ 4n³/3) and multiplying.
 */
export class ShiftedReflectors {
  private readonly blocks: ReflectorBlock[];

  constructor(
    a: Float64Array,
    private readonly n: number,
    tau: Float64Array,
  ) {
    // Entry (i, k) of QR's layout, v_k(i + 1), is a[k·n + i + 1]: read in place, no copy.
    this.blocks = n <= 1 ? [] : reflectorBlocks(a, n - 1, 1, tau, { offset: 1, colStride: n });
  }

  /** C ← Q·C, or C ← Qᵀ·C with `transpose`. */
  apply(c: Float64Array, cols: number, transpose: boolean): void {
    if (this.n <= 1) return;
    applyReflectorBlocks(this.blocks, this.n - 1, c.subarray(cols), cols, transpose);
  }
}

/** The reflectors as QR leaves them: column k of the (n−1)² result holds v_k from row k on. */
function unshifted(a: Float64Array, n: number): Float64Array {
  const s = n - 1;
  const vs = new Float64Array(s * s);
  for (let k = 0; k < s; k++) for (let i = k + 1; i < s; i++) vs[i * s + k] = a[k * n + i + 1]!;
  return vs;
}
