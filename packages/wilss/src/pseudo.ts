/**
 * Pseudo-supervision of a weak step: WILSON's targets (Cermelli et al., AAAI 2022, Eq. 5–7, with the code's
 * details) and TME-lite (docs/methods/tme.md — OUR reconstruction; the TME paper's equations are not
 * public), computed on plain arrays without gradients.
 *
 * Channel layout of every map: 0 = background, 1…kOld−1 = old classes, kOld…k−1 = new classes.
 *
 * @module
 */
import { DomainError } from '@numts/core';

/** Per-batch inputs of the pseudo-label construction (all at the loss resolution, p pixels). */
export interface PseudoInputs {
  n: number;
  k: number;
  kOld: number;
  p: number;
  /** σ(old model logits) [n, kOld, p]. */
  omega: ArrayLike<number>;
  /** softmax of the localizer scores (eval mode, detached) [n, k, p]. */
  m: ArrayLike<number>;
  /** 1 where a new class is in the image label [n, k] (old channels ignored). */
  present: ArrayLike<number>;
  /** σ(current segmenter logits), detached, [n, k, p]; needed for pseudo-label fusion. */
  current?: ArrayLike<number> | undefined;
  /** Region id per pixel [n, p] (class-agnostic proposals); needed for object-based TME. */
  regions?: Int32Array | undefined;
}

/** TME-lite switches and constants (all false: WILSON exactly). */
export interface TmeOptions {
  /** Pixel-wise mutual exclusivity with the old tendency ("TME w/o OB"). */
  pixel?: boolean | undefined;
  /** Object-based TME on regions ("OB"; implies the pixel rule outside decided regions). */
  object?: boolean | undefined;
  /** Closed-form pseudo-label fusion with the current prediction ("PF"). */
  fusion?: boolean | undefined;
  /**
   * What PF fuses the seeds with: `'segmenter'` (default, §A.6: the current segmenter's new-class
   * probabilities) or `'localizer'` (the localizer's masked scores m — a diagnostic that keeps
   * everything else of PF and removes the segmenter's own early, near-zero new-class outputs).
   */
  fusionSource?: 'segmenter' | 'localizer' | undefined;
  /** Smoothing α of Eq. 6 (default 0.5). */
  alpha?: number | undefined;
  /** Old retention threshold α_R (default 0.5). */
  alphaR?: number | undefined;
  /** Region rules ρ_old < ρ_new (defaults 0.3, 0.5). */
  rhoOld?: number | undefined;
  rhoNew?: number | undefined;
  /** Current fusion weight λ_t ≥ 0 (ramped by the trainer). */
  lambda?: number | undefined;
}

/** The targets of one batch and what the mechanism metrics need. */
export interface PseudoLabels {
  /** Soft targets q̂ [n, k, p] in [0, 1]. */
  targets: Float32Array;
  /** 1 for images that pass WILSON's filter (the seed classes equal the image's new labels). */
  keep: Uint8Array;
  /** argmax of q̂ per pixel [n, p]. */
  hard: Int32Array;
  /** 1 where the old model claims an old class and the seeds claim a new one [n, p]. */
  conflict: Uint8Array;
}

/**
 * Projects v ≥ 0 (clipped to [0, 1]) onto {Σv ≤ cap} by rescaling when the sum exceeds `cap`
 * (the Π of §A.6, step 5), in place.
 */
export function projectCapped(
  v: Float32Array,
  offset: number,
  stride: number,
  count: number,
  cap: number,
): void {
  let s = 0;
  for (let j = 0; j < count; j++) {
    const i = offset + j * stride;
    const c = Math.min(1, Math.max(0, v[i]!));
    v[i] = c;
    s += c;
  }
  const limit = Math.max(0, cap);
  if (s > limit && s > 0)
    for (let j = 0; j < count; j++) v[offset + j * stride] = (v[offset + j * stride]! * limit) / s;
}

/**
 * Builds the targets of WILSON (`tme` all off) or TME-lite.
 * @throws DomainError when an input has the wrong length or fusion/object inputs are missing
 */
export function pseudoLabels(inp: PseudoInputs, tme: TmeOptions = {}): PseudoLabels {
  const fn = 'pseudoLabels';
  const { n, k, kOld, p } = inp;
  const check = (name: string, v: ArrayLike<number> | undefined, len: number) => {
    if (!v || v.length !== len)
      throw new DomainError(`${fn}: ${name} must have ${len} values (got ${v ? v.length : 'none'})`);
  };
  check('omega', inp.omega, n * kOld * p);
  check('m', inp.m, n * k * p);
  check('present', inp.present, n * k);
  if (tme.fusion) check('current (for fusion)', inp.current, n * k * p);
  if (tme.object) check('regions (for object-based TME)', inp.regions, n * p);
  const alpha = tme.alpha ?? 0.5;
  const alphaR = tme.alphaR ?? 0.5;
  const rhoOld = tme.rhoOld ?? 0.3;
  const rhoNew = tme.rhoNew ?? 0.5;
  const lambda = tme.lambda ?? 0;
  const useTme = !!(tme.pixel || tme.object);
  const targets = new Float32Array(n * k * p);
  const keep = new Uint8Array(n);
  const hard = new Int32Array(n * p);
  const conflict = new Uint8Array(n * p);
  const om = (i: number, c: number, q: number) => inp.omega[(i * kOld + c) * p + q]!;
  const mm = (i: number, c: number, q: number) => inp.m[(i * k + c) * p + q]!;
  for (let i = 0; i < n; i++) {
    const presentNew: number[] = [];
    for (let c = kOld; c < k; c++) if (inp.present[i * k + c]) presentNew.push(c);
    // Seeds δ(S): argmax over {bg} ∪ present new of the masked localizer map.
    const seed = new Int32Array(p); // 0 = background seed, else the new class
    const seedClasses = new Set<number>();
    for (let q = 0; q < p; q++) {
      let best = 0;
      let bv = mm(i, 0, q);
      for (const c of presentNew)
        if (mm(i, c, q) > bv) {
          bv = mm(i, c, q);
          best = c;
        }
      seed[q] = best;
      if (best) seedClasses.add(best);
    }
    keep[i] = seedClasses.size === presentNew.length && presentNew.every((c) => seedClasses.has(c)) ? 1 : 0;
    // Old retention U: the old model's foreground argmax where confident.
    const oldClaim = new Int32Array(p); // 0 = none, else the old class
    for (let q = 0; q < p; q++) {
      let best = 0;
      let bv = om(i, 0, q);
      for (let c = 1; c < kOld; c++)
        if (om(i, c, q) > bv) {
          bv = om(i, c, q);
          best = c;
        }
      if (best !== 0 && bv >= alphaR) oldClaim[q] = best;
      if (oldClaim[q] && seed[q]) conflict[i * p + q] = 1;
    }
    // V⁰ (one-hot seeds), after exclusivity when TME is on.
    const v = new Float32Array(k * p); // only new channels used
    for (let q = 0; q < p; q++) if (seed[q] && !(useTme && oldClaim[q])) v[seed[q]! * p + q] = 1;
    const claimed = new Uint8Array(p); // ‖U_i‖
    if (useTme) for (let q = 0; q < p; q++) claimed[q] = oldClaim[q] ? 1 : 0;
    if (tme.object) {
      const reg = inp.regions!.subarray(i * p, (i + 1) * p);
      const count = Math.max(...reg) + 1;
      const size = new Float64Array(count);
      const oldMass = new Float64Array(count);
      const oldVotes = new Map<number, Float64Array>();
      const newMass = new Float64Array(count * k);
      for (let q = 0; q < p; q++) {
        const r = reg[q]!;
        size[r]! += 1;
        if (oldClaim[q]) {
          oldMass[r]! += 1;
          let votes = oldVotes.get(r);
          if (!votes) {
            votes = new Float64Array(kOld);
            oldVotes.set(r, votes);
          }
          votes[oldClaim[q]!]! += 1;
        }
        if (seed[q]) newMass[r * k + seed[q]!]! += 1;
      }
      for (let q = 0; q < p; q++) {
        const r = reg[q]!;
        if (oldMass[r]! / size[r]! >= rhoOld) {
          const votes = oldVotes.get(r)!;
          let best = 1;
          for (let c = 2; c < kOld; c++) if (votes[c]! > votes[best]!) best = c;
          oldClaim[q] = best;
          claimed[q] = 1;
          for (const c of presentNew) v[c * p + q] = 0;
        } else {
          let best = -1;
          let bm = 0;
          for (const c of presentNew) {
            const a = newMass[r * k + c]! / size[r]!;
            if (a > bm) {
              bm = a;
              best = c;
            }
          }
          if (best >= 0 && bm >= rhoNew) {
            for (const c of presentNew) v[c * p + q] = c === best ? 1 : 0;
            oldClaim[q] = 0;
            claimed[q] = 0;
          }
        }
      }
    }
    if (tme.fusion) {
      const cur = inp.current!;
      for (let q = 0; q < p; q++) {
        for (let c = kOld; c < k; c++) {
          const present = inp.present[i * k + c] ? 1 : 0;
          v[c * p + q] = present ? (v[c * p + q]! + lambda * cur[(i * k + c) * p + q]!) / (1 + lambda) : 0;
        }
        projectCapped(v, kOld * p + q, p, k - kOld, 1 - claimed[q]!);
      }
    }
    // Targets (Eq. 6–7 for WILSON; §A.6 step 6 with TME).
    const base = i * k * p;
    for (let q = 0; q < p; q++) {
      let sumV = 0;
      for (let c = kOld; c < k; c++) sumV += v[c * p + q]!;
      const free = 1 - claimed[q]!;
      for (let c = kOld; c < k; c++) {
        const masked = inp.present[i * k + c] ? mm(i, c, q) : 0;
        targets[base + c * p + q] = alpha * v[c * p + q]! + (1 - alpha) * masked * (useTme ? free : 1);
      }
      for (let c = 1; c < kOld; c++)
        targets[base + c * p + q] = useTme ? Math.min(om(i, c, q), Math.max(0, 1 - sumV)) : om(i, c, q);
      const qb = alpha * (seed[q] === 0 ? 1 : 0) + (1 - alpha) * mm(i, 0, q);
      targets[base + q] = useTme
        ? Math.max(0, Math.min(om(i, 0, q), qb, 1 - sumV - claimed[q]!))
        : Math.min(om(i, 0, q), qb);
      let best = 0;
      for (let c = 1; c < k; c++) if (targets[base + c * p + q]! > targets[base + best * p + q]!) best = c;
      hard[i * p + q] = best;
    }
  }
  return { targets, keep, hard, conflict };
}
