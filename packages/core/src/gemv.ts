/**
 * Matrix–vector product y ← α·op(A)·x + β·y.
 *
 * @module
 */
import { DomainError, ShapeError } from './errors.js';
import { dotKernel } from './level1.js';
import { Matrix } from './matrix.js';
import { assertFiniteScalar } from './validate.js';

/** Options of {@link gemv}. */
export interface GemvOptions {
  /** Use Aᵀ. Default false. */
  trans?: boolean;
  /** Scale of the product. Default 1. */
  alpha?: number;
  /** Scale of the existing y. Default 0. */
  beta?: number;
  /** Output vector, updated in place; fresh when omitted. Must not share storage with x or A. */
  y?: Float64Array;
}

/**
 * y ← α·op(A)·x + β·y. NaN and ±Infinity propagate.
 * @throws ShapeError when x or y has the wrong length
 * @throws DomainError when β ≠ 0 and no y is given
 * @example
 * ```ts
 * gemv(from2D([[1, 2], [3, 4]]), Float64Array.of(1, 1)); // Float64Array [3, 7]
 * ```
 */
export function gemv(a: Matrix, x: Float64Array, options: GemvOptions = {}): Float64Array {
  if (!(a instanceof Matrix)) throw new TypeError('gemv: a must be a Matrix');
  if (!(x instanceof Float64Array)) throw new TypeError('gemv: x must be a Float64Array');
  const trans = options.trans ?? false;
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 0;
  assertFiniteScalar('gemv', 'alpha', alpha);
  assertFiniteScalar('gemv', 'beta', beta);
  const m = trans ? a.cols : a.rows;
  const n = trans ? a.rows : a.cols;
  if (x.length !== n) {
    throw new ShapeError(
      `gemv: x must have length ${n} to multiply op(a) of shape ${m}x${n} (got ${x.length})`,
    );
  }
  if (options.y === undefined && beta !== 0)
    throw new DomainError(`gemv: beta must be 0 when no y is given (got ${beta})`);
  const y = options.y ?? new Float64Array(m);
  if (y.length !== m) throw new ShapeError(`gemv: y must have length ${m} (got ${y.length})`);
  const rs = trans ? a.colStride : a.rowStride;
  const cs = trans ? a.rowStride : a.colStride;
  if (cs === 1 || Math.abs(cs) <= Math.abs(rs)) {
    // Rows of op(A) are (nearly) contiguous: one dot product per output element.
    for (let i = 0; i < m; i++) {
      const s = n === 0 ? 0 : dotKernel(n, a.data, a.offset + i * rs, cs, x, 0, 1);
      y[i] = beta === 0 ? alpha * s : alpha * s + beta * y[i]!;
    }
  } else {
    // Columns of op(A) are contiguous: accumulate column by column.
    const acc = new Float64Array(m);
    for (let j = 0; j < n; j++) {
      const s = x[j]!;
      const base = a.offset + j * cs;
      for (let i = 0; i < m; i++) acc[i] = acc[i]! + a.data[base + i * rs]! * s;
    }
    for (let i = 0; i < m; i++) y[i] = beta === 0 ? alpha * acc[i]! : alpha * acc[i]! + beta * y[i]!;
  }
  return y;
}
