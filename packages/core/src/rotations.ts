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
  if (width < len) rotateRowsTs(x, len, width, count, rows, c, s);
}

/**
 * The TypeScript kernel: the rotations applied to columns from..len−1 in strips, chains of
 * rotations on consecutive rows in one pass with the shared rows in registers (four, two, one).
 */
function rotateRowsTs(
  x: Float64Array,
  len: number,
  from: number,
  count: number,
  rows: Int32Array,
  cs: Float64Array,
  sn: Float64Array,
): void {
  for (let c0 = from; c0 < len; c0 += ROTATION_STRIP) {
    const c1 = Math.min(len, c0 + ROTATION_STRIP);
    let t = 0;
    while (t < count) {
      const r = rows[t]!;
      const ca = cs[t]!;
      const sa = sn[t]!;
      const ri = r * len;
      // Chains of rotations on consecutive rows are applied in one pass, keeping the shared rows in
      // registers: four at a time, then two, then one.
      if (t + 3 < count && rows[t + 1] === r + 1 && rows[t + 2] === r + 2 && rows[t + 3] === r + 3) {
        const cb = cs[t + 1]!;
        const sb = sn[t + 1]!;
        const cc = cs[t + 2]!;
        const sc = sn[t + 2]!;
        const cd = cs[t + 3]!;
        const sd = sn[t + 3]!;
        for (let k = c0; k < c1; k++) {
          const p0 = ri + k;
          const x0 = x[p0]!;
          const x1 = x[p0 + len]!;
          const x2 = x[p0 + 2 * len]!;
          const x3 = x[p0 + 3 * len]!;
          const x4 = x[p0 + 4 * len]!;
          const y1 = -sa * x0 + ca * x1;
          x[p0] = ca * x0 + sa * x1;
          const y2 = -sb * y1 + cb * x2;
          x[p0 + len] = cb * y1 + sb * x2;
          const y3 = -sc * y2 + cc * x3;
          x[p0 + 2 * len] = cc * y2 + sc * x3;
          x[p0 + 3 * len] = cd * y3 + sd * x4;
          x[p0 + 4 * len] = -sd * y3 + cd * x4;
        }
        t += 4;
      } else if (t + 3 < count && rows[t + 1] === r - 1 && rows[t + 2] === r - 2 && rows[t + 3] === r - 3) {
        const cb = cs[t + 1]!;
        const sb = sn[t + 1]!;
        const cc = cs[t + 2]!;
        const sc = sn[t + 2]!;
        const cd = cs[t + 3]!;
        const sd = sn[t + 3]!;
        for (let k = c0; k < c1; k++) {
          const p0 = ri + k; // row r; rows r+1, r−1, r−2, r−3 around it
          const xr1 = x[p0 + len]!;
          const xr = x[p0]!;
          const xm1 = x[p0 - len]!;
          const xm2 = x[p0 - 2 * len]!;
          const xm3 = x[p0 - 3 * len]!;
          const yr = ca * xr + sa * xr1;
          x[p0 + len] = -sa * xr + ca * xr1;
          const ym1 = cb * xm1 + sb * yr;
          x[p0] = -sb * xm1 + cb * yr;
          const ym2 = cc * xm2 + sc * ym1;
          x[p0 - len] = -sc * xm2 + cc * ym1;
          x[p0 - 2 * len] = -sd * xm3 + cd * ym2;
          x[p0 - 3 * len] = cd * xm3 + sd * ym2;
        }
        t += 4;
      } else if (t + 1 < count && rows[t + 1] === r + 1) {
        const cb = cs[t + 1]!;
        const sb = sn[t + 1]!;
        const rj = ri + len;
        const rk = rj + len;
        for (let k = c0; k < c1; k++) {
          const xi = x[ri + k]!;
          const xj = x[rj + k]!;
          const xk = x[rk + k]!;
          const yj = -sa * xi + ca * xj;
          x[ri + k] = ca * xi + sa * xj;
          x[rj + k] = cb * yj + sb * xk;
          x[rk + k] = -sb * yj + cb * xk;
        }
        t += 2;
      } else if (t + 1 < count && rows[t + 1] === r - 1) {
        const cb = cs[t + 1]!;
        const sb = sn[t + 1]!;
        const rj = ri + len;
        const rh = ri - len;
        for (let k = c0; k < c1; k++) {
          const xi = x[ri + k]!;
          const xj = x[rj + k]!;
          const xh = x[rh + k]!;
          const yi = ca * xi + sa * xj;
          x[rj + k] = -sa * xi + ca * xj;
          x[rh + k] = cb * xh + sb * yi;
          x[ri + k] = -sb * xh + cb * yi;
        }
        t += 2;
      } else {
        const rj = ri + len;
        for (let k = c0; k < c1; k++) {
          const xi = x[ri + k]!;
          const xj = x[rj + k]!;
          x[ri + k] = ca * xi + sa * xj;
          x[rj + k] = -sa * xi + ca * xj;
        }
        t += 1;
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
