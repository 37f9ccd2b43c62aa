/**
 * Input checks shared by the decompositions: a Matrix, finite, optionally square; returned as a
 * fresh contiguous row-major copy that the kernels may overwrite.
 *
 * @module
 */
import { assertFiniteMatrix, assertIntegerInRange, Matrix, ShapeError } from '@numts/core';

/** Validates a matrix argument and returns a contiguous working copy of its elements. */
export function workingCopy(fn: string, name: string, a: unknown, { square = false } = {}): Matrix {
  if (!(a instanceof Matrix)) {
    throw new TypeError(`${fn}: ${name} must be a Matrix (got ${a === null ? 'null' : typeof a})`);
  }
  if (square && a.rows !== a.cols)
    throw new ShapeError(`${fn}: ${name} must be square (got ${a.rows}x${a.cols})`);
  assertFiniteMatrix(fn, name, a);
  return a.clone();
}

/**
 * Validates a square matrix argument like {@link workingCopy}; with `overwrite` and a contiguous A
 * (no offset, no spare storage), returns A itself for a kernel to work in place, else a copy.
 */
export function workingMatrix(fn: string, name: string, a: unknown, overwrite: boolean | undefined): Matrix {
  if (!(overwrite && a instanceof Matrix && a.isContiguous && a.offset === 0 && a.data.length === a.size))
    return workingCopy(fn, name, a, { square: true });
  if (a.rows !== a.cols) throw new ShapeError(`${fn}: ${name} must be square (got ${a.rows}x${a.cols})`);
  assertFiniteMatrix(fn, name, a);
  return a;
}

/** Validates an integer rank-like argument in [min, max] (a ShapeError: it sizes the result). */
export function assertIntegerIn(
  fn: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
): asserts value is number {
  assertIntegerInRange(fn, name, value, min, max, ShapeError);
}

/** Validates a right-hand side: a Matrix with `rows` rows, or a Float64Array of that length. */
export function rhsCopy(fn: string, b: unknown, rows: number): { b: Matrix; vector: boolean } {
  if (b instanceof Float64Array) {
    if (b.length !== rows)
      throw new ShapeError(`${fn}: b must have length ${rows} to match a (got ${b.length})`);
    const m = new Matrix(rows, 1, Float64Array.from(b));
    assertFiniteMatrix(fn, 'b', m);
    return { b: m, vector: true };
  }
  if (!(b instanceof Matrix)) throw new TypeError(`${fn}: b must be a Matrix or a Float64Array`);
  if (b.rows !== rows)
    throw new ShapeError(`${fn}: b must have ${rows} rows to match a (got ${b.rows}x${b.cols})`);
  return { b: workingCopy(fn, 'b', b), vector: false };
}

/** Float64 machine epsilon (2⁻⁵²). */
export const EPS = 2 ** -52;
/** Smallest positive normal float64. */
export const SAFE_MIN = 2 ** -1022;
