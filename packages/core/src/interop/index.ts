/**
 * Conversions between numts arrays and ml-matrix / ndarray objects.
 *
 * This entry point (`@numts/core/interop`) imports ml-matrix and ndarray, which the main entry
 * does not: ndarray builds its classes with `new Function`, which a Content-Security-Policy
 * without `'unsafe-eval'` forbids, so it stays off the default import path. Reading an ndarray
 * object needs no import at all: `Tensor.from(nd)` accepts it as is.
 *
 * @module
 */
import { Matrix as MlMatrix } from 'ml-matrix';
import ndarray, { type NdArray } from 'ndarray';
import { ShapeError } from '../errors.js';
import { Matrix } from '../matrix.js';
import { type NumericArray, Tensor } from '../tensor.js';

/** The parts of an ml-matrix `Matrix` that {@link fromMlMatrix} reads. */
export interface MlMatrixLike {
  readonly rows: number;
  readonly columns: number;
  get(row: number, column: number): number;
}

/**
 * Copies an ml-matrix `Matrix` (or anything with `rows`, `columns` and `get`) into a numts Matrix.
 * @throws ShapeError when rows/columns are not non-negative integers
 */
export function fromMlMatrix(m: MlMatrixLike): Matrix {
  const out = new Matrix(m.rows, m.columns);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.columns; j++) out.data[i * m.columns + j] = m.get(i, j);
  return out;
}

/** Copies a numts Matrix into a new ml-matrix `Matrix`. */
export function toMlMatrix(a: Matrix): MlMatrix {
  const out = new MlMatrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) out.set(i, j, a.data[a.offset + i * a.rowStride + j * a.colStride]!);
  return out;
}

/**
 * Wraps an ndarray as a validated numts Tensor sharing its data (ndarray itself does not check
 * that `data` is long enough; this does).
 */
export function fromNdarray<D extends NumericArray>(nd: NdArray<D>): Tensor<D> {
  return Tensor.from({ data: nd.data, shape: nd.shape, stride: nd.stride, offset: nd.offset });
}

/** An ndarray view of a Tensor or Matrix sharing its data. */
export function toNdarray<D extends NumericArray>(t: Tensor<D> | Matrix): NdArray<D | Float64Array> {
  if (t instanceof Matrix) return ndarray(t.data, [t.rows, t.cols], [t.rowStride, t.colStride], t.offset);
  if (!(t instanceof Tensor)) throw new ShapeError('toNdarray: argument must be a Tensor or a Matrix');
  return ndarray(t.data, [...t.shape], [...t.stride], t.offset);
}

/** A 2-d ndarray as a numts Matrix sharing its data. @throws ShapeError unless it is 2-d Float64 */
export function matrixFromNdarray(nd: NdArray<Float64Array>): Matrix {
  return fromNdarray(nd).toMatrix();
}
