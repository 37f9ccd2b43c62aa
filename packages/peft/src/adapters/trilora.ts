/**
 * TriLoRA: ΔW = B·diag(e)·A with A, B Kaiming-uniform and e = 0 (no scaling), the "A D B"
 * decomposition of "See Further". r(in + out) + r parameters.
 *
 * @module
 */
import { Rng } from '@numts/core';
import { add, linear, mul, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape, type LowRankFactors } from '../adapter.js';
import { filled, kaimingUniform, matmulRaw } from '../init.js';
import { checkDenseLowRank } from './lora.js';

/** TriLoRA on a Linear layer. */
export class TriLoraAdapter extends Adapter {
  readonly method = 'trilora';
  readonly rank: number;
  readonly loraA: Variable;
  readonly loraB: Variable;
  /** The diagonal core e ∈ R^r. */
  readonly loraE: Variable;

  constructor(layer: AdaptedLayer, options: { rank: number; seed?: number }) {
    const [out, inn] = checkDenseLowRank('trilora', layer, options);

    super(layer);
    const r = options.rank;
    const rng = new Rng(options.seed ?? 0);
    this.rank = r;
    this.loraA = this.param('lora_A', kaimingUniform(rng, [r, inn], inn));
    this.loraB = this.param('lora_B', kaimingUniform(rng, [out, r], r));
    this.loraE = this.param('lora_E', filled([r], 0));
  }

  protected adaptedForward(x: Variable): Variable {
    return add(this.layer.baseForward(x), linear(mul(linear(x, this.loraA), this.loraE), this.loraB));
  }

  effectiveWeight(): Float64Array {
    const [out, inn] = denseShape('trilora', this.layer);
    const r = this.rank;
    const be = new Float64Array(out * r);
    for (let i = 0; i < out; i++)
      for (let j = 0; j < r; j++) be[i * r + j] = this.loraB.data[i * r + j]! * this.loraE.data[j]!;
    const d = matmulRaw(be, this.loraA.data, out, r, inn);
    const w = this.baseWeight();
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + w[i]!;
    return d;
  }

  override lowRankFactors(): LowRankFactors {
    return { down: this.loraA, up: this.loraB };
  }
}
