/**
 * Repeated matrix–vector products with sub-blocks of one fixed block of a row-major array — the
 * level-2 work of the blocked Householder reductions, whose panels multiply the matrix as it was
 * at the panel's start by one vector per column.
 *
 * On the wasm backend the block is copied into the kernel memory once and every product runs the
 * SIMD kernel (`gemvRows`: its sums pair the columns, so results agree with the TypeScript loop to
 * rounding, not bit for bit); on the TypeScript backend the products read the array in place with
 * the same per-row sequential sums as before. The copy lives in the kernel memory that gemm and
 * the other kernels also use: it is valid until the next call of any of them, so a caller makes
 * all its products first (as a panel does) and builds a new ResidentRows after.
 *
 * @module
 */
import { getBackend } from './backend.js';
import { ShapeError } from './errors.js';
import { loadWasmKernels, type WasmKernels, wasmMemory } from './wasm/gemm-wasm.js';

/** A fixed rows × cols block for repeated products y = B(r0.., c0..)·x. */
export class ResidentRows {
  readonly #rows: number;
  readonly #cols: number;
  readonly #src: Float64Array;
  readonly #offset: number;
  readonly #ld: number;
  readonly #wasm: WasmKernels | null;
  #view: Float64Array | null = null;

  /**
   * @param src row-major array holding the block at `offset` with rows `ld` apart
   * @param options `inPlace: true` never copies the block (the TypeScript loop on either backend:
   *   for a single product, where the copy would cost as much as the product)
   * @throws ShapeError when the block does not fit in `src`
   */
  constructor(
    src: Float64Array,
    offset: number,
    rows: number,
    cols: number,
    ld: number,
    options: { inPlace?: boolean } = {},
  ) {
    if (
      rows < 0 ||
      cols < 0 ||
      ld < cols ||
      offset < 0 ||
      (rows > 0 && offset + (rows - 1) * ld + cols > src.length)
    )
      throw new ShapeError(
        `ResidentRows: a ${rows}×${cols} block at ${offset} with rows ${ld} apart does not fit in ${src.length} values`,
      );
    this.#rows = rows;
    this.#cols = cols;
    this.#src = src;
    this.#offset = offset;
    this.#ld = ld;
    this.#wasm = getBackend() === 'wasm' && rows * cols > 0 && !options.inPlace ? loadWasmKernels() : null;
    if (this.#wasm) {
      // Layout: the block (rows × cols), then x and y (each long enough for either product).
      const len = rows * cols + 2 * Math.max(rows, cols);
      const view = new Float64Array(wasmMemory(this.#wasm, 8 * len), 0, len);
      for (let i = 0; i < rows; i++)
        view.set(src.subarray(offset + i * ld, offset + i * ld + cols), i * cols);
      this.#view = view;
    }
  }

  /**
   * y[0..m) = B(r0..r0+m, c0..c0+k)·x[xOff..xOff+k).
   * @throws ShapeError when the sub-block leaves the block
   */
  multiply(
    r0: number,
    c0: number,
    m: number,
    k: number,
    x: Float64Array,
    xOff: number,
    y: Float64Array,
  ): void {
    this.#check('multiply', r0, c0, m, k);
    const w = this.#wasm;
    const view = this.#view;
    if (w && view && m > 0 && k > 1) {
      const { cols, xAt, yAt } = this.#slots();
      view.set(x.subarray(xOff, xOff + k), xAt);
      const pairs = k >> 1;
      w.gemvRows(m, pairs, 8 * (r0 * cols + c0), cols, 8 * xAt, 8 * yAt);
      for (let i = 0; i < m; i++) {
        let s = view[yAt + i]!;
        if (k & 1) s += view[(r0 + i) * cols + c0 + k - 1]! * x[xOff + k - 1]!;
        y[i] = s;
      }
      return;
    }
    // Four rows at a time (each summed in column order, as one row alone would be).
    const a = this.#src;
    const ld = this.#ld;
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const r = this.#offset + (r0 + i) * ld + c0;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < k; c++) {
        const xc = x[xOff + c]!;
        s0 += a[r + c]! * xc;
        s1 += a[r + ld + c]! * xc;
        s2 += a[r + 2 * ld + c]! * xc;
        s3 += a[r + 3 * ld + c]! * xc;
      }
      y[i] = s0;
      y[i + 1] = s1;
      y[i + 2] = s2;
      y[i + 3] = s3;
    }
    for (; i < m; i++) {
      const row = this.#offset + (r0 + i) * ld + c0;
      let s = 0;
      for (let c = 0; c < k; c++) s += a[row + c]! * x[xOff + c]!;
      y[i] = s;
    }
  }

  /**
   * y[0..k) = B(r0..r0+m, c0..c0+k)ᵀ·x[xOff..xOff+m), each y[c] summed in row order.
   * @throws ShapeError when the sub-block leaves the block
   */
  multiplyTransposed(
    r0: number,
    c0: number,
    m: number,
    k: number,
    x: Float64Array,
    xOff: number,
    y: Float64Array,
  ): void {
    this.#check('multiplyTransposed', r0, c0, m, k);
    y.fill(0, 0, k);
    const w = this.#wasm;
    const view = this.#view;
    if (w && view && m > 0 && k > 1) {
      const { cols, xAt, yAt } = this.#slots();
      view.set(x.subarray(xOff, xOff + m), xAt);
      view.fill(0, yAt, yAt + k);
      const pairs = k >> 1;
      w.gemvColumns(m, pairs, 8 * (r0 * cols + c0), cols, 8 * xAt, 8 * yAt);
      y.set(view.subarray(yAt, yAt + 2 * pairs));
      if (k & 1)
        for (let i = 0; i < m; i++) y[k - 1] = y[k - 1]! + x[xOff + i]! * view[(r0 + i) * cols + c0 + k - 1]!;
      return;
    }
    const a = this.#src;
    for (let i = 0; i < m; i++) {
      const row = this.#offset + (r0 + i) * this.#ld + c0;
      const xi = x[xOff + i]!;
      for (let c = 0; c < k; c++) y[c] = y[c]! + xi * a[row + c]!;
    }
  }

  /** @throws ShapeError when rows r0..r0+m or columns c0..c0+k leave the block */
  #check(method: string, r0: number, c0: number, m: number, k: number): void {
    if (r0 < 0 || c0 < 0 || m < 0 || k < 0 || r0 + m > this.#rows || c0 + k > this.#cols)
      throw new ShapeError(
        `ResidentRows.${method}: rows ${r0}..${r0 + m} and columns ${c0}..${c0 + k} leave the ${this.#rows}×${this.#cols} block`,
      );
  }

  /** Where x and y sit in the kernel memory, after the block. */
  #slots(): { cols: number; xAt: number; yAt: number } {
    const cols = this.#cols;
    const xAt = this.#rows * cols;
    return { cols, xAt, yAt: xAt + Math.max(this.#rows, cols) };
  }
}
