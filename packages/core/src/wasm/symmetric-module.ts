/**
 * The fused symmetric kernel of the wasm backend, written with the emitter:
 * `symmetricUpdateMultiply(n, r0, a, vo, wo, vn, p)` works on the upper triangle of the n×n
 * row-major array at byte address a (rows of n doubles) and length-n vectors vo, wo, vn, p. For
 * each row i = r0..n−1 in turn it
 *   1. applies the symmetric rank-two update A(i, j) ← A(i, j) − (vo_i·wo_j + wo_i·vo_j), j ≥ i, and
 *   2. adds the updated row's share of p = A(r0.., r0..)·vn: p_j += A(i, j)·vn_i for j > i, and
 *      p_i += A(i, i)·vn_i + Σ_{j>i} A(i, j)·vn_j,
 * so that one pass reads and writes the triangle once (a Householder tridiagonal reduction needs
 * exactly this per column: the previous reflector's update and the next reflector's product).
 *
 * Summation order (the TypeScript loop of `resident-upper.ts` follows it, so both backends give
 * bit-identical results): columns i+1, i+2, … in pairs, the row sum in two lanes (even and odd
 * offsets from i+1) added at the end; then p_i ← p_i + ((A(i,i)·vn_i + (lane₀ + lane₁)) + tail),
 * the tail being the last column's term when the row has an odd number of columns after i.
 *
 * @module
 */
import { FunctionBuilder, ValType } from './emitter.js';

/** Builds the `symmetricUpdateMultiply` function. */
export function symmetricUpdateMultiplyKernel(): FunctionBuilder {
  const i32 = ValType.i32;
  const f64 = ValType.f64;
  const f = new FunctionBuilder('symmetricUpdateMultiply', [i32, i32, i32, i32, i32, i32, i32]);
  const [n, r0, a, vo, wo, vn, p] = f.params;
  const [i, row, u, end, rest] = f.locals(i32, 5);
  const [vi, wi, xi, diag, tail, x] = f.locals(f64, 6);
  const [sv, sw, sx, acc, x2] = f.locals(ValType.v128, 5);
  // Scalar update of the element at `row` (column offset `u` in bytes): x = A − (vi·wo + wi·vo).
  const updateScalar = () => {
    f.get(row).f64Load();
    f.get(vi).get(wo).get(u).i32Add().f64Load().f64Mul();
    f.get(wi).get(vo).get(u).i32Add().f64Load().f64Mul();
    f.f64Add().f64Sub().set(x);
    f.get(row).get(x).f64Store();
  };
  f.get(r0).set(i);
  f.block((done) => {
    f.get(i).get(n).i32LtU().i32Eqz().brIf(done);
    f.loop((rows) => {
      // u = 8i; vi, wi, xi
      f.get(i).i32(3).i32Shl().set(u);
      f.get(vo).get(u).i32Add().f64Load().set(vi);
      f.get(wo).get(u).i32Add().f64Load().set(wi);
      f.get(vn).get(u).i32Add().f64Load().set(xi);
      // row = a + 8(i·n + i): the diagonal element
      f.get(a).get(i).get(n).i32Mul().get(i).i32Add().i32(3).i32Shl().i32Add().set(row);
      updateScalar();
      f.get(x).get(xi).f64Mul().set(diag);
      f.get(vi).f64x2Splat().set(sv);
      f.get(wi).f64x2Splat().set(sw);
      f.get(xi).f64x2Splat().set(sx);
      f.v128Zero().set(acc);
      // Columns after i: rest = n − i − 1; end = row + 8 + 16·⌊rest/2⌋.
      f.get(n).get(i).i32Sub().i32(1).i32Sub().set(rest);
      f.addTo(row, 8).addTo(u, 8);
      f.get(row).get(rest).i32(1).i32ShrU().i32(4).i32Shl().i32Add().set(end);
      f.block((noPairs) => {
        f.get(row).get(end).i32LtU().i32Eqz().brIf(noPairs);
        f.loop((pairs) => {
          // x2 = A − (sv·wo + sw·vo); store
          f.get(row).v128Load();
          f.get(sv).get(wo).get(u).i32Add().v128Load().f64x2Mul();
          f.get(sw).get(vo).get(u).i32Add().v128Load().f64x2Mul();
          f.f64x2Add().f64x2Sub().set(x2);
          f.get(row).get(x2).v128Store();
          // acc += x2·vn
          f.get(acc).get(x2).get(vn).get(u).i32Add().v128Load().f64x2Mul().f64x2Add().set(acc);
          // p += x2·xi
          f.get(p).get(u).i32Add();
          f.get(p).get(u).i32Add().v128Load().get(x2).get(sx).f64x2Mul().f64x2Add();
          f.v128Store();
          f.addTo(row, 16).addTo(u, 16);
          f.get(row).get(end).i32LtU().brIf(pairs);
        });
      });
      f.f64(0).set(tail);
      f.block((even) => {
        f.get(rest).i32(1).i32And().i32Eqz().brIf(even);
        updateScalar();
        f.get(x).get(vn).get(u).i32Add().f64Load().f64Mul().set(tail);
        f.get(p).get(u).i32Add();
        f.get(p).get(u).i32Add().f64Load().get(x).get(xi).f64Mul().f64Add();
        f.f64Store();
      });
      // p_i += (diag + (lane0 + lane1)) + tail
      f.get(p).get(i).i32(3).i32Shl().i32Add();
      f.get(p).get(i).i32(3).i32Shl().i32Add().f64Load();
      f.get(diag).get(acc).f64x2ExtractLane(0).get(acc).f64x2ExtractLane(1).f64Add().f64Add();
      f.get(tail).f64Add().f64Add();
      f.f64Store();
      f.addTo(i, 1).get(i).get(n).i32LtU().brIf(rows);
    });
  });
  return f;
}
