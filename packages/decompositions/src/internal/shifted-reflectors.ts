/**
 * The orthogonal factor of a tridiagonal or bidiagonal reduction whose reflectors start one
 * column right of the diagonal.
 *
 * @module
 */
import { Matrix, ResidentColumns } from '@numts/core';
import {
  applyReflectorBlocks,
  QR_BLOCK,
  qrApplyQ,
  qrFormQ,
  type ReflectorBlock,
  reflectorBlocks,
} from './qr-kernel.js';

/**
 * The transposed n×n orthogonal factor of reflectors stored one column to the right of the
 * diagonal (row k of `a` holds v_k from column k + 2 on, v_k(k + 1) = 1): Qᵀ of a tridiagonal
 * reduction (LAPACK's dorgtr) and Pᵀ of a bidiagonal one (dorgbr 'P'). Its first row and column are
 * e₁; the rest is formed with the blocked reflector code of QR.
 */
export function shiftedReflectorsTransposed(a: Float64Array, n: number, tau: Float64Array): Matrix {
  const qt = new Matrix(n, n);
  if (n === 0) return qt;
  qt.data[0] = 1;
  if (n === 1) return qt;
  const s = n - 1;
  const q1 = qrFormQ(unshifted(a, n), s, s, tau, s); // Q(1.., 1..)
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) qt.data[(j + 1) * n + i + 1] = q1.data[i * s + j]!;
  return qt;
}

/**
 * C ← Q·C in place for the orthogonal factor of the same reflectors and C n×cols row-major
 * (LAPACK's dormtr / dormbr 'P'): row 0 of C is left alone, rows 1.. take the blocked reflectors.
 */
export function applyShiftedReflectors(
  a: Float64Array,
  n: number,
  tau: Float64Array,
  c: Float64Array,
  cols: number,
): void {
  if (n <= 1) return;
  const s = n - 1;
  qrApplyQ(unshifted(a, n), s, s, tau, c.subarray(cols), cols);
}

/**
 * The orthogonal factor of the same reflectors kept implicit: its block reflectors, formed once, and
 * products Q·C or Qᵀ·C (C n×cols row-major, in place; row 0 is left alone) at 4·n²·cols flops
 * instead of forming Q (≈ 4n³/3) and multiplying.
 */
export class ShiftedReflectors {
  private blocks: ReflectorBlock[] | undefined;

  constructor(
    private readonly a: Float64Array,
    private readonly n: number,
    private readonly tau: Float64Array,
  ) {}

  /** C ← Q·C, or C ← Qᵀ·C with `transpose`. */
  apply(c: Float64Array, cols: number, transpose: boolean): void {
    const n = this.n;
    if (n <= 1) return;
    if (cols <= PAIRWISE_MAX_COLUMNS) {
      applyInPairs(this.a, n, this.tau, c, cols, transpose);
      return;
    }
    // Entry (i, k) of QR's layout, v_k(i + 1), is a[k·n + i + 1]: read in place, no copy.
    this.blocks ??= reflectorBlocks(this.a, n - 1, 1, this.tau, { offset: 1, colStride: n });
    applyReflectorBlocks(this.blocks, n - 1, c.subarray(cols), cols, transpose);
  }
}

/**
 * Up to this many columns of C, the reflectors are applied two at a time on C held in one place
 * ({@link applyInPairs}); above it, as block reflectors of {@link QR_BLOCK} through gemm (whose
 * packing and copies of C cost as much as its products when C is narrow). Measured per
 * application (wasm): n = 174, 68 columns 0.29 against 0.57 ms, 174 columns 0.76 against 1.2 ms;
 * n = 500, 68 columns 3.0 against 4.6 ms, 256 columns 10.3 against 10.5 ms.
 */
const PAIRWISE_MAX_COLUMNS = 256;

/**
 * C ← Q·C or Qᵀ·C, Q = H_0···H_{n−2} with H_k = I − τ_k·v_k·v_kᵀ, v_k = (0…0, 1, a[k, k+2..]) (1 at
 * index k + 1), two reflectors per pass: with H_a applied first and g = v_bᵀv_a,
 * H_b·H_a·C = C − v_a·(τ_a·x)ᵀ − v_b·(τ_b·(y − τ_a·g·x))ᵀ where x = Cᵀv_a, y = Cᵀv_b.
 */
function applyInPairs(
  a: Float64Array,
  n: number,
  tau: Float64Array,
  c: Float64Array,
  cols: number,
  transpose: boolean,
): void {
  const block = new ResidentColumns(n, cols);
  block.load(c, 0, cols);
  const { va, vb, x, y } = block;
  const count = n - 1;
  // Qᵀ·C applies H_0 first; Q·C applies H_{n−2} first.
  for (let t = 0; t < count; t += 2) {
    const ka = transpose ? t : count - 1 - t;
    const hasB = t + 1 < count;
    const kb = transpose ? t + 1 : count - 2 - t;
    const ta = tau[ka]!;
    const tb = hasB ? tau[kb]! : 0;
    if (ta === 0 && tb === 0) continue;
    reflectorInto(a, n, ka, va);
    if (hasB) reflectorInto(a, n, kb, vb);
    else vb.fill(0);
    const r0 = Math.min(ka, hasB ? kb : ka) + 1;
    let g = 0;
    for (let r = r0; r < n; r++) g += vb[r]! * va[r]!;
    x.fill(0);
    y.fill(0);
    block.accumulate(r0);
    const tag = ta * g;
    for (let j = 0; j < x.length; j++) {
      const xj = x[j]!;
      x[j] = ta * xj;
      y[j] = tb * (y[j]! - tag * xj);
    }
    block.subtract(r0);
  }
  block.store(c, 0, cols);
}

/** Writes v_k (zeros up to index k, 1 at k + 1, then a[k, k+2..n−1]) into `v` (length n). */
function reflectorInto(a: Float64Array, n: number, k: number, v: Float64Array): void {
  v.fill(0, 0, k + 1);
  v[k + 1] = 1;
  v.set(a.subarray(k * n + k + 2, k * n + n), k + 2);
}

/** The reflectors as QR leaves them: column k of the (n−1)² result holds v_k from row k on. */
function unshifted(a: Float64Array, n: number): Float64Array {
  const s = n - 1;
  const vs = new Float64Array(s * s);
  for (let k = 0; k < s; k++) for (let i = k + 1; i < s; i++) vs[i * s + k] = a[k * n + i + 1]!;
  return vs;
}
