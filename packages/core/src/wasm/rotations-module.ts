/**
 * The plane-rotation kernel of the wasm backend (LAPACK's dlasr for rotations of adjacent rows),
 * written with the emitter: `rotate(count, rows, cs, sn, x, len, width)` applies, in order, the
 * rotations t = 0..count−1 of rows (r, r+1), r = rows[t]:
 *   x_r ← c·x_r + s·x_{r+1},   x_{r+1} ← (−s)·x_r + c·x_{r+1},
 * to the first `width` columns (even) of the row-major array x with rows of `len` doubles, in
 * strips of 64 columns so that a strip stays in cache through the whole sequence. Two columns per
 * f64x2 lane pair; each element sees the same multiplies and adds, in the same order, as the
 * TypeScript loop, so the results are bit-identical.
 *
 * @module
 */
import { FunctionBuilder, ValType } from './emitter.js';

/** Columns per strip. */
export const ROTATION_STRIP = 64;

/** Builds the `rotate` function. */
export function rotationKernel(): FunctionBuilder {
  const i32 = ValType.i32;
  const f = new FunctionBuilder('rotate', [i32, i32, i32, i32, i32, i32, i32]);
  const [count, rows, cs, sn, x, len, width] = f.params;
  const [c0, stripBytes, t, p, q, end, rowBytes] = f.locals(i32, 7);
  const [c, s, ns, x0, x1] = f.locals(ValType.v128, 5);

  f.get(len).i32(3).i32Shl().set(rowBytes);
  f.i32(0).set(c0);
  f.block((done) => {
    f.get(c0).get(width).i32LtU().i32Eqz().brIf(done);
    f.loop((strips) => {
      // stripBytes = min(STRIP, width − c0)·8
      f.get(width).get(c0).i32Sub().set(stripBytes);
      f.block((fits) => {
        f.get(stripBytes).i32(ROTATION_STRIP).i32LtU().brIf(fits);
        f.i32(ROTATION_STRIP).set(stripBytes);
      });
      f.get(stripBytes).i32(3).i32Shl().set(stripBytes);
      f.i32(0).set(t);
      f.block((noRotations) => {
        f.get(count).i32Eqz().brIf(noRotations);
        f.loop((rotations) => {
          f.get(cs).get(t).i32(3).i32Shl().i32Add().f64Load().f64x2Splat().set(c);
          f.get(sn).get(t).i32(3).i32Shl().i32Add().f64Load().f64x2Splat().tee(s).f64x2Neg().set(ns);
          // p = x + rows[t]·len·8 + c0·8, q = p + len·8
          f.get(x).get(rows).get(t).i32(2).i32Shl().i32Add().i32Load().get(rowBytes).i32Mul().i32Add();
          f.get(c0).i32(3).i32Shl().i32Add().tee(p).get(rowBytes).i32Add().set(q);
          f.get(p).get(stripBytes).i32Add().set(end);
          f.loop((columns) => {
            f.get(p).v128Load().set(x0);
            f.get(q).v128Load().set(x1);
            f.get(p).get(c).get(x0).f64x2Mul().get(s).get(x1).f64x2Mul().f64x2Add().v128Store();
            f.get(q).get(ns).get(x0).f64x2Mul().get(c).get(x1).f64x2Mul().f64x2Add().v128Store();
            f.addTo(p, 16).addTo(q, 16);
            f.get(p).get(end).i32LtU().brIf(columns);
          });
          f.addTo(t, 1).get(t).get(count).i32LtU().brIf(rotations);
        });
      });
      f.addTo(c0, ROTATION_STRIP).get(c0).get(width).i32LtU().brIf(strips);
    });
  });
  return f;
}
