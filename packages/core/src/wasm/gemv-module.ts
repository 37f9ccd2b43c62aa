/**
 * The row-products kernel of the wasm backend, written with the emitter:
 * `gemvRows(rows, pairs, a, lda, x, y)` sets y[i] = Σ_{c < 2·pairs} A[i, c]·x[c] for the rows
 * i < rows of the row-major array at byte address a (rows of `lda` doubles), two columns per f64x2
 * lane pair, the two lanes added at the end. The sums run in another order than a sequential loop,
 * so the results agree with the TypeScript kernel to rounding, not bit for bit.
 * `gemvColumns(rows, pairs, a, lda, x, y)` adds Σ_{r < rows} x[r]·A[r, c] to y[c] for c < 2·pairs,
 * row after row (each y[c] summed in row order), two columns per lane pair.
 *
 * @module
 */
import { FunctionBuilder, ValType } from './emitter.js';

/** Builds the `gemvRows` function. */
export function gemvKernel(): FunctionBuilder {
  const i32 = ValType.i32;
  const f = new FunctionBuilder('gemvRows', [i32, i32, i32, i32, i32, i32]);
  const [rows, pairs, a, lda, x, y] = f.params;
  const [i, p, q, end, rowBytes] = f.locals(i32, 5);
  const [acc] = f.locals(ValType.v128, 1);
  f.get(lda).i32(3).i32Shl().set(rowBytes);
  f.i32(0).set(i);
  f.block((done) => {
    f.get(rows).i32Eqz().brIf(done);
    f.loop((rowLoop) => {
      f.v128Zero().set(acc);
      // p = a + i·lda·8, q = x, end = p + pairs·16
      f.get(a).get(i).get(rowBytes).i32Mul().i32Add().tee(p);
      f.get(pairs).i32(4).i32Shl().i32Add().set(end);
      f.get(x).set(q);
      f.block((noPairs) => {
        f.get(pairs).i32Eqz().brIf(noPairs);
        f.loop((pairLoop) => {
          f.get(acc).get(p).v128Load().get(q).v128Load().f64x2Mul().f64x2Add().set(acc);
          f.addTo(p, 16).addTo(q, 16);
          f.get(p).get(end).i32LtU().brIf(pairLoop);
        });
      });
      // y[i] = lane 0 + lane 1
      f.get(y).get(i).i32(3).i32Shl().i32Add();
      f.get(acc).f64x2ExtractLane(0).get(acc).f64x2ExtractLane(1).f64Add();
      f.f64Store();
      f.addTo(i, 1).get(i).get(rows).i32LtU().brIf(rowLoop);
    });
  });
  return f;
}

/** Builds the `gemvColumns` function. */
export function gemvColumnsKernel(): FunctionBuilder {
  const i32 = ValType.i32;
  const f = new FunctionBuilder('gemvColumns', [i32, i32, i32, i32, i32, i32]);
  const [rows, pairs, a, lda, x, y] = f.params;
  const [r, p, q, end, rowBytes] = f.locals(i32, 5);
  const [xs] = f.locals(ValType.v128, 1);
  f.get(lda).i32(3).i32Shl().set(rowBytes);
  f.i32(0).set(r);
  f.block((done) => {
    f.get(rows).i32Eqz().brIf(done);
    f.get(pairs).i32Eqz().brIf(done);
    f.loop((rowLoop) => {
      // xs = splat(x[r]); p = a + r·lda·8; q = y; end = p + pairs·16
      f.get(x).get(r).i32(3).i32Shl().i32Add().v128Load64Splat().set(xs);
      f.get(a).get(r).get(rowBytes).i32Mul().i32Add().tee(p);
      f.get(pairs).i32(4).i32Shl().i32Add().set(end);
      f.get(y).set(q);
      f.loop((pairLoop) => {
        f.get(q).get(q).v128Load().get(xs).get(p).v128Load().f64x2Mul().f64x2Add().v128Store();
        f.addTo(p, 16).addTo(q, 16);
        f.get(p).get(end).i32LtU().brIf(pairLoop);
      });
      f.addTo(r, 1).get(r).get(rows).i32LtU().brIf(rowLoop);
    });
  });
  return f;
}
