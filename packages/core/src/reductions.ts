/**
 * Reductions over a whole matrix or along an axis: sum, mean, min, max, argmin, argmax.
 *
 * `axis` 0 reduces over rows (one result per column), `axis` 1 over columns (one per row), as in
 * numpy. Sums use plain accumulation in row-major order; min/max/argmin/argmax return
 * NaN / the index of the first NaN when a NaN is present (numpy's `nanargmax` is not the default).
 *
 * @module
 */
import { DomainError, ShapeError } from './errors.js';
import { Matrix } from './matrix.js';

/** Reduction axis: 0 = down the rows (per column), 1 = along each row. */
export type Axis = 0 | 1;

function check(fn: string, a: Matrix, axis: unknown): void {
  if (!(a instanceof Matrix)) throw new TypeError(`${fn}: a must be a Matrix`);
  if (axis !== undefined && axis !== 0 && axis !== 1) {
    throw new DomainError(`${fn}: axis must be 0, 1 or omitted (got ${String(axis)})`);
  }
}

/** Folds the lines of `a` along `axis` (or all elements) with an (index, value) visitor. */
function lines(a: Matrix, axis: Axis): { count: number; len: number; lineStride: number; step: number } {
  return axis === 0
    ? { count: a.cols, len: a.rows, lineStride: a.colStride, step: a.rowStride }
    : { count: a.rows, len: a.cols, lineStride: a.rowStride, step: a.colStride };
}

/** Σ of all elements, or of each line along `axis`. */
export function sum(a: Matrix): number;
export function sum(a: Matrix, axis: Axis): Float64Array;
export function sum(a: Matrix, axis?: Axis): number | Float64Array {
  check('sum', a, axis);
  if (axis === undefined) {
    let s = 0;
    for (const v of sum(a, 1)) s += v;
    return s;
  }
  const { count, len, lineStride, step } = lines(a, axis);
  const out = new Float64Array(count);
  for (let l = 0; l < count; l++) {
    let s = 0;
    for (let t = 0, p = a.offset + l * lineStride; t < len; t++, p += step) s += a.data[p]!;
    out[l] = s;
  }
  return out;
}

/**
 * Mean of all elements, or of each line along `axis`.
 * @throws ShapeError when the matrix (or the reduced dimension) is empty
 */
export function mean(a: Matrix): number;
export function mean(a: Matrix, axis: Axis): Float64Array;
export function mean(a: Matrix, axis?: Axis): number | Float64Array {
  check('mean', a, axis);
  const n = axis === undefined ? a.size : axis === 0 ? a.rows : a.cols;
  if (n === 0)
    throw new ShapeError(`mean: cannot average over an empty dimension (matrix is ${a.rows}x${a.cols})`);
  if (axis === undefined) return sum(a) / n;
  return sum(a, axis).map((s) => s / n);
}

/**
 * Mean and sample standard deviation (n − 1 in the denominator; 0 for one value) of a list of
 * numbers, e.g. per-fold scores.
 * @throws ShapeError when the list is empty
 */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) throw new ShapeError('meanAndStd: values must not be empty');
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i]!;
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - m) ** 2;
  return { mean: m, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/** Index (within the line) of the extreme element of each line; the first NaN wins. */
function argExtreme(
  fn: string,
  a: Matrix,
  axis: Axis,
  better: (x: number, y: number) => boolean,
): Int32Array {
  const { count, len, lineStride, step } = lines(a, axis);
  if (len === 0)
    throw new ShapeError(`${fn}: cannot reduce over an empty dimension (matrix is ${a.rows}x${a.cols})`);
  const out = new Int32Array(count);
  for (let l = 0; l < count; l++) {
    const base = a.offset + l * lineStride;
    let best = a.data[base]!;
    let bi = 0;
    if (!Number.isNaN(best)) {
      for (let t = 1, p = base + step; t < len; t++, p += step) {
        const v = a.data[p]!;
        if (Number.isNaN(v)) {
          bi = t;
          break;
        }
        if (better(v, best)) {
          best = v;
          bi = t;
        }
      }
    }
    out[l] = bi;
  }
  return out;
}

/** Per-line index of the largest element along `axis`. @throws ShapeError for an empty line */
export function argmax(a: Matrix, axis: Axis): Int32Array {
  check('argmax', a, axis);
  return argExtreme('argmax', a, axis, (x, y) => x > y);
}

/** Per-line index of the smallest element along `axis`. @throws ShapeError for an empty line */
export function argmin(a: Matrix, axis: Axis): Int32Array {
  check('argmin', a, axis);
  return argExtreme('argmin', a, axis, (x, y) => x < y);
}

function extreme(
  fn: string,
  a: Matrix,
  axis: Axis | undefined,
  better: (x: number, y: number) => boolean,
): number | Float64Array {
  check(fn, a, axis);
  if (axis === undefined) {
    if (a.size === 0) throw new ShapeError(`${fn}: the matrix is empty (${a.rows}x${a.cols})`);
    const per = extreme(fn, a, 1, better) as Float64Array;
    let best = per[0]!;
    for (const v of per) {
      if (Number.isNaN(v)) return Number.NaN;
      if (better(v, best)) best = v;
    }
    return best;
  }
  const idx = argExtreme(fn, a, axis, better);
  const { lineStride, step } = lines(a, axis);
  return Float64Array.from(idx, (t, l) => a.data[a.offset + l * lineStride + t * step]!);
}

/** Largest element, or the largest of each line along `axis` (NaN when present). */
export function max(a: Matrix): number;
export function max(a: Matrix, axis: Axis): Float64Array;
export function max(a: Matrix, axis?: Axis): number | Float64Array {
  return extreme('max', a, axis, (x, y) => x > y);
}

/** Smallest element, or the smallest of each line along `axis` (NaN when present). */
export function min(a: Matrix): number;
export function min(a: Matrix, axis: Axis): Float64Array;
export function min(a: Matrix, axis?: Axis): number | Float64Array {
  return extreme('min', a, axis, (x, y) => x < y);
}
