/**
 * Opt-in multi-threaded gemm on `worker_threads` + `SharedArrayBuffer` (Node only; this entry
 * point, `@numts/core/parallel`, is not imported by the main one).
 *
 * The rows of C are split between the calling thread and the workers: the caller computes the
 * first share in place with {@link gemm} while each worker runs the same packed kernel on its rows
 * — the wasm SIMD kernel (compiled in the worker from the module bytes the pool hands over) when
 * the calling thread's backend is `'wasm'`, else the TypeScript kernel. Only the workers' rows of
 * op(A) and C, and B, are copied into shared memory, and only their rows of C are copied back. The
 * kernel's summation order for an element depends only on the k-blocking, not on which rows a
 * thread owns, so the result is **bit-for-bit equal** to `gemm` (a test checks this). Workers block
 * on messages (no spin-waiting).
 *
 * Products smaller than {@link PARALLEL_MIN_WORK} multiply-adds run on the calling thread.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { getBackend, wasmSimdSupported } from '../backend.js';
import { DomainError } from '../errors.js';
import { type GemmOptions, gemm, planGemm } from '../gemm.js';
import * as kernel from '../kernels/gemm.js';
import { Matrix } from '../matrix.js';
import { F64_TILE, kernelModuleBytes } from '../wasm/gemm-module.js';
import * as wasm from '../wasm/gemm-wasm.js';

/** Below this many multiply-adds (m·n·k) a pool runs the product on the calling thread. */
export const PARALLEL_MIN_WORK = 128 ** 3;

/**
 * The worker's program: the kernel functions' own source, so both sides run identical code — the
 * TypeScript kernel, and the wasm driver with the kernel module compiled from the bytes the pool
 * hands over (when the calling thread uses the wasm backend).
 */
function workerSource(): string {
  const fns = [
    kernel.scaleBlock,
    kernel.packBlockA,
    kernel.packBlockB,
    kernel.microKernel,
    kernel.gemmPacked,
    wasm.packPanelsA,
    wasm.packPanelsB,
    wasm.gemmPackedWasm,
  ];
  return `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const kernels = workerData && workerData.wasm
  ? new WebAssembly.Instance(new WebAssembly.Module(workerData.wasm), {}).exports
  : null;
const MR = ${kernel.MR}, NR = ${kernel.NR}, KC = ${kernel.KC}, MC = ${kernel.MC}, NC = ${kernel.NC};
const packA = new Float64Array(MC * KC);
const packB = new Float64Array(KC * NC);
${fns.map((f) => f.toString()).join('\n')}
parentPort.on('message', (job) => {
  const a = new Float64Array(job.a), b = new Float64Array(job.b), c = new Float64Array(job.c);
  const r0 = job.r0, rows = job.r1 - job.r0;
  const cOff = job.cOff + r0 * job.cRs, aOff = job.aOff + r0 * job.aRs;
  scaleBlock(rows, job.n, job.beta, c, cOff, job.cRs, job.cCs);
  if (job.alpha !== 0 && job.k !== 0) {
    if (job.wasm && kernels)
      gemmPackedWasm(kernels, 8, ${F64_TILE.mr}, rows, job.n, job.k, job.alpha, a, aOff, job.aRs, job.aCs, b, job.bOff, job.bRs, job.bCs, c, cOff, job.cRs, job.cCs);
    else
      gemmPacked(rows, job.n, job.k, job.alpha, a, aOff, job.aRs, job.aCs, b, job.bOff, job.bRs, job.bCs, c, cOff, job.cRs, job.cCs);
  }
  parentPort.postMessage(job.id);
});
`;
}

/**
 * Shared memory that a pool keeps between products: allocating a SharedArrayBuffer of megabytes
 * costs from one to tens of milliseconds (the pages are mapped and zeroed), as much as the copy
 * itself, so each slot grows when a product needs more and is reused otherwise.
 */
class SharedSlot {
  private buffer = new SharedArrayBuffer(8);

  /** A view of `length` doubles (contents unspecified). */
  view(length: number): Float64Array {
    if (this.buffer.byteLength < length * 8) this.buffer = new SharedArrayBuffer(length * 8);
    return new Float64Array(this.buffer, 0, length);
  }

  /** A copy of the matrix, contiguous. */
  copyOf(a: Matrix): Float64Array {
    const out = this.view(Math.max(1, a.size));
    if (a.isContiguous) out.set(a.data.subarray(a.offset, a.offset + a.size));
    else out.set(a.clone().data);
    return out;
  }
}

/** Shared memory of one product: B, and each worker's rows of op(A) and of C. */
interface Slots {
  b: SharedSlot;
  a: SharedSlot[];
  c: SharedSlot[];
}

function newSlots(workers: number): Slots {
  return {
    b: new SharedSlot(),
    a: Array.from({ length: workers }, () => new SharedSlot()),
    c: Array.from({ length: workers }, () => new SharedSlot()),
  };
}

/**
 * A pool of gemm threads: the caller and `threads − 1` workers. Create it once, run many products,
 * then `close()` it.
 *
 * @example
 * ```ts
 * const pool = await GemmPool.create(2);
 * const c = await pool.gemm(a, b); // bit-identical to gemm(a, b)
 * await pool.close();
 * ```
 */
export class GemmPool {
  private readonly workers: Worker[];
  private nextId = 0;
  /** Shared memory for B and for each worker's rows of op(A) and C, reused between products. */
  private readonly slots: Slots;
  /** Whether a product is using the slots (a concurrent call then allocates its own). */
  private slotsInUse = false;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    this.slots = newSlots(workers.length);
  }

  /**
   * Starts the workers of a pool of `threads` computing threads (the calling thread is one of
   * them, so `threads − 1` workers; one thread per core is the useful size).
   * @throws DomainError when threads is not an integer in [1, 64]
   */
  static async create(threads = 2): Promise<GemmPool> {
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
      throw new DomainError(`GemmPool.create: threads must be an integer in [1, 64] (got ${threads})`);
    }
    const src = workerSource();
    const bytes = wasmSimdSupported() ? kernelModuleBytes() : null;
    const workers = Array.from(
      { length: threads - 1 },
      () => new Worker(src, { eval: true, workerData: { wasm: bytes } }),
    );
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('online', () => resolve());
            w.once('error', reject);
          }),
      ),
    );
    return new GemmPool(workers);
  }

  /** Number of computing threads (the caller's included). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * C ← α·op(A)·op(B) + β·C, as {@link gemm} (same options, checks and result bits), with the rows
   * of C shared among the workers.
   */
  async gemm(a: Matrix, b: Matrix, options: GemmOptions<Matrix> = {}): Promise<Matrix> {
    if (
      !(a instanceof Matrix) ||
      !(b instanceof Matrix) ||
      (options.c !== undefined && !(options.c instanceof Matrix))
    ) {
      return gemm(a, b, options); // throws the TypeError of gemm
    }
    const { m, n, k, alpha, beta } = planGemm('GemmPool.gemm', a, b, options, options.c);
    if (m * n * k < PARALLEL_MIN_WORK) return gemm(a, b, options);
    const transB = options.transB ?? false;
    const opA = options.transA ? a.T : a;
    const c = options.c ?? new Matrix(m, n);
    const parts = this.workers.length + 1;
    // Even shares (a larger one for the caller, who starts first, measured no better).
    const rowsPer = Math.ceil(m / parts / kernel.MR) * kernel.MR;
    const mine = Math.min(m, rowsPer);
    // The pool's shared memory, unless a concurrent product holds it.
    const own = !this.slotsInUse;
    const slots = own ? this.slots : newSlots(this.workers.length);
    this.slotsInUse = true;
    try {
      return await this.run(opA, b, c, transB, alpha, beta, mine, rowsPer, slots);
    } finally {
      if (own) this.slotsInUse = false;
    }
  }

  /** Copies the workers' operands into `slots`, runs every share, copies the workers' rows back. */
  private async run(
    opA: Matrix,
    b: Matrix,
    c: Matrix,
    transB: boolean,
    alpha: number,
    beta: number,
    mine: number,
    rowsPer: number,
    slots: Slots,
  ): Promise<Matrix> {
    const { rows: m, cols: k } = opA;
    const n = c.cols;
    const parts = this.workers.length + 1;
    const bS = slots.b.copyOf(b);
    const wasmBackend = getBackend() === 'wasm';
    const jobs: { r0: number; r1: number; cS: Float64Array; done: Promise<void> }[] = [];
    for (let t = 1; t < parts; t++) {
      const r0 = Math.min(m, mine + (t - 1) * rowsPer);
      const r1 = Math.min(m, r0 + rowsPer);
      if (r1 <= r0) continue;
      const aS = slots.a[t - 1]!.copyOf(opA.slice(r0, r1));
      // The worker's rows of C: copied when β reads them (β ≠ 0 needs a given C); with β = 0 the
      // kernel zeroes them first, so what the slot held before does no harm.
      const cS = beta !== 0 ? slots.c[t - 1]!.copyOf(c.slice(r0, r1)) : slots.c[t - 1]!.view((r1 - r0) * n);
      const id = this.nextId++;
      const w = this.workers[t - 1]!;
      const done = new Promise<void>((resolve, reject) => {
        const onMessage = (finished: number) => {
          if (finished !== id) return;
          w.off('message', onMessage);
          w.off('error', reject);
          resolve();
        };
        w.on('message', onMessage);
        w.once('error', reject);
      });
      w.postMessage({
        id,
        wasm: wasmBackend,
        r0: 0,
        r1: r1 - r0,
        n,
        k,
        alpha,
        beta,
        a: aS.buffer,
        aOff: 0,
        aRs: k,
        aCs: 1,
        b: bS.buffer,
        bOff: 0,
        bRs: transB ? 1 : n,
        bCs: transB ? k : 1,
        c: cS.buffer,
        cOff: 0,
        cRs: n,
        cCs: 1,
      });
      jobs.push({ r0, r1, cS, done });
    }
    // The caller's share, in place, while the workers run.
    if (mine > 0) gemm(opA.slice(0, mine), b, { transB, alpha, beta, c: c.slice(0, mine) });
    await Promise.all(jobs.map((j) => j.done));
    for (const { r0, r1, cS } of jobs)
      for (let i = r0; i < r1; i++) {
        const from = (i - r0) * n;
        const at = c.offset + i * c.rowStride;
        if (c.colStride === 1) c.data.set(cS.subarray(from, from + n), at);
        else for (let j = 0; j < n; j++) c.data[at + j * c.colStride] = cS[from + j]!;
      }
    return c;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
