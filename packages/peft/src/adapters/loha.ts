/**
 * LoHa (Hadamard-product low-rank adaptation, FedPara / LyCORIS, as in HF peft's `LoHaConfig`):
 * ΔW = s·(W₁ₐ·W₁ᵦ) ⊙ (W₂ₐ·W₂ᵦ) with W₁ₐ, W₂ₐ out×r, W₁ᵦ, W₂ᵦ r×in and s = α/r. Its rank can
 * reach r² with 2r(in + out) parameters. Initialisation as peft's: W₁ₐ, W₁ᵦ, W₂ₐ
 * Kaiming-uniform (U(±1/√fan_in)), W₂ᵦ = 0, so the adapter starts as a no-op.
 *
 * @module
 */
import { Rng } from '@numts/core';
import { add, affine, linear, matmul, mul, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter } from '../adapter.js';
import { filled, kaimingUniform, matmulRaw } from '../init.js';
import { checkDenseLowRank } from './lora.js';

/** Options of {@link LohaAdapter}. */
export interface LohaOptions {
  /** r, in [1, min(in, out)]. */
  rank: number;
  /** α (default r): the scaling is α/r. */
  alpha?: number | undefined;
  seed?: number | undefined;
}

/** LoHa on a Linear layer (peft's parameter names: `hada_w1_a`, `hada_w1_b`, `hada_w2_a`, `hada_w2_b`). */
export class LohaAdapter extends Adapter {
  readonly method = 'loha';
  readonly rank: number;
  /** α (peft's `lora_alpha` / `alpha`). */
  readonly alpha: number;
  /** s = α/r. */
  readonly scaling: number;
  readonly w1a: Variable;
  readonly w1b: Variable;
  readonly w2a: Variable;
  readonly w2b: Variable;
  readonly #shape: [out: number, inn: number];

  constructor(layer: AdaptedLayer, options: LohaOptions) {
    const [out, inn] = checkDenseLowRank('loha', layer, options);
    super(layer);
    const r = options.rank;
    const rng = new Rng(options.seed ?? 0);
    this.rank = r;
    this.alpha = options.alpha ?? r;
    this.scaling = this.alpha / r;
    this.#shape = [out, inn];
    this.w1a = this.param('hada_w1_a', kaimingUniform(rng, [out, r], r));
    this.w1b = this.param('hada_w1_b', kaimingUniform(rng, [r, inn], inn));
    this.w2a = this.param('hada_w2_a', kaimingUniform(rng, [out, r], r));
    this.w2b = this.param('hada_w2_b', filled([r, inn], 0));
  }

  /** ΔW as a Variable (out×in), so that gradients reach the four factors. */
  private delta(): Variable {
    return affine(mul(matmul(this.w1a, this.w1b), matmul(this.w2a, this.w2b)), this.scaling);
  }

  protected adaptedForward(x: Variable): Variable {
    return add(this.layer.baseForward(x), linear(x, this.delta()));
  }

  effectiveWeight(): Float64Array {
    const [out, inn] = this.#shape;
    const r = this.rank;
    const p = matmulRaw(this.w1a.data, this.w1b.data, out, r, inn);
    const q = matmulRaw(this.w2a.data, this.w2b.data, out, r, inn);
    const w = this.baseWeight();
    for (let i = 0; i < p.length; i++) p[i] = w[i]! + p[i]! * q[i]! * this.scaling;
    return p;
  }
}
