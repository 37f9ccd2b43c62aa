/**
 * Unchecked blocked Householder QR on a contiguous row-major m×n array (LAPACK's dgeqrf/dorgqr
 * in compact-WY form). The reflectors' vectors are stored below the diagonal, τ separately.
 *
 * @module
 */
import { gemm, Matrix } from '@numts/core';
import { makeReflector } from './householder.js';

/** Panel width of the blocked algorithms. */
export const QR_BLOCK = 32;

/**
 * Factors columns [j0, j1) of the m×n row-major array `a` (leading dimension `lda`) with
 * reflectors, applying each only to the remaining columns of the panel (< j1).
 */
function qrPanel(
  a: Float64Array,
  lda: number,
  m: number,
  j0: number,
  j1: number,
  tau: Float64Array,
  w: Float64Array,
): void {
  for (let j = j0; j < j1 && j < m; j++) {
    const diag = j * lda + j;
    const { beta, tau: t } = makeReflector(a[diag]!, m - j, a, diag + lda, lda);
    a[diag] = beta;
    tau[j] = t;
    if (t === 0 || j + 1 >= j1) continue;
    // w = vᵀ·A(j:m, j+1:j1) with v = (1, a[j+1.., j]), accumulated row by row (contiguous).
    const nc = j1 - j - 1;
    for (let c = 0; c < nc; c++) w[c] = a[diag + 1 + c]!;
    for (let i = j + 1; i < m; i++) {
      const vi = a[i * lda + j]!;
      if (vi === 0) continue;
      const row = i * lda + j + 1;
      for (let c = 0; c < nc; c++) w[c] = w[c]! + vi * a[row + c]!;
    }
    for (let c = 0; c < nc; c++) {
      w[c] = t * w[c]!;
      a[diag + 1 + c] = a[diag + 1 + c]! - w[c]!;
    }
    for (let i = j + 1; i < m; i++) {
      const vi = a[i * lda + j]!;
      if (vi === 0) continue;
      const row = i * lda + j + 1;
      for (let c = 0; c < nc; c++) a[row + c] = a[row + c]! - vi * w[c]!;
    }
  }
}

/**
 * The block reflector of reflectors j0..j0+kb−1: H_{j0}···H_{j0+kb−1} = I − V·T·Vᵀ with V
 * ((m−j0)×kb, unit lower trapezoidal) and T (kb×kb upper triangular), as dlarft forms them.
 * Entry (i, k) of the reflector array is read at a[offset + i·lda + k·colStride]
 * ({@link qrFactor}'s layout: offset 0, colStride 1).
 */
export function blockReflector(
  a: Float64Array,
  lda: number,
  m: number,
  j0: number,
  kb: number,
  tau: Float64Array,
  layout: { offset: number; colStride: number } = { offset: 0, colStride: 1 },
): { v: Matrix; t: Matrix } {
  const mv = m - j0;
  const v = new Matrix(mv, kb);
  const vd = v.data;
  const { offset, colStride } = layout;
  for (let r = 0; r < mv; r++) {
    const row = offset + (j0 + r) * lda + j0 * colStride;
    for (let p = 0; p < kb; p++) vd[r * kb + p] = r > p ? a[row + p * colStride]! : r === p ? 1 : 0;
  }
  const t = new Matrix(kb, kb);
  const td = t.data;
  // Column i of G = VᵀV holds V(:, 0:i)ᵀ·v_i (v_i is zero above row i): one matrix product
  // instead of kb dot-product loops.
  const g = kb > 1 ? gemm(v, v, { transA: true }).data : null;
  for (let i = 0; i < kb; i++) {
    const ti = tau[j0 + i]!;
    td[i * kb + i] = ti;
    if (i === 0) continue;
    // T(0:i, i) = −τᵢ·T(0:i, 0:i)·y with y = G(0:i, i).
    for (let p = 0; p < i; p++) {
      let s = 0;
      for (let q = p; q < i; q++) s += td[p * kb + q]! * g![q * kb + i]!;
      td[p * kb + i] = -ti * s;
    }
  }
  return { v, t };
}

/**
 * Applies (I − V·T·Vᵀ)ᵀ (`transpose` true, i.e. Qᵀ·C) or I − V·T·Vᵀ (Q·C) to the block C of
 * rows [j0, m) and columns [c0, c1) of the row-major array `c` (leading dimension ldc).
 */
export function applyBlockReflector(
  v: Matrix,
  t: Matrix,
  c: Float64Array,
  ldc: number,
  m: number,
  j0: number,
  c0: number,
  c1: number,
  transpose: boolean,
): void {
  const nc = c1 - c0;
  if (nc <= 0 || m - j0 <= 0) return;
  const cView = Matrix.view(m - j0, nc, c, j0 * ldc + c0, ldc, 1);
  const w = gemm(v, cView, { transA: true }); // kb × nc
  const tw = gemm(t, w, { transA: transpose }); // Tᵀ·W or T·W
  gemm(v, tw, { alpha: -1, beta: 1, c: cView });
}

/** In-place QR of the contiguous m×n row-major array: R in the upper triangle, reflectors below. */
export function qrFactor(a: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const w = new Float64Array(n);
  for (let j0 = 0; j0 < k; j0 += QR_BLOCK) {
    const kb = Math.min(QR_BLOCK, k - j0);
    if (n - j0 - kb <= 0 || m - j0 <= QR_BLOCK) {
      qrPanel(a, n, m, j0, n, tau, w); // small remainder: unblocked to the end
      break;
    }
    qrPanel(a, n, m, j0, j0 + kb, tau, w);
    const { v, t } = blockReflector(a, n, m, j0, kb, tau);
    applyBlockReflector(v, t, a, n, m, j0, j0 + kb, n, true);
  }
  return tau;
}

/**
 * The first `q` columns of Q = H₀H₁···H_{k−1} (m×q, q ≤ m) from the reflectors that
 * {@link qrFactor} left in `a` (m×n, leading dimension n) and τ.
 */
export function qrFormQ(a: Float64Array, m: number, n: number, tau: Float64Array, q: number): Matrix {
  const out = new Matrix(m, q);
  const qd = out.data;
  for (let i = 0; i < Math.min(m, q); i++) qd[i * q + i] = 1;
  // Block j0 meets the identity's columns from j0 on only: the columns before it are still e_j.
  applyQBlocks(a, m, n, tau, qd, q, (j0) => j0);
  return out;
}

/**
 * C ← Q·C in place for Q = H₀H₁···H_{k−1} from the reflectors of {@link qrFactor} (`a` m×n,
 * leading dimension n) and C m×cols row-major (LAPACK's dormqr 'L', 'N'): 2·m·k·cols flops in
 * matrix products, against forming Q and multiplying.
 */
export function qrApplyQ(
  a: Float64Array,
  m: number,
  n: number,
  tau: Float64Array,
  c: Float64Array,
  cols: number,
): void {
  applyQBlocks(a, m, n, tau, c, cols, () => 0);
}

/** The block reflectors of QR's reflectors, first block first, formed once to be applied many times. */
export interface ReflectorBlock {
  j0: number;
  v: Matrix;
  t: Matrix;
}

/**
 * Every block reflector of reflectors stored as {@link qrFactor} leaves them (m rows; entry (i, k)
 * at a[offset + i·rowStride + k·colStride]) and τ.
 */
export function reflectorBlocks(
  a: Float64Array,
  m: number,
  rowStride: number,
  tau: Float64Array,
  layout: { offset: number; colStride: number } = { offset: 0, colStride: 1 },
): ReflectorBlock[] {
  const blocks: ReflectorBlock[] = [];
  for (let j0 = 0; j0 < tau.length; j0 += QR_BLOCK)
    blocks.push({
      j0,
      ...blockReflector(a, rowStride, m, j0, Math.min(QR_BLOCK, tau.length - j0), tau, layout),
    });
  return blocks;
}

/**
 * C ← Q·C (LAPACK's dormqr 'L', 'N') or, with `transpose`, C ← Qᵀ·C ('L', 'T') in place, for the
 * blocks of {@link reflectorBlocks} and C m×cols row-major.
 */
export function applyReflectorBlocks(
  blocks: ReflectorBlock[],
  m: number,
  c: Float64Array,
  cols: number,
  transpose: boolean,
): void {
  const order = transpose ? blocks : [...blocks].reverse();
  for (const { j0, v, t } of order) applyBlockReflector(v, t, c, cols, m, j0, 0, cols, transpose);
}

/** The blocks of reflectors from the last to the first, each on columns [firstColumn(j0), cols) of C. */
function applyQBlocks(
  a: Float64Array,
  m: number,
  n: number,
  tau: Float64Array,
  c: Float64Array,
  cols: number,
  firstColumn: (j0: number) => number,
): void {
  const k = tau.length;
  const lastBlock = Math.floor((k - 1) / QR_BLOCK) * QR_BLOCK;
  for (let j0 = lastBlock; j0 >= 0; j0 -= QR_BLOCK) {
    const kb = Math.min(QR_BLOCK, k - j0);
    if (kb <= 0) continue;
    const { v, t } = blockReflector(a, n, m, j0, kb, tau);
    applyBlockReflector(v, t, c, cols, m, j0, firstColumn(j0), cols, false);
  }
}
