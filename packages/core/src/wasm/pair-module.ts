/**
 * The two kernels of the wasm backend that apply Householder reflectors two at a time to a
 * row-major block C (rows of `ld` doubles, `pairs` column pairs used), written with the emitter:
 *
 * - `accumulatePair(r0, rows, pairs, c, ld, va, vb, wa, wb)`: for r = r0..rows−1 in order,
 *   wa[j] += va[r]·C(r, j) and wb[j] += vb[r]·C(r, j) (one read of each row for both sums);
 * - `subtractPair(r0, rows, pairs, c, ld, va, vb, ua, ub)`: C(r, j) ← C(r, j) − (va[r]·ua[j] + vb[r]·ub[j]).
 *
 * Each element sees the multiplies and adds of a plain loop in the same order (columns are
 * independent, two per f64x2 lane pair), so the TypeScript twin in `resident-columns.ts` gives
 * bit-identical results.
 *
 * @module
 */
import { FunctionBuilder, type Local, ValType } from './emitter.js';

const PARAMS = Array.from({ length: 9 }, () => ValType.i32);

/** Column pairs (f64x2 lanes) per block: the block's sums stay in registers through all rows. */
export const PAIR_BLOCK = 4;

/**
 * Shared loop nest: for each block of {@link PAIR_BLOCK} column pairs (the caller pads C's rows to
 * a multiple of 2·PAIR_BLOCK columns), `enter` loads the block's column vectors into registers,
 * `row` runs for each row r in [r0, rows) with splats of va[r] and vb[r] and the row's address in
 * the block, and `leave` writes the registers back.
 */
function blockLoop(
  name: string,
  enter: (f: FunctionBuilder, col: Local, x: Local, y: Local) => void,
  row: (f: FunctionBuilder, at: Local, xa: Local, xb: Local) => void,
  leave: (f: FunctionBuilder, col: Local, x: Local, y: Local) => void,
): FunctionBuilder {
  const f = new FunctionBuilder(name, PARAMS);
  const [r0, rows, pairs, c, ld, va, vb, x, y] = f.params;
  const [r, at, col, end, rowBytes] = f.locals(ValType.i32, 5);
  const [xa, xb] = f.locals(ValType.v128, 2);
  f.get(ld).i32(3).i32Shl().set(rowBytes);
  f.get(pairs).i32(4).i32Shl().set(end);
  f.i32(0).set(col);
  f.block((done) => {
    f.get(r0).get(rows).i32LtU().i32Eqz().brIf(done);
    f.get(pairs).i32Eqz().brIf(done);
    f.loop((blocks) => {
      enter(f, col, x, y);
      // at = c + r0·rowBytes + col
      f.get(c).get(r0).get(rowBytes).i32Mul().i32Add().get(col).i32Add().set(at);
      f.get(r0).set(r);
      f.loop((rowLoop) => {
        f.get(va).get(r).i32(3).i32Shl().i32Add().v128Load64Splat().set(xa);
        f.get(vb).get(r).i32(3).i32Shl().i32Add().v128Load64Splat().set(xb);
        row(f, at, xa, xb);
        f.get(at).get(rowBytes).i32Add().set(at);
        f.addTo(r, 1).get(r).get(rows).i32LtU().brIf(rowLoop);
      });
      leave(f, col, x, y);
      f.addTo(col, 16 * PAIR_BLOCK)
        .get(col)
        .get(end)
        .i32LtU()
        .brIf(blocks);
    });
  });
  return f;
}

/** Builds `accumulatePair`: x[j] += Σ_r va[r]·C(r, j), y[j] += Σ_r vb[r]·C(r, j), rows in order. */
export function accumulatePairKernel(): FunctionBuilder {
  let sums: Local[] = [];
  let cv: Local | undefined;
  return blockLoop(
    'accumulatePair',
    (f, col, x, y) => {
      sums = Array.from(f.locals(ValType.v128, 2 * PAIR_BLOCK));
      cv ??= f.local(ValType.v128);
      for (let b = 0; b < PAIR_BLOCK; b++) {
        f.get(x)
          .get(col)
          .i32Add()
          .v128Load(16 * b)
          .set(sums[b]!);
        f.get(y)
          .get(col)
          .i32Add()
          .v128Load(16 * b)
          .set(sums[PAIR_BLOCK + b]!);
      }
    },
    (f, at, xa, xb) => {
      for (let b = 0; b < PAIR_BLOCK; b++) {
        f.get(at)
          .v128Load(16 * b)
          .set(cv!);
        f.get(sums[b]!).get(xa).get(cv!).f64x2Mul().f64x2Add().set(sums[b]!);
        f.get(sums[PAIR_BLOCK + b]!)
          .get(xb)
          .get(cv!)
          .f64x2Mul()
          .f64x2Add()
          .set(sums[PAIR_BLOCK + b]!);
      }
    },
    (f, col, x, y) => {
      for (let b = 0; b < PAIR_BLOCK; b++) {
        f.get(x)
          .get(col)
          .i32Add()
          .get(sums[b]!)
          .v128Store(16 * b);
        f.get(y)
          .get(col)
          .i32Add()
          .get(sums[PAIR_BLOCK + b]!)
          .v128Store(16 * b);
      }
    },
  );
}

/** Builds `subtractPair`: C(r, j) ← C(r, j) − (va[r]·x[j] + vb[r]·y[j]). */
export function subtractPairKernel(): FunctionBuilder {
  let u: Local[] = [];
  return blockLoop(
    'subtractPair',
    (f, col, x, y) => {
      u = Array.from(f.locals(ValType.v128, 2 * PAIR_BLOCK));
      for (let b = 0; b < PAIR_BLOCK; b++) {
        f.get(x)
          .get(col)
          .i32Add()
          .v128Load(16 * b)
          .set(u[b]!);
        f.get(y)
          .get(col)
          .i32Add()
          .v128Load(16 * b)
          .set(u[PAIR_BLOCK + b]!);
      }
    },
    (f, at, xa, xb) => {
      for (let b = 0; b < PAIR_BLOCK; b++) {
        f.get(at);
        f.get(at).v128Load(16 * b);
        f.get(xa)
          .get(u[b]!)
          .f64x2Mul()
          .get(xb)
          .get(u[PAIR_BLOCK + b]!)
          .f64x2Mul()
          .f64x2Add();
        f.f64x2Sub().v128Store(16 * b);
      }
    },
    () => {},
  );
}
