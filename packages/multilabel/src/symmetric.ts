/**
 * Exact symmetry for a square matrix whose two triangles were computed in different orders.
 *
 * @module
 */
import type { Matrix } from '@numts/core';

/** Replaces A(i, j) and A(j, i) by their mean, in place (A square, contiguous); returns A. */
export function symmetrizeInPlace(a: Matrix): Matrix {
  const n = a.rows;
  const m = a.data;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) m[j * n + i] = m[i * n + j] = (m[i * n + j]! + m[j * n + i]!) / 2;
  return a;
}
