/**
 * The upper triangle of a symmetric block kept in one place while a Householder tridiagonal
 * reduction works through it column by column: each column needs the previous reflector's
 * symmetric rank-two update of the trailing block and the product of that block with the next
 * reflector, and {@link ResidentUpper.updateMultiply} does both in one pass over the triangle
 * (LAPACK's dsytd2 makes a dsyr2 pass and a dsymv pass).
 *
 * On the wasm backend the triangle lives in the kernel memory and the pass runs the SIMD kernel
 * `symmetricUpdateMultiply`; on the TypeScript backend a copy is worked on by a loop with the same
 * operations in the same order, so the two backends give bit-identical results. The kernel memory
 * is shared with gemm and the other kernels: the block is valid until any of them runs, so a
 * caller finishes its reduction before calling another kernel.
 *
 * @module
 */
import { getBackend } from './backend.js';
import { ShapeError } from './errors.js';
import { loadWasmKernels, type WasmKernels, wasmMemory } from './wasm/gemm-wasm.js';

/** An n×n symmetric block (upper triangle used) with the four vectors of the fused pass. */
export class ResidentUpper {
  /** The block, row-major with rows n apart; only entries (i, j ≥ i) are read or kept. */
  readonly a: Float64Array;
  /** First vector of the rank-two update (length n). */
  readonly vo: Float64Array;
  /** Second vector of the rank-two update (length n). */
  readonly wo: Float64Array;
  /** The vector the block multiplies (length n). */
  readonly vn: Float64Array;
  /** The product (length n). */
  readonly p: Float64Array;
  readonly n: number;
  readonly #wasm: WasmKernels | null;

  /**
   * Copies the upper triangle of the n×n block of `src` at `offset` (rows `ld` apart).
   * @throws ShapeError when the block does not fit in `src`
   */
  constructor(src: Float64Array, offset: number, n: number, ld: number) {
    if (n < 0 || ld < n || offset < 0 || (n > 0 && offset + (n - 1) * ld + n > src.length))
      throw new ShapeError(
        `ResidentUpper: a ${n}×${n} block at ${offset} with rows ${ld} apart does not fit in ${src.length} values`,
      );
    this.n = n;
    this.#wasm = getBackend() === 'wasm' && n > 0 ? loadWasmKernels() : null;
    const len = n * n + 4 * n;
    const all = this.#wasm
      ? new Float64Array(wasmMemory(this.#wasm, 8 * len), 0, len)
      : new Float64Array(len);
    this.a = all.subarray(0, n * n);
    this.vo = all.subarray(n * n, n * n + n);
    this.wo = all.subarray(n * n + n, n * n + 2 * n);
    this.vn = all.subarray(n * n + 2 * n, n * n + 3 * n);
    this.p = all.subarray(n * n + 3 * n, len);
    all.fill(0, n * n);
    for (let i = 0; i < n; i++) this.a.set(src.subarray(offset + i * ld + i, offset + i * ld + n), i * n + i);
  }

  /**
   * For rows i = r0..n−1 in turn: A(i, j) ← A(i, j) − (vo_i·wo_j + wo_i·vo_j) for j ≥ i, then the
   * updated row's share of p = A(r0.., r0..)·vn is added to p (p_j for j ≥ r0 must start at zero,
   * or hold what is to be added to). Entries of p below r0 are not touched.
   * @throws ShapeError when r0 is outside [0, n]
   */
  updateMultiply(r0: number): void {
    const n = this.n;
    if (!Number.isInteger(r0) || r0 < 0 || r0 > n)
      throw new ShapeError(`ResidentUpper.updateMultiply: r0 must be an integer in [0, ${n}] (got ${r0})`);
    const w = this.#wasm;
    if (w) {
      const base = this.a.byteOffset;
      w.symmetricUpdateMultiply(
        n,
        r0,
        base,
        base + 8 * n * n,
        base + 8 * (n * n + n),
        base + 8 * (n * n + 2 * n),
        base + 8 * (n * n + 3 * n),
      );
      return;
    }
    const { a, vo, wo, vn, p } = this;
    for (let i = r0; i < n; i++) {
      const vi = vo[i]!;
      const wi = wo[i]!;
      const xi = vn[i]!;
      let at = i * n + i;
      const aii = a[at]! - (vi * wo[i]! + wi * vo[i]!);
      a[at] = aii;
      const diag = aii * xi;
      let l0 = 0;
      let l1 = 0;
      let j = i + 1;
      at++;
      for (; j + 1 < n; j += 2, at += 2) {
        const x0 = a[at]! - (vi * wo[j]! + wi * vo[j]!);
        const x1 = a[at + 1]! - (vi * wo[j + 1]! + wi * vo[j + 1]!);
        a[at] = x0;
        a[at + 1] = x1;
        l0 = l0 + x0 * vn[j]!;
        l1 = l1 + x1 * vn[j + 1]!;
        p[j] = p[j]! + x0 * xi;
        p[j + 1] = p[j + 1]! + x1 * xi;
      }
      let tail = 0;
      if (j < n) {
        const x0 = a[at]! - (vi * wo[j]! + wi * vo[j]!);
        a[at] = x0;
        tail = x0 * vn[j]!;
        p[j] = p[j]! + x0 * xi;
      }
      p[i] = p[i]! + (diag + (l0 + l1) + tail);
    }
  }

  /** Writes the upper triangle back into the n×n block of `dst` at `offset` (rows `ld` apart). */
  copyUpperTo(dst: Float64Array, offset: number, ld: number): void {
    const n = this.n;
    for (let i = 0; i < n; i++) dst.set(this.a.subarray(i * n + i, i * n + n), offset + i * ld + i);
  }
}
