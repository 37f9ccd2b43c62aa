/**
 * Concatenation of matrices along rows (axis 0, vertical stacking) or columns (axis 1).
 *
 * @module
 */
import { DomainError, ShapeError } from './errors.js';
import { Matrix } from './matrix.js';

/**
 * Stacks matrices vertically (`axis = 0`, equal column counts) or side by side (`axis = 1`, equal
 * row counts) into a new contiguous matrix.
 * @throws ShapeError when the list is empty or the shapes do not line up
 * @example
 * ```ts
 * concat([eye(2), zeros(1, 2)], 0).rows; // 3
 * ```
 */
export function concat(mats: readonly Matrix[], axis: 0 | 1 = 0): Matrix {
  if (!Array.isArray(mats) || mats.length === 0)
    throw new ShapeError('concat: mats must be a non-empty array of matrices');
  if (axis !== 0 && axis !== 1) throw new DomainError(`concat: axis must be 0 or 1 (got ${String(axis)})`);
  mats.forEach((m, i) => {
    if (!(m instanceof Matrix)) throw new TypeError(`concat: mats[${i}] must be a Matrix`);
  });
  const first = mats[0]!;
  const fixed = axis === 0 ? first.cols : first.rows;
  let total = 0;
  mats.forEach((m, i) => {
    const f = axis === 0 ? m.cols : m.rows;
    if (f !== fixed) {
      const what = axis === 0 ? 'columns' : 'rows';
      throw new ShapeError(
        `concat: every matrix must have ${fixed} ${what} like mats[0] (mats[${i}] is ${m.rows}x${m.cols})`,
      );
    }
    total += axis === 0 ? m.rows : m.cols;
  });
  const out = axis === 0 ? new Matrix(total, fixed) : new Matrix(fixed, total);
  let at = 0;
  for (const m of mats) {
    for (let i = 0; i < m.rows; i++) {
      const row = axis === 0 ? at + i : i;
      const col0 = axis === 0 ? 0 : at;
      for (let j = 0; j < m.cols; j++)
        out.data[row * out.cols + col0 + j] = m.data[m.offset + i * m.rowStride + j * m.colStride]!;
    }
    at += axis === 0 ? m.rows : m.cols;
  }
  return out;
}
