/**
 * Repeated products of S and I − S with row-major n × cols blocks, for a fixed sparse n × n matrix S with
 * k entries per row — a k-nearest-neighbour graph given as neighbour lists `nb` and weights `w`
 * (row i holds w[i·k + t] in column nb[i·k + t]). Graph-regularized learners apply these operators
 * hundreds of times per fit: PL-CL's labeling-confidence QP has the Hessian 2(I − S)ᵀ(I − S) + 2c·I.
 *
 * On the wasm backend the graph stays in the kernel memory and each product copies its block in
 * and out around the SIMD kernels `gatherSubtract` / `scatterSubtract` / `gatherAdd`; on the TypeScript backend
 * plain loops take the same operations in the same order, so both give bit-identical results. The
 * kernel memory is shared with gemm and the other kernels: when one of them has used it since, the
 * next product loads the graph again (the caller never sees stale data).
 *
 * @module
 */
import { getBackend } from './backend.js';
import { DomainError, ShapeError } from './errors.js';
import { loadWasmKernels, ownsWasmMemory, type WasmKernels, wasmMemory } from './wasm/gemm-wasm.js';

/**
 * out ← out − S·src (row i of out minus Σ_t w·src(nb, :)), with `transpose` out ← out − Sᵀ·src
 * (row nb of out minus w·src(i, :)), or with `add` out ← out + S·src; rows of S and their entries
 * in order, zero weights skipped. Subtracting w·x is adding (−w)·x, bit for bit.
 */
function accumulateProduct(
  transpose: boolean,
  add: boolean,
  n: number,
  k: number,
  cols: number,
  nb: Int32Array,
  w: Float64Array,
  src: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const wij = w[i * k + t]!;
      if (wij === 0) continue;
      const signed = add ? wij : -wij;
      const j = nb[i * k + t]!;
      const from = (transpose ? i : j) * cols;
      const row = (transpose ? j : i) * cols;
      for (let c = 0; c < cols; c++) out[row + c] = out[row + c]! + signed * src[from + c]!;
    }
  }
}

/** The graph and three blocks in the kernel memory (views valid while this object owns it). */
interface Resident {
  wasm: WasmKernels;
  nbAt: number;
  wAt: number;
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
}

/** A fixed sparse S (k neighbours per row) for repeated products with I − S on n × cols blocks. */
export class ResidentNeighbourGraph {
  /** Rows (and columns) of S. */
  readonly n: number;
  /** Entries per row of S. */
  readonly k: number;
  /** Columns of the blocks multiplied. */
  readonly cols: number;
  readonly #nb: Int32Array;
  readonly #w: Float64Array;
  readonly #wasm: WasmKernels | null;
  /** Distance between rows in the kernel memory: cols rounded up to even (the f64x2 lanes). */
  readonly #ld: number;
  #resident: Resident | null = null;
  #tmp: Float64Array | null = null;

  /**
   * @param nb neighbour lists, n·k row indices (row i's at i·k … i·k + k − 1); copied
   * @param w the weights, n·k values in the same places; copied
   * @param k entries per row (≥ 1)
   * @param cols columns of the blocks the products take (≥ 1)
   * @throws ShapeError when k or cols is not a positive integer or nb and w disagree in length or are not n·k long
   * @throws DomainError when a neighbour index is not a row of S (an integer in [0, n))
   */
  constructor(nb: Int32Array, w: Float64Array, k: number, cols: number) {
    const fn = 'ResidentNeighbourGraph';
    if (!Number.isInteger(k) || k < 1) throw new ShapeError(`${fn}: k must be an integer ≥ 1 (got ${k})`);
    if (!Number.isInteger(cols) || cols < 1)
      throw new ShapeError(`${fn}: cols must be an integer ≥ 1 (got ${cols})`);
    if (nb.length !== w.length || nb.length % k !== 0)
      throw new ShapeError(
        `${fn}: nb and w must both hold n·k entries with k = ${k} (got ${nb.length} and ${w.length})`,
      );
    const n = nb.length / k;
    for (let e = 0; e < nb.length; e++) {
      const j = nb[e]!;
      if (j < 0 || j >= n)
        throw new DomainError(`${fn}: neighbour index nb[${e}] must be a row in [0, ${n}) (got ${j})`);
    }
    this.n = n;
    this.k = k;
    this.cols = cols;
    this.#nb = nb.slice();
    this.#w = w.slice();
    this.#ld = cols + (cols % 2);
    this.#wasm = getBackend() === 'wasm' && n > 0 ? loadWasmKernels() : null;
  }

  /** out ← (I − S)·src. @throws ShapeError when src or out is not n·cols long, or they overlap */
  residual(src: Float64Array, out: Float64Array): void {
    this.#oneProduct('residual', false, src, out);
  }

  /** out ← (I − S)ᵀ·src. @throws ShapeError when src or out is not n·cols long, or they overlap */
  residualTranspose(src: Float64Array, out: Float64Array): void {
    this.#oneProduct('residualTranspose', true, src, out);
  }

  /**
   * out ← S·src: row i of out is Σ_t w[i·k + t]·src(nb[i·k + t], :), summed from +0 over the row's
   * entries in order (zero weights skipped) — the plain loop's value, bit for bit, on both backends.
   * @throws ShapeError when src or out is not n·cols long, or they overlap
   */
  product(src: Float64Array, out: Float64Array): void {
    this.#check('product', src, out);
    const r = this.#load(src);
    if (r) {
      r.b.fill(0);
      r.wasm.gatherAdd(this.n, this.k, this.#ld >> 1, r.nbAt, r.wAt, r.a.byteOffset, r.b.byteOffset);
      this.#store(r.b, out);
      return;
    }
    out.fill(0);
    accumulateProduct(false, true, this.n, this.k, this.cols, this.#nb, this.#w, src, out);
  }

  /** out ← src − S·src, or src − Sᵀ·src with `transpose`. */
  #oneProduct(method: string, transpose: boolean, src: Float64Array, out: Float64Array): void {
    this.#check(method, src, out);
    const r = this.#load(src);
    if (r) {
      r.b.set(r.a);
      const kernel = transpose ? r.wasm.scatterSubtract : r.wasm.gatherSubtract;
      kernel(this.n, this.k, this.#ld >> 1, r.nbAt, r.wAt, r.a.byteOffset, r.b.byteOffset);
      this.#store(r.b, out);
      return;
    }
    out.set(src);
    accumulateProduct(transpose, false, this.n, this.k, this.cols, this.#nb, this.#w, src, out);
  }

  /**
   * out ← (I − S)ᵀ(I − S)·src, the intermediate (I − S)·src kept inside (the same bits as
   * {@link residual} followed by {@link residualTranspose}).
   * @throws ShapeError when src or out is not n·cols long, or they overlap
   */
  residualGram(src: Float64Array, out: Float64Array): void {
    this.#check('residualGram', src, out);
    const r = this.#load(src);
    const { n, k } = this;
    if (r) {
      const pairs = this.#ld >> 1;
      r.b.set(r.a);
      r.wasm.gatherSubtract(n, k, pairs, r.nbAt, r.wAt, r.a.byteOffset, r.b.byteOffset);
      r.c.set(r.b);
      r.wasm.scatterSubtract(n, k, pairs, r.nbAt, r.wAt, r.b.byteOffset, r.c.byteOffset);
      this.#store(r.c, out);
      return;
    }
    this.#tmp ??= new Float64Array(n * this.cols);
    const tmp = this.#tmp;
    tmp.set(src);
    accumulateProduct(false, false, n, k, this.cols, this.#nb, this.#w, src, tmp);
    out.set(tmp);
    accumulateProduct(true, false, n, k, this.cols, this.#nb, this.#w, tmp, out);
  }

  #check(method: string, src: Float64Array, out: Float64Array): void {
    const size = this.n * this.cols;
    if (src.length !== size || out.length !== size)
      throw new ShapeError(
        `ResidentNeighbourGraph.${method}: src and out must hold n·cols = ${size} values (got ${src.length} and ${out.length})`,
      );
    const overlap =
      src.buffer === out.buffer &&
      src.byteOffset < out.byteOffset + out.byteLength &&
      out.byteOffset < src.byteOffset + src.byteLength;
    if (overlap && size > 0)
      throw new ShapeError(`ResidentNeighbourGraph.${method}: src and out must not overlap`);
  }

  /** On the wasm backend: the graph in the kernel memory (loaded again if another user took it) and src in block a. */
  #load(src: Float64Array): Resident | null {
    const wasm = this.#wasm;
    if (!wasm) return null;
    if (!this.#resident || !ownsWasmMemory(this)) {
      const entries = this.#nb.length;
      const nbAt = 0;
      const wAt = Math.ceil((entries * 4) / 16) * 16;
      const block = this.n * this.#ld;
      const aAt = wAt + entries * 8;
      const buffer = wasmMemory(wasm, aAt + 3 * block * 8, this);
      new Int32Array(buffer, nbAt, entries).set(this.#nb);
      new Float64Array(buffer, wAt, entries).set(this.#w);
      const a = new Float64Array(buffer, aAt, block);
      // Padding columns stay zero through every product (0 − w·0 = 0).
      a.fill(0);
      this.#resident = {
        wasm,
        nbAt,
        wAt,
        a,
        b: new Float64Array(buffer, aAt + block * 8, block),
        c: new Float64Array(buffer, aAt + 2 * block * 8, block),
      };
    }
    const r = this.#resident;
    const { cols } = this;
    const ld = this.#ld;
    if (ld === cols) r.a.set(src);
    else {
      // Row by row (a view per row would cost more than the copy for short rows).
      const a = r.a;
      for (let i = 0; i < this.n; i++) for (let c = 0; c < cols; c++) a[i * ld + c] = src[i * cols + c]!;
    }
    return r;
  }

  #store(block: Float64Array, out: Float64Array): void {
    const { cols } = this;
    const ld = this.#ld;
    if (ld === cols) out.set(block);
    else
      for (let i = 0; i < this.n; i++) for (let c = 0; c < cols; c++) out[i * cols + c] = block[i * ld + c]!;
  }
}
