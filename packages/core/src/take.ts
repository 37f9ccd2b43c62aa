/**
 * Row selection (numpy's `m[rows]`).
 *
 * @module
 */
import { DomainError } from './errors.js';
import { Matrix } from './matrix.js';

/**
 * The rows `rows` of m, in the order given (repeats allowed), as a new contiguous matrix. Works on
 * strided views.
 *
 * @throws DomainError when an index is not an integer in [0, m.rows)
 * @example
 * ```ts
 * takeRows(from2D([[1, 2], [3, 4], [5, 6]]), [2, 0]).toArray(); // [[5, 6], [1, 2]]
 * ```
 */
export function takeRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Matrix(rows.length, m.cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= m.rows)
      throw new DomainError(`takeRows: rows[${i}] must be an integer in [0, ${m.rows}), got ${r}`);
    for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] = m.get(r, j);
  }
  return out;
}
