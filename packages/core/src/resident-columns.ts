/**
 * A row-major block C kept in one place while Householder reflectors are applied to it two at a
 * time (a block reflector of width two, LAPACK's dlarfb with k = 2, done in two passes over C):
 * {@link ResidentColumns.accumulate} forms x = C(r0.., :)ᵀ·va and y = C(r0.., :)ᵀ·vb in one read of
 * the rows, and {@link ResidentColumns.subtract} applies C(r0.., :) −= va·xᵀ + vb·yᵀ in one
 * read-and-write. For C with few columns this beats the blocked gemm route, whose packing and
 * copies of C cost as much as its products at such sizes.
 *
 * On the wasm backend the block and the vectors live in the kernel memory and the passes run the
 * SIMD kernels `accumulatePair` / `subtractPair`; on the TypeScript backend a plain copy takes the
 * same operations in the same order, so both give bit-identical results. The kernel memory is
 * shared with gemm and the other kernels: the block is valid until any of them runs.
 *
 * @module
 */
import { getBackend } from './backend.js';
import { ShapeError } from './errors.js';
import { loadWasmKernels, type WasmKernels, wasmMemory } from './wasm/gemm-wasm.js';
import { PAIR_BLOCK } from './wasm/pair-module.js';

/** A rows × cols block with the row vectors va, vb and the column vectors x, y of the pair passes. */
export class ResidentColumns {
  readonly rows: number;
  readonly cols: number;
  /** Distance between rows of {@link c}: cols rounded up to a multiple of 8, the kernels' block (padding columns stay zero). */
  readonly ld: number;
  /** The block, row-major. */
  readonly c: Float64Array;
  /** Row vectors (length rows). */
  readonly va: Float64Array;
  readonly vb: Float64Array;
  /** Column vectors (length ld). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly #wasm: WasmKernels | null;

  /** A zero block. @throws ShapeError for negative or non-integer sizes */
  constructor(rows: number, cols: number) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0)
      throw new ShapeError(`ResidentColumns: rows and cols must be integers ≥ 0 (got ${rows}×${cols})`);
    this.rows = rows;
    this.cols = cols;
    const ld = Math.ceil(cols / (2 * PAIR_BLOCK)) * 2 * PAIR_BLOCK;
    this.ld = ld;
    this.#wasm = getBackend() === 'wasm' && rows * cols > 0 ? loadWasmKernels() : null;
    const len = rows * ld + 2 * rows + 2 * ld;
    const all = this.#wasm
      ? new Float64Array(wasmMemory(this.#wasm, 8 * len), 0, len)
      : new Float64Array(len);
    if (this.#wasm) all.fill(0);
    this.c = all.subarray(0, rows * ld);
    this.va = all.subarray(rows * ld, rows * ld + rows);
    this.vb = all.subarray(rows * ld + rows, rows * ld + 2 * rows);
    this.x = all.subarray(rows * ld + 2 * rows, rows * ld + 2 * rows + ld);
    this.y = all.subarray(rows * ld + 2 * rows + ld, len);
  }

  /** Copies a rows × cols block of `src` (at `offset`, rows `ld` apart) into C. */
  load(src: Float64Array, offset: number, ld: number): void {
    for (let i = 0; i < this.rows; i++)
      this.c.set(src.subarray(offset + i * ld, offset + i * ld + this.cols), i * this.ld);
  }

  /** Copies C into a rows × cols block of `dst` (at `offset`, rows `ld` apart). */
  store(dst: Float64Array, offset: number, ld: number): void {
    for (let i = 0; i < this.rows; i++)
      dst.set(this.c.subarray(i * this.ld, i * this.ld + this.cols), offset + i * ld);
  }

  /**
   * x[j] += Σ_{r ≥ r0} va[r]·C(r, j) and y[j] += Σ_{r ≥ r0} vb[r]·C(r, j), summed in row order.
   * @throws ShapeError when r0 is outside [0, rows]
   */
  accumulate(r0: number): void {
    this.#check('accumulate', r0);
    const w = this.#wasm;
    if (w) {
      w.accumulatePair(r0, this.rows, this.ld >> 1, ...this.#addresses());
      return;
    }
    const { c, va, vb, x, y, ld } = this;
    for (let r = r0; r < this.rows; r++) {
      const a = va[r]!;
      const b = vb[r]!;
      const row = r * ld;
      for (let j = 0; j < ld; j++) {
        const v = c[row + j]!;
        x[j] = x[j]! + a * v;
        y[j] = y[j]! + b * v;
      }
    }
  }

  /**
   * C(r, j) ← C(r, j) − (va[r]·x[j] + vb[r]·y[j]) for r ≥ r0.
   * @throws ShapeError when r0 is outside [0, rows]
   */
  subtract(r0: number): void {
    this.#check('subtract', r0);
    const w = this.#wasm;
    if (w) {
      w.subtractPair(r0, this.rows, this.ld >> 1, ...this.#addresses());
      return;
    }
    const { c, va, vb, x, y, ld } = this;
    for (let r = r0; r < this.rows; r++) {
      const a = va[r]!;
      const b = vb[r]!;
      const row = r * ld;
      for (let j = 0; j < ld; j++) c[row + j] = c[row + j]! - (a * x[j]! + b * y[j]!);
    }
  }

  #addresses(): [number, number, number, number, number, number] {
    return [
      this.c.byteOffset,
      this.ld,
      this.va.byteOffset,
      this.vb.byteOffset,
      this.x.byteOffset,
      this.y.byteOffset,
    ];
  }

  #check(method: string, r0: number): void {
    if (!Number.isInteger(r0) || r0 < 0 || r0 > this.rows)
      throw new ShapeError(
        `ResidentColumns.${method}: r0 must be an integer in [0, ${this.rows}] (got ${r0})`,
      );
  }
}
