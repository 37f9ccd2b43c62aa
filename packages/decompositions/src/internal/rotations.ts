/**
 * Deferred application of a sequence of plane rotations to adjacent rows of a row-major array,
 * cache-blocked by columns: all rotations of one QR/QL sweep are applied to a strip of columns
 * before moving to the next strip, so the strip stays in cache instead of streaming the whole
 * matrix through memory once per rotation.
 *
 * @module
 */
import { getBackend, Matrix, rotateRows } from '@numts/core';

/** Columns per strip: 64 doubles = 512 bytes of each row. */
const STRIP = 64;

/** A growable list of rotations of rows (r, r+1): x_r ← c·x_r + s·x_{r+1}, x_{r+1} ← −s·x_r + c·x_{r+1}. */
export class RotationSequence {
  rows = new Int32Array(64);
  cs = new Float64Array(64);
  sn = new Float64Array(64);
  count = 0;

  push(row: number, c: number, s: number): void {
    if (this.count === this.rows.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.rows = grow(this.rows);
      this.cs = grow(this.cs);
      this.sn = grow(this.sn);
    }
    this.rows[this.count] = row;
    this.cs[this.count] = c;
    this.sn[this.count] = s;
    this.count++;
  }

  /** Applies the rotations in order to the row-major array x (rows of length len), then empties the list. */
  applyTo(x: Float64Array, len: number): void {
    const count = this.count;
    if (getBackend() === 'wasm' && count > 0 && len > 1) {
      // The core kernel (wasm SIMD) gives the same bits as the loop below.
      rotateRows(Matrix.view(x.length / len, len, x, 0, len, 1), this.rows, this.cs, this.sn, count);
      this.count = 0;
      return;
    }
    const rows = this.rows;
    const cs = this.cs;
    const sn = this.sn;
    for (let c0 = 0; c0 < len; c0 += STRIP) {
      const c1 = Math.min(len, c0 + STRIP);
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
    this.count = 0;
  }
}
