/**
 * Sequences of plane rotations of adjacent rows (LAPACK's `dlasr` with pivot 'V', direction 'F'):
 * the kernel that applies the rotations of a QR or QL sweep to the accumulated eigen- or singular
 * vectors, on the current backend.
 *
 * @module
 */
import { getBackend } from './backend.js';
import { ShapeError } from './errors.js';
import { Matrix } from './matrix.js';
import { assertFiniteArray, assertSize } from './validate.js';
import { loadWasmKernels, wasmMemory } from './wasm/gemm-wasm.js';
import { ROTATION_STRIP } from './wasm/rotations-module.js';

/**
 * Applies, in order, the rotations t = 0..count−1 to rows (r, r+1), r = rows[t], of x:
 * x_r ← c[t]·x_r + s[t]·x_{r+1},  x_{r+1} ← −s[t]·x_r + c[t]·x_{r+1}. In place.
 *
 * The same bits on both backends (the wasm kernel does each element's multiplies and adds in the
 * same order as the TypeScript loop; columns are independent of each other).
 *
 * @throws ShapeError when x is not a contiguous row-major Matrix, a row index is out of range, or
 *   the arrays are shorter than count
 * @throws NonFiniteError when a cosine or sine is NaN or ±Infinity
 * @example
 * ```ts
 * const x = from2D([[1, 2], [3, 4]]);
 * rotateRows(x, Int32Array.of(0), Float64Array.of(0), Float64Array.of(1)); // swap with a sign
 * x.toArray(); // [[3, 4], [-1, -2]]
 * ```
 */
export function rotateRows(
  x: Matrix,
  rows: Int32Array,
  c: Float64Array,
  s: Float64Array,
  count = rows.length,
): Matrix {
  const fn = 'rotateRows';
  if (!(x instanceof Matrix) || !x.isContiguous)
    throw new ShapeError(`${fn}: x must be a contiguous row-major Matrix`);
  assertSize(fn, 'count', count);
  if (rows.length < count || c.length < count || s.length < count)
    throw new ShapeError(
      `${fn}: rows, c and s must hold count = ${count} entries (got ${rows.length}, ${c.length}, ${s.length})`,
    );
  for (let t = 0; t < count; t++)
    if (!(rows[t]! >= 0 && rows[t]! < x.rows - 1))
      throw new ShapeError(`${fn}: rows[${t}] must lie in [0, ${x.rows - 2}] (got ${rows[t]})`);
  assertFiniteArray(fn, 'c', c, 0, count);
  assertFiniteArray(fn, 's', s, 0, count);
  rotateRowsKernel(x.data.subarray(x.offset, x.offset + x.rows * x.cols), x.cols, count, rows, c, s);
  return x;
}

/** @internal Unchecked: applies the rotations to the row-major array x (rows of length len). */
export function rotateRowsKernel(
  x: Float64Array,
  len: number,
  count: number,
  rows: Int32Array,
  c: Float64Array,
  s: Float64Array,
): void {
  if (count === 0 || len === 0) return;
  const width = getBackend() === 'wasm' && len >= 2 ? len & ~1 : 0;
  if (width > 0) rotateRowsWasm(x, len, width, count, rows, c, s);
  for (let k = width; k < len; k += ROTATION_STRIP) {
    const k1 = Math.min(len, k + ROTATION_STRIP);
    for (let t = 0; t < count; t++) {
      const ri = rows[t]! * len;
      const rj = ri + len;
      const ca = c[t]!;
      const sa = s[t]!;
      for (let j = k; j < k1; j++) {
        const xi = x[ri + j]!;
        const xj = x[rj + j]!;
        x[ri + j] = ca * xi + sa * xj;
        x[rj + j] = -sa * xi + ca * xj;
      }
    }
  }
}

/** The first `width` (even) columns on the wasm kernel: the touched rows are copied in and back. */
function rotateRowsWasm(
  x: Float64Array,
  len: number,
  width: number,
  count: number,
  rows: Int32Array,
  c: Float64Array,
  s: Float64Array,
): void {
  const w = loadWasmKernels()!;
  let lo = rows[0]!;
  let hi = lo;
  for (let t = 1; t < count; t++) {
    const r = rows[t]!;
    if (r < lo) lo = r;
    else if (r > hi) hi = r;
  }
  const span = (hi + 2 - lo) * len; // rows lo..hi+1
  // Layout in bytes: x rows | c | s | rows (all 16-byte aligned).
  const xAt = 0;
  const cAt = xAt + Math.ceil((span * 8) / 16) * 16;
  const sAt = cAt + Math.ceil((count * 8) / 16) * 16;
  const rAt = sAt + Math.ceil((count * 8) / 16) * 16;
  const buffer = wasmMemory(w, rAt + count * 4);
  const f64 = new Float64Array(buffer);
  f64.set(x.subarray(lo * len, lo * len + span), xAt / 8);
  f64.set(c.subarray(0, count), cAt / 8);
  f64.set(s.subarray(0, count), sAt / 8);
  const r32 = new Int32Array(buffer, rAt, count);
  for (let t = 0; t < count; t++) r32[t] = rows[t]! - lo;
  w.rotate(count, rAt, cAt, sAt, xAt, len, width);
  x.set(f64.subarray(xAt / 8, xAt / 8 + span), lo * len);
}
