/**
 * Unchecked Float64 general matrix multiply kernels, C ← α·A·B + β·C on strided storage.
 *
 * Element (i, p) of A lives at `a[aOff + i*aRs + p*aCs]`, and likewise for B and C, so a
 * transpose is a swap of the two strides. Nothing here validates its arguments: the public
 * `gemm` in `../gemm.ts` does that and then calls {@link gemmKernel}.
 *
 * The packed path follows the GotoBLAS loop nest (jc → pc → ic → jr → ir): B is packed into
 * KC×NR column micro-panels and α·A into MR×KC row micro-panels (both zero-padded at the edges),
 * and a 4×4 register tile keeps its 16 partial sums in local variables for the whole k-loop.
 *
 * This file is the source of `gemm-f32.generated.ts` (see `scripts/generate-float32.mjs`); keep
 * the element type in the names `Float64Array` only, so that the generator can swap it.
 *
 * @module
 */

/** Rows of the register tile. */
export const MR = 4;
/** Columns of the register tile. */
export const NR = 4;
/** Depth of a packed panel (KC·NR·8 bytes = 8 KiB of B stay in L1). */
export const KC = 256;
/** Rows of a packed block of A (MC·KC·8 bytes = 192 KiB stay in L2). */
export const MC = 96;
/** Columns of a packed block of B. */
export const NC = 1024;
/** Below this many multiply-adds (m·n·k), packing costs more than it saves. */
export const SMALL_GEMM_WORK = 24 * 24 * 24;

const packA = new Float64Array(MC * KC);
const packB = new Float64Array(KC * NC);

/** Sets every element of the m×n strided block C to β·C (β = 0 writes exact zeros, dropping NaN). */
export function scaleBlock(
  m: number,
  n: number,
  beta: number,
  c: Float64Array,
  cOff: number,
  cRs: number,
  cCs: number,
): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    let q = cOff + i * cRs;
    if (beta === 0) {
      for (let j = 0; j < n; j++, q += cCs) c[q] = 0;
    } else {
      for (let j = 0; j < n; j++, q += cCs) c[q] = beta * c[q]!;
    }
  }
}

/**
 * Dot-product (i-j-p) loop for small problems: C += α·A·B (C already scaled by β). Each element
 * accumulates Σₚ (α·aᵢₚ)·bₚⱼ in a local double and is rounded into C once, exactly as one k-block of
 * the packed kernel does, so both paths give the same bits when k ≤ KC.
 */
export function gemmSmall(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  aRs: number,
  aCs: number,
  b: Float64Array,
  bOff: number,
  bRs: number,
  bCs: number,
  c: Float64Array,
  cOff: number,
  cRs: number,
  cCs: number,
): void {
  for (let i = 0; i < m; i++) {
    const aRow = aOff + i * aRs;
    let cq = cOff + i * cRs;
    for (let j = 0; j < n; j++, cq += cCs) {
      let s = 0;
      let ap = aRow;
      let bq = bOff + j * bCs;
      for (let p = 0; p < k; p++, ap += aCs, bq += bRs) s += alpha * a[ap]! * b[bq]!;
      c[cq] = c[cq]! + s;
    }
  }
}

/** @internal Packs the kc×nc block of B at (p0, j0) into NR-wide column micro-panels, k-major, zero-padded. */
export function packBlockB(
  kc: number,
  nc: number,
  b: Float64Array,
  bOff: number,
  bRs: number,
  bCs: number,
  p0: number,
  j0: number,
  out: Float64Array,
): void {
  let w = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    const base = bOff + p0 * bRs + (j0 + jr) * bCs;
    if (nr === NR) {
      for (let p = 0; p < kc; p++) {
        const q = base + p * bRs;
        out[w] = b[q]!;
        out[w + 1] = b[q + bCs]!;
        out[w + 2] = b[q + 2 * bCs]!;
        out[w + 3] = b[q + 3 * bCs]!;
        w += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const q = base + p * bRs;
        for (let j = 0; j < NR; j++) out[w + j] = j < nr ? b[q + j * bCs]! : 0;
        w += NR;
      }
    }
  }
}

/** @internal Packs α times the mc×kc block of A at (i0, p0) into MR-tall row micro-panels, k-major, zero-padded. */
export function packBlockA(
  mc: number,
  kc: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  aRs: number,
  aCs: number,
  i0: number,
  p0: number,
  out: Float64Array,
): void {
  let w = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = Math.min(MR, mc - ir);
    const base = aOff + (i0 + ir) * aRs + p0 * aCs;
    if (mr === MR) {
      for (let p = 0; p < kc; p++) {
        const q = base + p * aCs;
        out[w] = alpha * a[q]!;
        out[w + 1] = alpha * a[q + aRs]!;
        out[w + 2] = alpha * a[q + 2 * aRs]!;
        out[w + 3] = alpha * a[q + 3 * aRs]!;
        w += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const q = base + p * aCs;
        for (let i = 0; i < MR; i++) out[w + i] = i < mr ? alpha * a[q + i * aRs]! : 0;
        w += MR;
      }
    }
  }
}

/**
 * @internal The 4×4 micro-kernel: C[i0.., j0..] += Apanel · Bpanel over kc steps, writing only the
 * mr×nr valid corner of the tile.
 */
export function microKernel(
  kc: number,
  ap: Float64Array,
  aBase: number,
  bp: Float64Array,
  bBase: number,
  c: Float64Array,
  cBase: number,
  cRs: number,
  cCs: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  let pa = aBase;
  let pb = bBase;
  for (let p = 0; p < kc; p++) {
    const a0 = ap[pa]!;
    const a1 = ap[pa + 1]!;
    const a2 = ap[pa + 2]!;
    const a3 = ap[pa + 3]!;
    const b0 = bp[pb]!;
    const b1 = bp[pb + 1]!;
    const b2 = bp[pb + 2]!;
    const b3 = bp[pb + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    pa += 4;
    pb += 4;
  }
  if (mr === 4 && nr === 4) {
    let q = cBase;
    c[q] = c[q]! + c00;
    c[q + cCs] = c[q + cCs]! + c01;
    c[q + 2 * cCs] = c[q + 2 * cCs]! + c02;
    c[q + 3 * cCs] = c[q + 3 * cCs]! + c03;
    q += cRs;
    c[q] = c[q]! + c10;
    c[q + cCs] = c[q + cCs]! + c11;
    c[q + 2 * cCs] = c[q + 2 * cCs]! + c12;
    c[q + 3 * cCs] = c[q + 3 * cCs]! + c13;
    q += cRs;
    c[q] = c[q]! + c20;
    c[q + cCs] = c[q + cCs]! + c21;
    c[q + 2 * cCs] = c[q + 2 * cCs]! + c22;
    c[q + 3 * cCs] = c[q + 3 * cCs]! + c23;
    q += cRs;
    c[q] = c[q]! + c30;
    c[q + cCs] = c[q + cCs]! + c31;
    c[q + 2 * cCs] = c[q + 2 * cCs]! + c32;
    c[q + 3 * cCs] = c[q + 3 * cCs]! + c33;
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const q = cBase + i * cRs + j * cCs;
      c[q] = c[q]! + tile[i * 4 + j]!;
    }
  }
}

/**
 * Packed, cache-blocked product C += α·A·B (C already scaled by β). Works for any sizes,
 * including non-multiples of the tile; the edges are zero-padded in the packed panels.
 */
export function gemmPacked(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  aRs: number,
  aCs: number,
  b: Float64Array,
  bOff: number,
  bRs: number,
  bCs: number,
  c: Float64Array,
  cOff: number,
  cRs: number,
  cCs: number,
): void {
  const ap = packA;
  const bp = packB;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packBlockB(kc, nc, b, bOff, bRs, bCs, pc, jc, bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packBlockA(mc, kc, alpha, a, aOff, aRs, aCs, ic, pc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bBase = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel(
              kc,
              ap,
              ir * kc,
              bp,
              bBase,
              c,
              cOff + (ic + ir) * cRs + (jc + jr) * cCs,
              cRs,
              cCs,
              mr,
              nr,
            );
          }
        }
      }
    }
  }
}

/**
 * C ← α·A·B + β·C for an m×k A, a k×n B and an m×n C given by strides (transposes are stride
 * swaps). Unchecked: sizes, strides and bounds must already be valid and C must not overlap A or B.
 */
export function gemmKernel(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  aRs: number,
  aCs: number,
  b: Float64Array,
  bOff: number,
  bRs: number,
  bCs: number,
  beta: number,
  c: Float64Array,
  cOff: number,
  cRs: number,
  cCs: number,
): void {
  if (m === 0 || n === 0) return;
  scaleBlock(m, n, beta, c, cOff, cRs, cCs);
  if (alpha === 0 || k === 0) return;
  if (m * n * k <= SMALL_GEMM_WORK) {
    gemmSmall(m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, cCs);
  } else {
    gemmPacked(m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, cCs);
  }
}
