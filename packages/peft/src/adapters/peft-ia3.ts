/**
 * (IA)³ exactly as Hugging Face peft implements it (`peft_type: "IA3"`), so that stock IA3 files
 * load and save: one learned vector `ia3_l` per adapted Linear layer,
 *
 * - attention-type target: y = (W·x + b) ⊙ l, `ia3_l` of shape [out, 1]; merged as W ← diag(l)·W
 *   and b ← l ⊙ b;
 * - feed-forward target (listed in `feedforward_modules`): y = W·(x ⊙ l) + b, `ia3_l` of shape
 *   [1, in]; merged as W ← W·diag(l), b unchanged.
 *
 * numts' own `ia3` method ({@link ScalingAdapter}) scales the output without the bias, as the
 * (IA)³ paper's bias-free T5 does; this one follows peft, bias included.
 *
 * @module
 */
import { DomainError } from '@numts/core';
import { add, Linear, linear, mul, reshape, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, layerKind } from '../adapter.js';
import { filled } from '../init.js';

/** peft's IA3 on one Linear layer. */
export class PeftIa3Adapter extends Adapter {
  readonly method = 'peft-ia3' as const;
  /** [out, 1] for an attention-type target, [1, in] for a feed-forward one (peft's shapes). */
  readonly ia3L: Variable;
  constructor(
    layer: AdaptedLayer,
    readonly feedforward: boolean,
  ) {
    if (!(layer instanceof Linear))
      throw new DomainError(`peft-ia3: adapts Linear layers (got ${layerKind(layer)})`);
    super(layer);
    this.ia3L = this.param(
      'ia3_l',
      feedforward ? filled([1, layer.inFeatures], 1) : filled([layer.outFeatures, 1], 1),
    );
  }

  protected adaptedForward(x: Variable): Variable {
    const layer = this.layer as Linear;
    if (this.feedforward)
      return linear(mul(x, reshape(this.ia3L, [layer.inFeatures])), layer.weight, layer.bias);
    const y = linear(x, layer.weight);
    const yb = layer.bias ? add(y, layer.bias) : y;
    return mul(yb, reshape(this.ia3L, [layer.outFeatures]));
  }

  effectiveWeight(): Float64Array {
    const layer = this.layer as Linear;
    const w = Float64Array.from(this.baseWeight());
    const l = this.ia3L.data;
    const [out, inn] = [layer.outFeatures, layer.inFeatures];
    for (let o = 0; o < out; o++)
      for (let i = 0; i < inn; i++) w[o * inn + i] = w[o * inn + i]! * (this.feedforward ? l[i]! : l[o]!);
    return w;
  }

  override effectiveBias(): Float64Array | undefined {
    const layer = this.layer as Linear;
    if (this.feedforward || !layer.bias) return undefined;
    const b = Float64Array.from(this.baseBias() ?? layer.bias.data);
    for (let o = 0; o < b.length; o++) b[o] = b[o]! * this.ia3L.data[o]!;
    return b;
  }
}
