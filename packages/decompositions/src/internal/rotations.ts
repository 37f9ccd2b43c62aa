/**
 * Deferred application of a sequence of plane rotations to adjacent rows of a row-major array:
 * the rotations of one QR/QL sweep are collected, then applied together by core's `rotateRows`
 * (cache-blocked by column strips, on the current backend).
 *
 * @module
 */
import { Matrix, rotateRows } from '@numts/core';

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
    if (count > 0 && len > 0)
      rotateRows(Matrix.view(x.length / len, len, x, 0, len, 1), this.rows, this.cs, this.sn, count);
    this.count = 0;
  }
}
