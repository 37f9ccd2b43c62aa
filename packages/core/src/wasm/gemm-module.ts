/**
 * The gemm micro-kernels of the wasm backend, written with the emitter: one exported function per
 * element type that multiplies a packed block of A by a packed block of B into a block of C in
 * wasm memory, a register tile of `mr` rows × two v128 vectors per row at a time.
 *
 * Per tile and step p: two vectors of the packed B row, then for each of the mr rows one splat of
 * the packed A value, a multiply and an add per vector (no fused multiply-add: SIMD128 has none,
 * and a separate rounding keeps the result bit-identical to the JavaScript kernel, which sums each
 * element of a k-block in a local from zero in the same order and adds it to C once).
 *
 * @module
 */
import { encodeModule, FunctionBuilder, ValType } from './emitter.js';
import { gemvColumnsKernel, gemvKernel } from './gemv-module.js';
import { gatherAddKernel, gatherSubtractKernel, scatterSubtractKernel } from './neighbour-module.js';
import { accumulatePairKernel, subtractPairKernel } from './pair-module.js';
import { rotationKernel } from './rotations-module.js';
import { symmetricUpdateMultiplyKernel } from './symmetric-module.js';

/** Layout of one micro-kernel: element size and the tile it keeps in registers. */
export interface TileShape {
  /** Bytes per element: 8 (f64x2) or 4 (f32x4). */
  elementBytes: 8 | 4;
  /** Rows of the register tile. */
  mr: number;
}

/** Columns of a tile: two v128 vectors. */
export function tileColumns(shape: TileShape): number {
  return 2 * (16 / shape.elementBytes);
}

/**
 * `block(mc, nc, kc, pa, pb, pc, ldc)`: C[0..mc, 0..nc] += A·B for packed A (mc/mr panels of
 * kc×mr, k-major) at byte address pa, packed B (nc/nr panels of kc×nr) at pb and C at pc with ldc
 * bytes between rows. mc and nc must be multiples of the tile, kc ≥ 1; nothing is checked.
 * With `rowsA` the function takes an eighth parameter lda and reads A unpacked: mc rows of kc
 * values at pa, lda bytes apart (the caller copies the rows of A as they are when α = 1, a plain
 * memory copy instead of the packing loop). With `rowsB` the function takes one more parameter ldb
 * (after lda, if any) and reads B unpacked: kc rows of nc values at pb, ldb bytes apart (the caller
 * copies the rows of B as they are when its rows are contiguous). The products and sums are the
 * same, so the result is the same bits.
 */
export function blockKernel(name: string, shape: TileShape, rowsA = false, rowsB = false): FunctionBuilder {
  const { elementBytes: eb, mr } = shape;
  const nr = tileColumns(shape);
  const i32 = ValType.i32;
  const f = new FunctionBuilder(name, Array(7 + Number(rowsA) + Number(rowsB)).fill(i32));
  const [mc, nc, kc, pa, pb, pc, ldc] = f.params;
  const lda = rowsA ? f.params[7] : undefined;
  const ldb = rowsB ? f.params[rowsA ? 8 : 7] : undefined;
  const [jr, ir, p, aPtr, bPtr, row] = f.locals(i32, 6);
  // Rows of A at lda bytes apart (rowsA): the tile's rows start at aPtr + i·lda.
  const rowOffsets = rowsA ? f.locals(i32, mr) : [];
  const acc = f.locals(ValType.v128, 2 * mr);
  const [av, b0, b1] = f.locals(ValType.v128, 3);
  const add = () => (eb === 8 ? f.f64x2Add() : f.f32x4Add());
  const mul = () => (eb === 8 ? f.f64x2Mul() : f.f32x4Mul());
  const splat = (offset: number) => (eb === 8 ? f.v128Load64Splat(offset) : f.v128Load32Splat(offset));

  for (let i = 1; i < rowOffsets.length; i++) f.get(lda!).i32(i).i32Mul().set(rowOffsets[i]!);
  f.i32(0).set(jr);
  f.loop((columns) => {
    f.i32(0).set(ir);
    f.loop((rows) => {
      // aPtr = pa + ir·kc·eb (packed) or pa + ir·lda (rows), bPtr = pb + jr·kc·eb
      if (rowsA) f.get(pa).get(ir).get(lda!).i32Mul().i32Add().set(aPtr);
      else f.get(pa).get(ir).get(kc).i32Mul().i32(eb).i32Mul().i32Add().set(aPtr);
      // bPtr = pb + jr·eb (rows of B) or pb + jr·kc·eb (packed panels)
      if (rowsB) f.get(pb).get(jr).i32(eb).i32Mul().i32Add().set(bPtr);
      else f.get(pb).get(jr).get(kc).i32Mul().i32(eb).i32Mul().i32Add().set(bPtr);
      for (const a of acc) f.v128Zero().set(a);
      f.get(kc).set(p);
      f.loop((steps) => {
        f.get(bPtr).v128Load(0).set(b0);
        f.get(bPtr).v128Load(16).set(b1);
        for (let i = 0; i < mr; i++) {
          if (rowsA && i > 0)
            f.get(aPtr)
              .get(rowOffsets[i]!)
              .i32Add()
              .call(() => splat(0))
              .set(av);
          else
            f.get(aPtr)
              .call(() => splat(rowsA ? 0 : i * eb))
              .set(av);
          f.get(acc[2 * i]!)
            .get(av)
            .get(b0)
            .call(mul)
            .call(add)
            .set(acc[2 * i]!);
          f.get(acc[2 * i + 1]!)
            .get(av)
            .get(b1)
            .call(mul)
            .call(add)
            .set(acc[2 * i + 1]!);
        }
        f.addTo(aPtr, rowsA ? eb : mr * eb);
        if (rowsB) f.get(bPtr).get(ldb!).i32Add().set(bPtr);
        else f.addTo(bPtr, nr * eb);
        f.get(p).i32(1).i32Sub().tee(p).brIf(steps);
      });
      // row = pc + ir·ldc + jr·eb; C rows += the tile
      f.get(pc).get(ir).get(ldc).i32Mul().i32Add().get(jr).i32(eb).i32Mul().i32Add().set(row);
      for (let i = 0; i < mr; i++) {
        for (const [v, offset] of [
          [0, 0],
          [1, 16],
        ] as const) {
          f.get(row)
            .get(row)
            .v128Load(offset)
            .get(acc[2 * i + v]!)
            .call(add)
            .v128Store(offset);
        }
        if (i < mr - 1) f.addTo(row, ldc);
      }
      f.addTo(ir, mr).get(ir).get(mc).i32LtU().brIf(rows);
    });
    f.addTo(jr, nr).get(jr).get(nc).i32LtU().brIf(columns);
  });
  return f;
}

/** The f64 tile of the backend: 4 rows × 4 columns (8 accumulators, fits x64's 16 vector registers). */
export const F64_TILE: TileShape = { elementBytes: 8, mr: 4 };
/** The f32 tile: 4 rows × 8 columns. */
export const F32_TILE: TileShape = { elementBytes: 4, mr: 4 };

/**
 * The bytes of the backend's module: the `gemmF64` and `gemmF32` block kernels, their
 * unpacked-A twins `gemmRowsF64` / `gemmRowsF32`, unpacked-B twins `gemmRowsBF64` / `gemmRowsBF32`
 * and twins with both unpacked `gemmRowsABF64` / `gemmRowsABF32`, the `rotate`
 * plane-rotation kernel, the `gemvRows` / `gemvColumns` row products, the fused
 * `symmetricUpdateMultiply` of a tridiagonal reduction, the reflector-pair kernels
 * `accumulatePair` / `subtractPair`, the sparse neighbour-graph kernels `gatherSubtract` /
 * `scatterSubtract` / `gatherAdd`, and one memory.
 */
export function kernelModuleBytes(f64: TileShape = F64_TILE, f32: TileShape = F32_TILE): Uint8Array {
  return encodeModule(
    [
      blockKernel('gemmF64', f64),
      blockKernel('gemmF32', f32),
      blockKernel('gemmRowsF64', f64, true),
      blockKernel('gemmRowsF32', f32, true),
      blockKernel('gemmRowsBF64', f64, false, true),
      blockKernel('gemmRowsBF32', f32, false, true),
      blockKernel('gemmRowsABF64', f64, true, true),
      blockKernel('gemmRowsABF32', f32, true, true),
      rotationKernel(),
      gemvKernel(),
      gemvColumnsKernel(),
      symmetricUpdateMultiplyKernel(),
      accumulatePairKernel(),
      subtractPairKernel(),
      gatherSubtractKernel(),
      scatterSubtractKernel(),
      gatherAddKernel(),
    ],
    1,
  );
}
