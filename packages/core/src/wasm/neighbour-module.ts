/**
 * The two kernels of the wasm backend for a sparse matrix S with k entries per row (row i holds
 * weight w[i·k + t] in column nb[i·k + t]) against row-major blocks of `2·pairs` doubles per row,
 * written with the emitter:
 *
 * - `gatherSubtract(rows, k, pairs, nb, w, src, out)`: for i < rows, t < k in order, with
 *   j = nb[i·k + t]: out(i, :) ← out(i, :) − w[i·k + t]·src(j, :)  (out −= S·src);
 * - `scatterSubtract(rows, k, pairs, nb, w, src, out)`: for i < rows, t < k in order:
 *   out(j, :) ← out(j, :) − w[i·k + t]·src(i, :)  (out −= Sᵀ·src);
 * - `gatherAdd(rows, k, pairs, nb, w, src, out)`: as gatherSubtract with + (out += S·src).
 *
 * Entries of weight zero are skipped. Every element sees the multiplies and subtractions of the
 * plain loop in the same order (columns are independent, two per f64x2 lane pair), so the
 * TypeScript twin in `resident-neighbour-graph.ts` gives bit-identical results. Addresses are in
 * bytes; the caller checks that every nb entry is a row of src and out.
 *
 * @module
 */
import { FunctionBuilder, ValType } from './emitter.js';

function neighbourKernel(name: string, gather: boolean, add = false): FunctionBuilder {
  const i32 = ValType.i32;
  const f = new FunctionBuilder(name, [i32, i32, i32, i32, i32, i32, i32]);
  const [rows, k, pairs, nb, w, src, out] = f.params;
  const [i, t, e, wp, rowBytes, from, to, end] = f.locals(i32, 8);
  const [weight] = f.locals(ValType.f64, 1);
  const [ws] = f.locals(ValType.v128, 1);
  f.get(pairs).i32(4).i32Shl().set(rowBytes);
  f.get(nb).set(e);
  f.get(w).set(wp);
  f.i32(0).set(i);
  f.block((done) => {
    f.get(rows).i32Eqz().brIf(done);
    f.get(k).i32Eqz().brIf(done);
    f.get(pairs).i32Eqz().brIf(done);
    f.loop((rowLoop) => {
      f.i32(0).set(t);
      f.loop((entryLoop) => {
        f.block((skip) => {
          f.get(wp).f64Load().tee(weight).f64(0).f64Eq().brIf(skip);
          f.get(weight).f64x2Splat().set(ws);
          // The row read (from) and the row written (to): (j, i) for the gather, (i, j) for the scatter.
          const neighbourRow = (base: typeof src) =>
            f.get(base).get(e).i32Load().get(rowBytes).i32Mul().i32Add();
          const ownRow = (base: typeof src) => f.get(base).get(i).get(rowBytes).i32Mul().i32Add();
          (gather ? neighbourRow(src) : ownRow(src)).set(from);
          (gather ? ownRow(out) : neighbourRow(out)).tee(to);
          f.get(rowBytes).i32Add().set(end);
          f.loop((pairLoop) => {
            f.get(to).get(to).v128Load().get(ws).get(from).v128Load().f64x2Mul();
            (add ? f.f64x2Add() : f.f64x2Sub()).v128Store();
            f.addTo(from, 16).addTo(to, 16);
            f.get(to).get(end).i32LtU().brIf(pairLoop);
          });
        });
        f.addTo(e, 4).addTo(wp, 8);
        f.addTo(t, 1).get(t).get(k).i32LtU().brIf(entryLoop);
      });
      f.addTo(i, 1).get(i).get(rows).i32LtU().brIf(rowLoop);
    });
  });
  return f;
}

/** Builds `gatherSubtract`: out −= S·src, rows of S in order, each row's entries in order. */
export function gatherSubtractKernel(): FunctionBuilder {
  return neighbourKernel('gatherSubtract', true);
}

/** Builds `scatterSubtract`: out −= Sᵀ·src, rows of S in order, each row's entries in order. */
export function scatterSubtractKernel(): FunctionBuilder {
  return neighbourKernel('scatterSubtract', false);
}

/** Builds `gatherAdd`: out += S·src, rows of S in order, each row's entries in order. */
export function gatherAddKernel(): FunctionBuilder {
  return neighbourKernel('gatherAdd', true, true);
}
