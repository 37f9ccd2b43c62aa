/**
 * AdaLoRA (Zhang et al., ICLR 2023; HF peft's `AdaLoraConfig`): LoRA in SVD form,
 * ΔW = P·diag(Λ)·Q·α/(r + 10⁻⁵) with P = `lora_B` (out×r), Λ = `lora_E` (r×1) and
 * Q = `lora_A` (r×in), where r is the initial rank (peft's `init_r`; its `ranknum` stays r).
 * Initialisation as peft's: P, Q ~ N(0, 0.02²), Λ = 0 (a no-op). The budget is allocated during
 * training by {@link AdaloraAllocator}, which zeroes the singular values Λᵢ of the least important
 * triplets; the orthogonality regulariser ‖QQᵀ − I‖_F + ‖PᵀP − I‖_F (mean over matrices,
 * unsquared, weight `orth_reg_weight`) is `mpcPenalty(model, { kind: 'orthogonal', lambda })`.
 *
 * @module
 */
import { Rng } from '@numts/core';
import { add, affine, linear, mul, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape, type LowRankFactors } from '../adapter.js';
import { filled, matmulRaw, normalVar } from '../init.js';
import { checkDenseLowRank } from './lora.js';

/** Options of {@link AdaloraAdapter}. */
export interface AdaloraOptions {
  /** The initial rank r (peft's `init_r`), in [1, min(in, out)]. */
  rank: number;
  /** α (peft's `lora_alpha`; default r): ΔW is scaled by α/(r + 10⁻⁵). */
  alpha?: number | undefined;
  seed?: number | undefined;
}

/** AdaLoRA on a Linear layer (peft's parameter names `lora_A`, `lora_E`, `lora_B`). */
export class AdaloraAdapter extends Adapter {
  readonly method = 'adalora';
  /** Q (r×in): right singular vectors. */
  readonly loraA: Variable;
  /** Λ (r×1): singular values (zeroed by the allocator when a triplet is pruned). */
  readonly loraE: Variable;
  /** P (out×r): left singular vectors. */
  readonly loraB: Variable;
  /** The initial rank r (peft's `init_r` and `ranknum`). */
  readonly rank: number;
  /** α (peft's `lora_alpha` / `alpha`). */
  readonly alpha: number;
  /** α/(r + 10⁻⁵), as peft's `scaling / (ranknum + 1e-5)`. */
  readonly scaling: number;

  constructor(layer: AdaptedLayer, options: AdaloraOptions) {
    const [out, inn] = checkDenseLowRank('adalora', layer, options);
    super(layer);
    this.rank = options.rank;
    this.alpha = options.alpha ?? this.rank;
    this.scaling = this.alpha / (this.rank + 1e-5);
    const rng = new Rng(options.seed ?? 0);
    this.loraA = this.param('lora_A', normalVar(rng, [this.rank, inn], 0.02));
    this.loraE = this.param('lora_E', filled([this.rank, 1], 0));
    this.loraB = this.param('lora_B', normalVar(rng, [out, this.rank], 0.02));
  }

  protected adaptedForward(x: Variable): Variable {
    const h = linear(x, mul(this.loraA, this.loraE)); // x·(Q ⊙ Λ)ᵀ
    return add(this.layer.baseForward(x), affine(linear(h, this.loraB), this.scaling));
  }

  effectiveWeight(): Float64Array {
    const [out, inn] = denseShape('adalora', this.layer);
    const r = this.rank;
    const qe = Float64Array.from(this.loraA.data, (v, i) => v * this.loraE.data[Math.floor(i / inn)]!);
    const d = matmulRaw(this.loraB.data, qe, out, r, inn);
    const w = this.baseWeight();
    for (let i = 0; i < d.length; i++) d[i] = w[i]! + d[i]! * this.scaling;
    return d;
  }

  override lowRankFactors(): LowRankFactors {
    return { down: this.loraA, up: this.loraB };
  }
}
