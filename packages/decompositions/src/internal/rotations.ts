/**
 * Deferred application of a sequence of plane rotations to adjacent rows of a row-major array,
 * cache-blocked by columns: all rotations of one QR/QL sweep are applied to a strip of columns
 * before moving to the next strip, so the strip stays in cache instead of streaming the whole
 * matrix through memory once per rotation.
 *
 * @module
 */

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
    const rows = this.rows;
    const cs = this.cs;
    const sn = this.sn;
    for (let c0 = 0; c0 < len; c0 += STRIP) {
      const c1 = Math.min(len, c0 + STRIP);
      for (let t = 0; t < count; t++) {
        const c = cs[t]!;
        const s = sn[t]!;
        const ri = rows[t]! * len;
        const rj = ri + len;
        for (let k = c0; k < c1; k++) {
          const xi = x[ri + k]!;
          const xj = x[rj + k]!;
          x[ri + k] = c * xi + s * xj;
          x[rj + k] = -s * xi + c * xj;
        }
      }
    }
    this.count = 0;
  }
}
