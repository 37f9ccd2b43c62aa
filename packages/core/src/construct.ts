/**
 * Constructors for {@link Matrix}: zeros, ones, full, eye, diag, from2D / to2D, fromFlat.
 *
 * @module
 */
import { ShapeError } from './errors.js';
import { Matrix } from './matrix.js';
import { assertSize, describeValue } from './validate.js';

/** An r×c matrix of zeros. @throws ShapeError for non-integer or negative sizes */
export function zeros(rows: number, cols: number): Matrix {
  return new Matrix(rows, cols);
}

/** An r×c matrix filled with `value`. @throws ShapeError for non-integer or negative sizes */
export function full(rows: number, cols: number, value: number): Matrix {
  const m = new Matrix(rows, cols);
  m.data.fill(value);
  return m;
}

/** An r×c matrix of ones. @throws ShapeError for non-integer or negative sizes */
export function ones(rows: number, cols: number): Matrix {
  return full(rows, cols, 1);
}

/** The n×m identity (ones on the main diagonal); square when `cols` is omitted. */
export function eye(rows: number, cols = rows): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < Math.min(rows, cols); i++) m.data[i * cols + i] = 1;
  return m;
}

/** The square diagonal matrix with `values` on its diagonal. */
export function diag(values: ArrayLike<number>): Matrix {
  const n = values.length;
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = values[i]!;
  return m;
}

/** The main diagonal of a matrix (length min(rows, cols)) as a new Float64Array. */
export function diagonal(a: Matrix): Float64Array {
  const n = Math.min(a.rows, a.cols);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a.data[a.offset + i * (a.rowStride + a.colStride)]!;
  return out;
}

/**
 * A matrix from nested rows. An empty array gives a 0×0 matrix.
 * @throws ShapeError when the rows have different lengths
 * @throws TypeError when an element is not a number
 */
export function from2D(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const m = new Matrix(r, c);
  for (let i = 0; i < r; i++) {
    const row = rows[i]!;
    if (row.length !== c) {
      throw new ShapeError(
        `from2D: every row must have ${c} entries like row 0 (row ${i} has ${row.length})`,
      );
    }
    for (let j = 0; j < c; j++) {
      const v = row[j];
      if (typeof v !== 'number')
        throw new TypeError(`from2D: element (${i}, ${j}) must be a number (got ${describeValue(v)})`);
      m.data[i * c + j] = v;
    }
  }
  return m;
}

/** The rows of a matrix as nested arrays (the inverse of {@link from2D}). */
export function to2D(a: Matrix): number[][] {
  return a.toArray();
}

/**
 * A rows×cols matrix over a copy of `values` taken in row-major order.
 * @throws ShapeError when `values.length !== rows·cols`
 */
export function fromFlat(rows: number, cols: number, values: ArrayLike<number>): Matrix {
  assertSize('fromFlat', 'rows', rows);
  assertSize('fromFlat', 'cols', cols);
  if (values.length !== rows * cols) {
    throw new ShapeError(
      `fromFlat: values must have rows·cols = ${rows * cols} entries (got ${values.length})`,
    );
  }
  return new Matrix(rows, cols, Float64Array.from(values));
}
