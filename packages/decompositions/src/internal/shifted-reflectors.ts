/**
 * The orthogonal factor of a tridiagonal or bidiagonal reduction whose reflectors start one
 * column right of the diagonal.
 *
 * @module
 */
import { Matrix } from '@numts/core';
import { qrFormQ } from './qr-kernel.js';

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
  // Column k of `vs` holds v_k on rows k.. (shifted by one index): vs(i, k) = a[k, i+1] for i > k.
  const vs = new Float64Array(s * s);
  for (let k = 0; k < s; k++) for (let i = k + 1; i < s; i++) vs[i * s + k] = a[k * n + i + 1]!;
  const q1 = qrFormQ(vs, s, s, tau, s); // Q(1.., 1..)
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) qt.data[(j + 1) * n + i + 1] = q1.data[i * s + j]!;
  return qt;
}
