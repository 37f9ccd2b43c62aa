/**
 * The small per-(batch, head) products of attention (T×D by D×S and back, T and S the sequence
 * lengths, D the head width) as plain loops over contiguous rows. A general gemm call per head
 * costs more in views, checks and strided loops than the products themselves at these sizes (a
 * ViT on 16 patches: T = S = 17, D = 32), and one step of attention makes six of them per head.
 * Sums run in double and are rounded once when stored, as the small-product path of gemm32 does.
 *
 * @module
 */
import type { Buf } from '../variable.js';

/**
 * out[t·S + s] = scale · Σ_d a[t, d]·b[s, d] for t < T, s < S (rows of a and b are D long and
 * contiguous from aOff and bOff): Q·Kᵀ, or G·Vᵀ.
 */
export function rowDots(
  T: number,
  S: number,
  D: number,
  a: Buf,
  aOff: number,
  b: Buf,
  bOff: number,
  out: Buf,
  outOff: number,
  scale: number,
): void {
  for (let t = 0; t < T; t++) {
    const ar = aOff + t * D;
    const orow = outOff + t * S;
    for (let s = 0; s < S; s++) {
      const br = bOff + s * D;
      let s0 = 0;
      let s1 = 0;
      let d = 0;
      for (; d + 1 < D; d += 2) {
        s0 += a[ar + d]! * b[br + d]!;
        s1 += a[ar + d + 1]! * b[br + d + 1]!;
      }
      if (d < D) s0 += a[ar + d]! * b[br + d]!;
      out[orow + s] = scale * (s0 + s1);
    }
  }
}

/**
 * out[i, :] ← (accumulate ? out[i, :] : 0) + scale · Σ_j w(i, j)·v[j, :] for the R rows i of out,
 * with rows of v and out Dv long and contiguous. w(i, j) is w[i·J + j] (P·V, dP·K), or with
 * `transposeW` w[j·R + i] (Pᵀ·G, dPᵀ·Q); J is the number of rows of v.
 */
export function rowCombinations(
  R: number,
  J: number,
  Dv: number,
  w: Buf,
  wOff: number,
  transposeW: boolean,
  v: Buf,
  vOff: number,
  out: Buf,
  outOff: number,
  scale: number,
  accumulate: boolean,
  scratch: Float64Array,
): void {
  for (let i = 0; i < R; i++) {
    scratch.fill(0, 0, Dv);
    for (let j = 0; j < J; j++) {
      const wij = transposeW ? w[wOff + j * R + i]! : w[wOff + i * J + j]!;
      const vr = vOff + j * Dv;
      for (let d = 0; d < Dv; d++) scratch[d] = scratch[d]! + wij * v[vr + d]!;
    }
    const orow = outOff + i * Dv;
    if (accumulate) for (let d = 0; d < Dv; d++) out[orow + d] = out[orow + d]! + scale * scratch[d]!;
    else for (let d = 0; d < Dv; d++) out[orow + d] = scale * scratch[d]!;
  }
}
