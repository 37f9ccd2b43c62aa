/**
 * The wasm-backend gemm: the GotoBLAS loop nest of the JavaScript kernel (jc → pc → ic), with the
 * packing in JavaScript straight into wasm memory and every block product (jr → ir → p) in the
 * SIMD kernel of `gemm-module.ts`. C is copied into wasm memory (rows padded to the tile), updated
 * block by block and copied back.
 *
 * Float64: same blocking (KC), same packing of α·A and the same per-element summation order as the
 * JavaScript kernel, so the two backends give **bit-identical** results (a property test checks
 * it). Float32: the kernel accumulates in float32 (f32x4 lanes, as a BLAS sgemm), where the
 * JavaScript kernel accumulates in double and rounds once; the two agree to within the float32
 * dot-product bound k·2⁻²⁴·Σ|α·a·b| per element.
 *
 * @module
 */
import * as js64 from '../kernels/gemm.js';
import * as js32 from '../kernels/gemm-f32.generated.js';
import { F32_TILE, F64_TILE, kernelModuleBytes, type TileShape } from './gemm-module.js';

/** The part of the WebAssembly JS API used here (core compiles without DOM or Node typings). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

type BlockKernel = (
  mc: number,
  nc: number,
  kc: number,
  pa: number,
  pb: number,
  pc: number,
  ldc: number,
) => void;

/** A block kernel reading A as rows `lda` bytes apart. */
type RowsBlockKernel = (...args: [...Parameters<BlockKernel>, lda: number]) => void;
/** A block kernel reading B as rows `ldb` bytes apart. */
type RowsBBlockKernel = (...args: [...Parameters<BlockKernel>, ldb: number]) => void;
/** A block kernel reading A and B as rows, `lda` and `ldb` bytes apart. */
type RowsABBlockKernel = (...args: [...Parameters<BlockKernel>, lda: number, ldb: number]) => void;

/** The exports of the kernel module. */
export interface WasmKernels {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  gemmF64: BlockKernel;
  gemmF32: BlockKernel;
  /** The block kernels reading A as rows `lda` bytes apart (unpacked). */
  gemmRowsF64: RowsBlockKernel;
  gemmRowsF32: RowsBlockKernel;
  /** The block kernels reading B as rows `ldb` bytes apart (unpacked), and A packed or as rows. */
  gemmRowsBF64: RowsBBlockKernel;
  gemmRowsBF32: RowsBBlockKernel;
  gemmRowsABF64: RowsABBlockKernel;
  gemmRowsABF32: RowsABBlockKernel;
  rotate: (
    count: number,
    rows: number,
    cs: number,
    sn: number,
    x: number,
    len: number,
    width: number,
  ) => void;
  gemvRows: (rows: number, pairs: number, a: number, lda: number, x: number, y: number) => void;
  gemvColumns: (rows: number, pairs: number, a: number, lda: number, x: number, y: number) => void;
  symmetricUpdateMultiply: (
    n: number,
    r0: number,
    a: number,
    vo: number,
    wo: number,
    vn: number,
    p: number,
  ) => void;
  accumulatePair: PairKernel;
  subtractPair: PairKernel;
  gatherSubtract: NeighbourKernel;
  scatterSubtract: NeighbourKernel;
  gatherAdd: NeighbourKernel;
}

/** `(rows, k, pairs, nb, w, src, out)`, addresses in bytes (see `neighbour-module.ts`). */
type NeighbourKernel = (
  rows: number,
  k: number,
  pairs: number,
  nb: number,
  w: number,
  src: number,
  out: number,
) => void;

/** `(r0, rows, pairs, c, ld, va, vb, x, y)`, addresses in bytes (see `pair-module.ts`). */
type PairKernel = (
  r0: number,
  rows: number,
  pairs: number,
  c: number,
  ld: number,
  va: number,
  vb: number,
  x: number,
  y: number,
) => void;

let instance: WasmKernels | null | undefined;

/** Compiles the kernel module once; null when the runtime has no WebAssembly SIMD. */
export function loadWasmKernels(): WasmKernels | null {
  if (instance !== undefined) return instance;
  try {
    const bytes = kernelModuleBytes();
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    instance =
      wasm?.validate(bytes) === true
        ? (new wasm.Instance(new wasm.Module(bytes), {}).exports as unknown as WasmKernels)
        : null;
  } catch {
    instance = null;
  }
  return instance;
}

type FloatArray = Float64Array | Float32Array;

let memoryOwner: object | null = null;

/**
 * The kernel memory's buffer, grown to at least `bytes` bytes (growing detaches older views).
 * Every user of the kernel memory takes it through here; `owner` names the object whose data now
 * lives there (see {@link ownsWasmMemory}).
 */
export function wasmMemory(w: WasmKernels, bytes: number, owner: object | null = null): ArrayBuffer {
  memoryOwner = owner;
  const missing = bytes - w.memory.buffer.byteLength;
  if (missing > 0) w.memory.grow(Math.ceil(missing / 65536));
  return w.memory.buffer;
}

/** True while no other user has taken the kernel memory since `owner` took it with {@link wasmMemory}. */
export function ownsWasmMemory(owner: object): boolean {
  return memoryOwner === owner;
}

/** One element type: its wasm tile and the TypeScript kernels of its small and β-scaling paths. */
interface Flavor {
  tile: TileShape;
  scaleBlock: typeof js64.scaleBlock;
  gemmSmall: typeof js64.gemmSmall;
}

const F64: Flavor = {
  tile: F64_TILE,
  scaleBlock: js64.scaleBlock,
  gemmSmall: js64.gemmSmall,
};

const F32: Flavor = {
  tile: F32_TILE,
  scaleBlock: js32.scaleBlock as unknown as typeof js64.scaleBlock,
  gemmSmall: js32.gemmSmall as unknown as typeof js64.gemmSmall,
};

const { KC, MC, NC, SMALL_GEMM_WORK } = js64;

/** @internal Packs α times the mc×kc block of A at (i0, p0) into mr-tall row panels, k-major, zero-padded. */
export function packPanelsA(
  mr: number,
  mc: number,
  kc: number,
  alpha: number,
  a: FloatArray,
  aOff: number,
  aRs: number,
  aCs: number,
  i0: number,
  p0: number,
  out: FloatArray,
  at: number,
): void {
  let w = at;
  for (let ir = 0; ir < mc; ir += mr) {
    const rows = Math.min(mr, mc - ir);
    const base = aOff + (i0 + ir) * aRs + p0 * aCs;
    if (rows === mr) {
      for (let p = 0; p < kc; p++, w += mr) {
        const q = base + p * aCs;
        for (let i = 0; i < mr; i++) out[w + i] = alpha * a[q + i * aRs]!;
      }
      continue;
    }
    for (let p = 0; p < kc; p++, w += mr) {
      const q = base + p * aCs;
      for (let i = 0; i < mr; i++) out[w + i] = i < rows ? alpha * a[q + i * aRs]! : 0;
    }
  }
}

/** @internal Packs the kc×nc block of B at (p0, j0) into nr-wide column panels, k-major, zero-padded. */
export function packPanelsB(
  nr: number,
  kc: number,
  nc: number,
  b: FloatArray,
  bOff: number,
  bRs: number,
  bCs: number,
  p0: number,
  j0: number,
  out: FloatArray,
  at: number,
): void {
  let w = at;
  for (let jr = 0; jr < nc; jr += nr) {
    const cols = Math.min(nr, nc - jr);
    const base = bOff + p0 * bRs + (j0 + jr) * bCs;
    if (cols === nr) {
      for (let p = 0; p < kc; p++, w += nr) {
        const q = base + p * bRs;
        for (let j = 0; j < nr; j++) out[w + j] = b[q + j * bCs]!;
      }
      continue;
    }
    for (let p = 0; p < kc; p++, w += nr) {
      const q = base + p * bRs;
      for (let j = 0; j < nr; j++) out[w + j] = j < cols ? b[q + j * bCs]! : 0;
    }
  }
}

/**
 * @internal C += α·A·B (C already scaled by β; m, n, k > 0) with the block products in the wasm
 * kernels `w`, for elements of `eb` bytes and tiles of `mr` rows; with `cIsZero` C is taken as
 * zero and not read. Self-contained apart from packPanelsA, packPanelsB and the constants KC, MC,
 * NC, so that the worker pool can run it from its source.
 */
export function gemmPackedWasm(
  w: WasmKernels,
  eb: number,
  mr: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOff: number,
  aRs: number,
  aCs: number,
  b: FloatArray,
  bOff: number,
  bRs: number,
  bCs: number,
  c: FloatArray,
  cOff: number,
  cRs: number,
  cCs: number,
  cIsZero = false,
): void {
  const nr = 2 * (16 / eb);
  const mPad = Math.ceil(m / mr) * mr;
  const nPad = Math.ceil(n / nr) * nr;
  // Layout in elements: packed A (MC padded × KC) | packed B (KC × NC padded) | C (mPad × nPad).
  const aAt = 0;
  const bAt = aAt + Math.ceil(MC / mr) * mr * KC;
  // Rows of an unpacked B sit B_ROW_PAD elements further apart than their padded width, so that
  // rows of NC values (a power of two of bytes) do not all fall into the same cache sets. (A local:
  // worker threads run this function's source with KC, MC and NC only.)
  const B_ROW_PAD = 16;
  const cAt = bAt + KC * (Math.ceil(Math.min(n, NC) / nr) * nr + B_ROW_PAD);
  // Self-contained (worker threads run this function's source): grows the memory itself; its
  // caller on the main thread marks the kernel memory as taken.
  const missing = (cAt + mPad * nPad) * eb - w.memory.buffer.byteLength;
  if (missing > 0) w.memory.grow(Math.ceil(missing / 65536));
  const mem = eb === 8 ? new Float64Array(w.memory.buffer) : new Float32Array(w.memory.buffer);
  if (cIsZero) mem.fill(0, cAt, cAt + mPad * nPad);
  else
    for (let i = 0; i < mPad; i++) {
      const row = cAt + i * nPad;
      if (i >= m) {
        mem.fill(0, row, row + nPad);
        continue;
      }
      const q0 = cOff + i * cRs;
      if (cCs === 1) mem.set(c.subarray(q0, q0 + n), row);
      else for (let j = 0, q = q0; j < n; j++, q += cCs) mem[row + j] = c[q]!;
      mem.fill(0, row + n, row + nPad);
    }
  const block = eb === 8 ? w.gemmF64 : w.gemmF32;
  // With α = 1 and rows of A contiguous, the block of A is copied row by row as it is (a memory
  // copy) and read unpacked by the kernel: the same values as the packed α·A, so the same bits.
  const rowsA = alpha === 1 && aCs === 1;
  const blockRows = eb === 8 ? w.gemmRowsF64 : w.gemmRowsF32;
  // With rows of B contiguous, its block is copied row by row as it is (memory copies, the padding
  // columns zeroed) and read unpacked by the kernel — the packing loop costs about as much as the
  // products when A has few rows (a convolution's weights): the same values, so the same bits.
  const rowsB = bCs === 1;
  const blockRowsB = eb === 8 ? w.gemmRowsBF64 : w.gemmRowsBF32;
  const blockRowsAB = eb === 8 ? w.gemmRowsABF64 : w.gemmRowsABF32;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const cols = Math.ceil(nc / nr) * nr;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      if (rowsB) {
        for (let p = 0; p < kc; p++) {
          const q = bOff + (pc + p) * bRs + jc;
          const row = bAt + p * (cols + B_ROW_PAD);
          mem.set(b.subarray(q, q + nc), row);
          if (cols > nc) mem.fill(0, row + nc, row + cols);
        }
      } else packPanelsB(nr, kc, nc, b, bOff, bRs, bCs, pc, jc, mem, bAt);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        const rows = Math.ceil(mc / mr) * mr;
        const cAddress = (cAt + ic * nPad + jc) * eb;
        if (rowsA) {
          for (let i = 0; i < mc; i++) {
            const q = aOff + (ic + i) * aRs + pc;
            mem.set(a.subarray(q, q + kc), aAt + i * kc);
          }
          mem.fill(0, aAt + mc * kc, aAt + rows * kc);
          if (rowsB)
            blockRowsAB(
              rows,
              cols,
              kc,
              aAt * eb,
              bAt * eb,
              cAddress,
              nPad * eb,
              kc * eb,
              (cols + B_ROW_PAD) * eb,
            );
          else blockRows(rows, cols, kc, aAt * eb, bAt * eb, cAddress, nPad * eb, kc * eb);
        } else {
          packPanelsA(mr, mc, kc, alpha, a, aOff, aRs, aCs, ic, pc, mem, aAt);
          if (rowsB)
            blockRowsB(rows, cols, kc, aAt * eb, bAt * eb, cAddress, nPad * eb, (cols + B_ROW_PAD) * eb);
          else block(rows, cols, kc, aAt * eb, bAt * eb, cAddress, nPad * eb);
        }
      }
    }
  }
  for (let i = 0; i < m; i++) {
    const row = cAt + i * nPad;
    const q0 = cOff + i * cRs;
    if (cCs === 1) c.set(mem.subarray(row, row + n), q0);
    else for (let j = 0, q = q0; j < n; j++, q += cCs) c[q] = mem[row + j]!;
  }
}

/** Elements of C held in wasm memory at once (2²² — 32 MB in float64), unless one block of rows needs more. */
const WASM_C_ELEMENTS = 1 << 22;

function kernelFor(flavor: Flavor) {
  return (
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    aOff: number,
    aRs: number,
    aCs: number,
    b: FloatArray,
    bOff: number,
    bRs: number,
    bCs: number,
    beta: number,
    c: FloatArray,
    cOff: number,
    cRs: number,
    cCs: number,
  ): void => {
    if (m === 0 || n === 0) return;
    const packed = alpha !== 0 && k !== 0 && m * n * k > SMALL_GEMM_WORK;
    // β = 0 on the packed path: C is not read (the wasm buffer starts from zeros), so it is not
    // zeroed first either — the same bits as scaling by 0 and adding, one pass over C fewer.
    if (!(packed && beta === 0)) flavor.scaleBlock(m, n, beta, c as Float64Array, cOff, cRs, cCs);
    if (alpha === 0 || k === 0) return;
    if (!packed) {
      const [a64, b64, c64] = [a, b, c] as Float64Array[];
      flavor.gemmSmall(m, n, k, alpha, a64!, aOff, aRs, aCs, b64!, bOff, bRs, bCs, c64!, cOff, cRs, cCs);
      return;
    }
    const { elementBytes, mr } = flavor.tile;
    // C lives in wasm memory while it is updated, and wasm memory never shrinks: a tall C goes
    // through in chunks of whole MC blocks of rows (B is packed once per chunk). Each element's sum
    // runs over the same k-blocks in the same order, so chunking does not change a bit.
    const chunk = Math.max(MC, Math.floor(WASM_C_ELEMENTS / Math.max(n, 1) / MC) * MC);
    memoryOwner = null;
    for (let r0 = 0; r0 < m; r0 += chunk)
      gemmPackedWasm(
        loadWasmKernels()!,
        elementBytes,
        mr,
        Math.min(chunk, m - r0),
        n,
        k,
        alpha,
        a,
        aOff + r0 * aRs,
        aRs,
        aCs,
        b,
        bOff,
        bRs,
        bCs,
        c,
        cOff + r0 * cRs,
        cRs,
        cCs,
        beta === 0,
      );
  };
}

/**
 * C ← α·A·B + β·C on strided Float64 storage (the contract of the JavaScript `gemmKernel`), with
 * the block products in wasm SIMD. Unchecked; the caller ensures {@link loadWasmKernels} is non-null.
 */
export const gemmKernelWasm: typeof js64.gemmKernel = kernelFor(F64);

/** The Float32 counterpart of {@link gemmKernelWasm} (float32 accumulation). */
export const gemmKernelWasm32: typeof js32.gemmKernel = kernelFor(F32) as unknown as typeof js32.gemmKernel;
