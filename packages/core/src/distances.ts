/**
 * Pairwise squared Euclidean distances.
 *
 * @module
 */
import { ShapeError } from './errors.js';
import { gemm } from './gemm.js';
import type { Matrix } from './matrix.js';

/**
 * D_ij = ‖aᵢ − bⱼ‖² between the rows of a (m×d) and b (n×d), as ‖aᵢ‖² + ‖bⱼ‖² − 2aᵢ·bⱼ with one
 * gemm, clipped at 0 (the expansion can go slightly negative by cancellation; for nearly equal
 * rows its absolute error is about ε·(‖aᵢ‖² + ‖bⱼ‖²)).
 *
 * Cost: 2mnd flops.
 * @throws ShapeError when a and b have different numbers of columns
 * @example
 * ```ts
 * squaredDistances(from2D([[0, 0]]), from2D([[3, 4], [1, 0]])).toArray(); // [[25, 1]]
 * ```
 */
export function squaredDistances(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols)
    throw new ShapeError(`squaredDistances: rows of a have ${a.cols} entries but rows of b have ${b.cols}`);
  const g = gemm(a, b, { transB: true });
  const na = new Float64Array(a.rows);
  const nb = new Float64Array(b.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) na[i] = na[i]! + a.get(i, j) ** 2;
  for (let i = 0; i < b.rows; i++) for (let j = 0; j < b.cols; j++) nb[i] = nb[i]! + b.get(i, j) ** 2;
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.rows; j++)
      g.data[i * b.rows + j] = Math.max(0, na[i]! + nb[j]! - 2 * g.data[i * b.rows + j]!);
  return g;
}
