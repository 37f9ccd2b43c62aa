/**
 * Scaled dot-product attention with causal and key-padding masks and grouped-query heads, fused:
 * the attention probabilities are the only [T, S] buffer kept for the backward pass.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';
import { rowCombinations, rowDots } from './attention-products.js';

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /** Query t attends to keys s ≤ t + (S − T) only (a causal language model). Default false. */
  causal?: boolean;
  /**
   * Key padding mask, B × S values: 1 keeps key s of batch b, 0 masks it (as an attention_mask of
   * Hugging Face transformers). A query whose keys are all masked attends uniformly to all of them,
   * as transformers' additive float32-min mask gives.
   */
  keyMask?: ArrayLike<number>;
  /** Scale of the scores (default 1/√D). */
  scale?: number;
}

/**
 * softmax(scale·Q·Kᵀ + mask)·V per batch and head, for Q [B, H, T, D], K [B, Hkv, S, D] and
 * V [B, Hkv, S, Dv]; H must be a multiple of Hkv, and query head h reads key/value head
 * ⌊h / (H / Hkv)⌋ (grouped-query attention; Hkv = H is ordinary multi-head attention).
 * Returns [B, H, T, Dv].
 * @throws ShapeError when the shapes or the mask do not fit
 */
export function scaledDotProductAttention(
  q: Variable,
  k: Variable,
  v: Variable,
  options: AttentionOptions = {},
): Variable {
  const fn = 'scaledDotProductAttention';
  assertVariable(fn, 'q', q);
  assertVariable(fn, 'k', k);
  assertVariable(fn, 'v', v);
  if (q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4)
    throw new ShapeError(
      `${fn}: q, k and v must be 4-d [batch, heads, length, dim] (got [${q.shape.join(', ')}], [${k.shape.join(', ')}], [${v.shape.join(', ')}])`,
    );
  const [B, H, T, D] = q.shape as [number, number, number, number];
  const [kb, Hkv, S, kd] = k.shape as [number, number, number, number];
  const [vb, vh, vs, Dv] = v.shape as [number, number, number, number];
  if (kb !== B || vb !== B || kd !== D || vh !== Hkv || vs !== S)
    throw new ShapeError(
      `${fn}: k must be [${B}, Hkv, S, ${D}] and v [${B}, Hkv, S, Dv] with the same Hkv and S (got [${k.shape.join(', ')}] and [${v.shape.join(', ')}])`,
    );
  if (Hkv < 1 || H % Hkv !== 0)
    throw new ShapeError(`${fn}: the ${H} query heads must be a multiple of the ${Hkv} key/value heads`);
  const mask = options.keyMask;
  if (mask !== undefined && mask.length !== B * S)
    throw new ShapeError(`${fn}: keyMask must have batch × keys = ${B * S} values (got ${mask.length})`);
  const scale = options.scale ?? 1 / Math.sqrt(D);
  const causal = options.causal ?? false;
  const group = H / Hkv;
  const offset = S - T; // with a cache of earlier keys, query t sits at position t + offset
  const probs = alloc(B * H * T * S);
  // Rows whose keys are all masked: their uniform weights do not depend on q or k.
  const constant = new Uint8Array(B * H * T);
  const out = alloc(B * H * T * Dv);
  const scratch = new Float64Array(Math.max(D, Dv));
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      const qOff = (b * H + h) * T * D;
      const kOff = (b * Hkv + kvh) * S * D;
      const vOff = (b * Hkv + kvh) * S * Dv;
      const pOff = (b * H + h) * T * S;
      rowDots(T, S, D, q.data, qOff, k.data, kOff, probs, pOff, scale);
      for (let t = 0; t < T; t++) {
        const row = pOff + t * S;
        let m = Number.NEGATIVE_INFINITY;
        let kept = 0;
        for (let s = 0; s < S; s++) {
          const allowed = (!causal || s <= t + offset) && (mask === undefined || mask[b * S + s] !== 0);
          if (allowed) {
            kept++;
            if (probs[row + s]! > m) m = probs[row + s]!;
          } else probs[row + s] = Number.NEGATIVE_INFINITY;
        }
        if (kept === 0) {
          probs.fill(1 / S, row, row + S);
          constant[(b * H + h) * T + t] = 1;
          continue;
        }
        let z = 0;
        for (let s = 0; s < S; s++) {
          const e = Math.exp(probs[row + s]! - m);
          probs[row + s] = e;
          z += e;
        }
        for (let s = 0; s < S; s++) probs[row + s] = probs[row + s]! / z;
      }
      rowCombinations(
        T,
        S,
        Dv,
        probs,
        pOff,
        false,
        v.data,
        vOff,
        out,
        (b * H + h) * T * Dv,
        1,
        false,
        scratch,
      );
    }
  }
  return record(out, [B, H, T, Dv], [q, k, v], (g) => {
    const dp = alloc(T * S);
    const gq = q.requiresGrad ? gradOf(q) : null;
    const gk = k.requiresGrad ? gradOf(k) : null;
    const gv = v.requiresGrad ? gradOf(v) : null;
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const kvh = Math.floor(h / group);
        const qOff = (b * H + h) * T * D;
        const kOff = (b * Hkv + kvh) * S * D;
        const vOff = (b * Hkv + kvh) * S * Dv;
        const pOff = (b * H + h) * T * S;
        const gOff = (b * H + h) * T * Dv;
        // dV += Pᵀ·G; dP = G·Vᵀ; dScores = P ⊙ (dP − rowsum(dP ⊙ P)).
        if (gv) rowCombinations(S, T, Dv, probs, pOff, true, g, gOff, gv, vOff, 1, true, scratch);
        if (!gq && !gk) continue;
        rowDots(T, S, Dv, g, gOff, v.data, vOff, dp, 0, 1);
        for (let t = 0; t < T; t++) {
          if (constant[(b * H + h) * T + t]) {
            dp.fill(0, t * S, t * S + S);
            continue;
          }
          let dot = 0;
          for (let s = 0; s < S; s++) dot += dp[t * S + s]! * probs[pOff + t * S + s]!;
          for (let s = 0; s < S; s++) dp[t * S + s] = probs[pOff + t * S + s]! * (dp[t * S + s]! - dot);
        }
        if (gq) rowCombinations(T, S, D, dp, 0, false, k.data, kOff, gq, qOff, scale, true, scratch);
        if (gk) rowCombinations(S, T, D, dp, 0, true, q.data, qOff, gk, kOff, scale, true, scratch);
      }
    }
  });
}
