/**
 * AdaLoRA's budget schedule and importance-based rank allocation (peft's `RankAllocator` and
 * `AdaLoraModel.update_and_allocate`), for the {@link AdaloraAdapter}s of a model.
 *
 * Call {@link AdaloraAllocator.updateAndAllocate} once per training step, after `backward()` and
 * the optimizer step and before the gradients are cleared (as peft's
 * `model.base_model.update_and_allocate(global_step)`):
 *
 * - while step < T − t_final, the sensitivity of every entry, I = |θ ⊙ ∇θ|, is smoothed,
 *   Ī ← β₁Ī + (1 − β₁)I, and its uncertainty Ū ← β₂Ū + (1 − β₂)|I − Ī|; an entry's score is Ī·Ū
 *   and triplet i of a layer scores s(Λᵢ) + mean_j s(Qᵢⱼ) + mean_j s(Pⱼᵢ);
 * - the budget b(t) is the total initial rank up to t_init, then decays cubically to
 *   target_r × (number of layers) at T − t_final: b = ⌊(b₀ − b_T)(1 − (t − t_init)/(T − t_final −
 *   t_init))³ + b_T⌋; every Δ_T steps the singular values Λᵢ of the b₀ − b lowest-scoring triplets
 *   (score ≤ the (b₀ − b)-th smallest) are set to 0;
 * - at step T − t_final the final allocation is made (the rank pattern is kept), and after it the
 *   pruned Λᵢ are zeroed again at every call.
 *
 * @module
 */
import { assertInRange, assertIntegerInRange, DomainError } from '@numts/core';
import type { Module, Variable } from '@numts/nn';
import { AdaloraAdapter } from './adapters/adalora.js';
import { adaptersOf } from './inject.js';

/** Options of {@link AdaloraAllocator} (peft's `AdaLoraConfig` fields in camelCase). */
export interface AdaloraScheduleOptions {
  /** T: total training steps (peft's `total_step`, required). */
  totalStep: number;
  /** Average target rank per layer (peft's `target_r`, default 8). */
  targetRank?: number | undefined;
  /** Warm-up steps at the full budget (peft's `tinit`, default 0). */
  tinit?: number | undefined;
  /** Final steps at the final budget (peft's `tfinal`, default 0). */
  tfinal?: number | undefined;
  /** Steps between two allocations (peft's `deltaT`, default 1). */
  deltaT?: number | undefined;
  /** Smoothing of the sensitivity (peft's `beta1`, default 0.85). */
  beta1?: number | undefined;
  /** Smoothing of the uncertainty (peft's `beta2`, default 0.85). */
  beta2?: number | undefined;
}

interface Smoothed {
  ipt: Float64Array;
  unc: Float64Array;
}

/** The budget allocator of the AdaLoRA adapters of one model. */
export class AdaloraAllocator {
  readonly totalStep: number;
  readonly targetRank: number;
  readonly tinit: number;
  readonly tfinal: number;
  readonly deltaT: number;
  readonly beta1: number;
  readonly beta2: number;
  /** b₀: the sum of the initial ranks. */
  readonly initialBudget: number;
  /** b_T: target rank × number of layers. */
  readonly targetBudget: number;
  /** Kept triplets per layer path after the last allocation (undefined before the first). */
  rankPattern: Map<string, boolean[]> | undefined;
  readonly #layers: [string, AdaloraAdapter][];
  #smoothed = new Map<Variable, Smoothed>();

  /**
   * @throws DomainError when the model has no AdaLoRA adapter, or for an option out of range
   *   (T ≥ 1, t_init + t_final < T, Δ_T ≥ 1, β in [0, 1), target rank ≥ 1)
   */
  constructor(model: Module, options: AdaloraScheduleOptions) {
    const fn = 'AdaloraAllocator';
    this.#layers = adaptersOf(model).filter(
      (e): e is [string, AdaloraAdapter] => e[1] instanceof AdaloraAdapter,
    );
    if (this.#layers.length === 0) throw new DomainError(`${fn}: the model has no AdaLoRA adapter`);
    assertIntegerInRange(fn, 'totalStep', options.totalStep, 1, Number.MAX_SAFE_INTEGER);
    this.totalStep = options.totalStep;
    this.targetRank = options.targetRank ?? 8;
    this.tinit = options.tinit ?? 0;
    this.tfinal = options.tfinal ?? 0;
    this.deltaT = options.deltaT ?? 1;
    this.beta1 = options.beta1 ?? 0.85;
    this.beta2 = options.beta2 ?? 0.85;
    assertIntegerInRange(fn, 'targetRank', this.targetRank, 1, Number.MAX_SAFE_INTEGER);
    assertIntegerInRange(fn, 'tinit', this.tinit, 0, this.totalStep - 1);
    assertIntegerInRange(fn, 'tfinal', this.tfinal, 0, this.totalStep - 1 - this.tinit);
    assertIntegerInRange(fn, 'deltaT', this.deltaT, 1, Number.MAX_SAFE_INTEGER);
    assertInRange(fn, 'beta1', this.beta1, 0, 1, { maxOpen: true });
    assertInRange(fn, 'beta2', this.beta2, 0, 1, { maxOpen: true });
    this.initialBudget = this.#layers.reduce((s, [, a]) => s + a.rank, 0);
    this.targetBudget = this.targetRank * this.#layers.length;
  }

  /** The budget b(step) and whether this step allocates (peft's `budget_schedule`). */
  budgetSchedule(step: number): { budget: number; mask: boolean } {
    if (step <= this.tinit) return { budget: this.initialBudget, mask: false };
    if (step > this.totalStep - this.tfinal) return { budget: this.targetBudget, mask: true };
    const coeff = 1 - (step - this.tinit) / (this.totalStep - this.tfinal - this.tinit);
    const budget = Math.trunc((this.initialBudget - this.targetBudget) * coeff ** 3 + this.targetBudget);
    return { budget, mask: step % this.deltaT === 0 };
  }

  /**
   * One step of the schedule (see the module text); returns the budget and the rank pattern when
   * this step allocated.
   * @throws DomainError when a parameter has no gradient where the importance must be updated
   */
  updateAndAllocate(step: number): { budget: number; rankPattern: Map<string, boolean[]> | undefined } {
    const fn = 'AdaloraAllocator.updateAndAllocate';
    assertIntegerInRange(fn, 'step', step, 0, Number.MAX_SAFE_INTEGER);
    const finalStep = this.totalStep - this.tfinal;
    if (step < finalStep) {
      this.#updateImportance(fn);
      const { budget, mask } = this.budgetSchedule(step);
      if (mask) this.rankPattern = this.#maskToBudget(budget);
      return { budget, rankPattern: mask ? this.rankPattern : undefined };
    }
    if (step === finalStep) {
      this.rankPattern = this.#maskToBudget(this.targetBudget);
      this.#smoothed = new Map();
      return { budget: this.targetBudget, rankPattern: this.rankPattern };
    }
    if (this.rankPattern)
      for (const [path, a] of this.#layers) {
        const keep = this.rankPattern.get(path)!;
        keep.forEach((k, i) => {
          if (!k) a.loraE.data[i] = 0;
        });
      }
    return { budget: this.targetBudget, rankPattern: undefined };
  }

  #updateImportance(fn: string): void {
    for (const [path, a] of this.#layers)
      for (const p of [a.loraA, a.loraE, a.loraB]) {
        if (!p.grad)
          throw new DomainError(
            `${fn}: the AdaLoRA parameters of ${JSON.stringify(path)} have no gradient; call it after backward()`,
          );
        let s = this.#smoothed.get(p);
        if (!s) {
          s = { ipt: new Float64Array(p.size), unc: new Float64Array(p.size) };
          this.#smoothed.set(p, s);
        }
        for (let i = 0; i < p.size; i++) {
          const ipt = Math.abs(p.data[i]! * p.grad[i]!);
          s.ipt[i] = this.beta1 * s.ipt[i]! + (1 - this.beta1) * ipt;
          s.unc[i] = this.beta2 * s.unc[i]! + (1 - this.beta2) * Math.abs(ipt - s.ipt[i]!);
        }
      }
  }

  /** Score of every triplet of every layer, in layer order. */
  #tripletScores(): Float64Array[] {
    return this.#layers.map(([, a]) => {
      const r = a.rank;
      const inn = a.loraA.shape[1]!;
      const out = a.loraB.shape[0]!;
      const score = (p: Variable, i: number) => {
        const s = this.#smoothed.get(p);
        return s ? s.ipt[i]! * s.unc[i]! : 0;
      };
      return Float64Array.from({ length: r }, (_, i) => {
        let qa = 0;
        for (let j = 0; j < inn; j++) qa += score(a.loraA, i * inn + j);
        let pb = 0;
        for (let j = 0; j < out; j++) pb += score(a.loraB, j * r + i);
        return score(a.loraE, i) + (qa / inn + pb / out);
      });
    });
  }

  /** Zeroes Λᵢ of every triplet scoring at most the (b₀ − budget)-th smallest score. */
  #maskToBudget(budget: number): Map<string, boolean[]> {
    const scores = this.#tripletScores();
    const k = this.initialBudget - budget;
    const pattern = new Map<string, boolean[]>();
    if (k <= 0) {
      for (const [path, a] of this.#layers) pattern.set(path, new Array<boolean>(a.rank).fill(true));
      return pattern;
    }
    const sorted = Float64Array.from(scores.flatMap((s) => Array.from(s))).sort();
    const threshold = sorted[Math.min(k, sorted.length) - 1]!;
    this.#layers.forEach(([path, a], l) => {
      const keep = Array.from(scores[l]!, (s) => !(s <= threshold));
      keep.forEach((kept, i) => {
        if (!kept) a.loraE.data[i] = 0;
      });
      pattern.set(path, keep);
    });
    return pattern;
  }
}
