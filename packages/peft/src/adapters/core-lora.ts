/**
 * Low-rank adapters with a full r×r core: ΔW = s·B·G·A ("A M B" in "See Further").
 *
 * - MoSLoRA: B = 0, A and the mixer G ~ N(0, 0.02²), s = α/r.
 * - FLoRA (linear): the N = 2 case of FLoRA's Tucker update, G = 0 and the factors
 *   ~ N(0, 1/(2r)) (kaiming_normal with a = √3, as in the FLoRA code), with a plain scale.
 *
 * r(in + out) + r² parameters.
 *
 * @module
 */
import { Rng } from '@numts/core';
import { add, affine, dropout, linear, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape, type LowRankFactors } from '../adapter.js';
import { filled, matmulRaw, normalVar } from '../init.js';
import { checkDenseLowRank } from './lora.js';

/** Options of {@link CoreLoraAdapter}. */
export interface CoreLoraOptions {
  rank: number;
  /** The scale s of ΔW (MoSLoRA: α/r, FLoRA: its `scale`). */
  scaling: number;
  dropout?: number | undefined;
  seed?: number | undefined;
}

/** MoSLoRA or linear FLoRA on a Linear layer: y = base(x) + s·((drop(x)·Aᵀ)·Gᵀ)·Bᵀ. */
export class CoreLoraAdapter extends Adapter {
  readonly method: 'moslora' | 'flora';
  readonly rank: number;
  readonly scaling: number;
  readonly dropoutP: number;
  readonly loraA: Variable;
  readonly loraB: Variable;
  /** The r×r core (MoSLoRA's mixer, FLoRA's G). */
  readonly loraG: Variable;
  private readonly rng: Rng;

  constructor(layer: AdaptedLayer, method: 'moslora' | 'flora', options: CoreLoraOptions) {
    const [out, inn] = checkDenseLowRank(method, layer, options);

    super(layer);
    const r = options.rank;
    const rng = new Rng(options.seed ?? 0);
    this.method = method;
    this.rank = r;
    this.scaling = options.scaling;
    this.dropoutP = options.dropout ?? 0;
    this.rng = new Rng((options.seed ?? 0) + 0x9e3779b1);
    if (method === 'moslora') {
      this.loraA = this.param('lora_A', normalVar(rng, [r, inn], 0.02));
      this.loraG = this.param('lora_G', normalVar(rng, [r, r], 0.02));
      this.loraB = this.param('lora_B', filled([out, r], 0));
    } else {
      const sd = 1 / Math.sqrt(2 * r);
      this.loraA = this.param('lora_A', normalVar(rng, [r, inn], sd));
      this.loraG = this.param('lora_G', filled([r, r], 0));
      this.loraB = this.param('lora_B', normalVar(rng, [out, r], sd));
    }
  }

  protected adaptedForward(x: Variable): Variable {
    const dx = this.dropoutP > 0 ? dropout(x, this.dropoutP, this.rng, this.training) : x;
    const h = linear(linear(linear(dx, this.loraA), this.loraG), this.loraB);
    return add(this.layer.baseForward(x), affine(h, this.scaling));
  }

  effectiveWeight(): Float64Array {
    const [out, inn] = denseShape(this.method, this.layer);
    const r = this.rank;
    const bg = matmulRaw(this.loraB.data, this.loraG.data, out, r, r);
    const d = matmulRaw(bg, this.loraA.data, out, r, inn);
    const w = this.baseWeight();
    for (let i = 0; i < d.length; i++) d[i] = w[i]! + this.scaling * d[i]!;
    return d;
  }

  override lowRankFactors(): LowRankFactors {
    return { down: this.loraA, up: this.loraB };
  }
}
