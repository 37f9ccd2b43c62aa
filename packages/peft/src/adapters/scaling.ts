/**
 * The reconstruction adapters of "See Further" (Si, Yang, Shen 2024) that scale the singular
 * subspaces of W without computing an SVD, and (IA)³:
 *
 * - SSL: W' = W·diag(l_in)              (scales the input dimension; `in` parameters)
 * - SSB: W' = diag(l_out)·W·diag(l_in)  (both; `in + out` parameters)
 * - (IA)³: W' = diag(l_out)·W          (scales the output dimension; `out` parameters)
 *
 * On a Conv2d the same scalings act on input and output channels (l_in has `in` entries also for a
 * grouped convolution: input channel c of group g is scaled by l_in[c]). All scale vectors start at
 * 1 (no-op). The bias is not scaled.
 *
 * @module
 */

import { DomainError } from '@numts/core';
import { add, Conv2d, conv2d, Linear, linear, mul, reshape, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, layerKind } from '../adapter.js';
import { filled } from '../init.js';

/** Which dimensions a {@link ScalingAdapter} scales. */
export type ScalingMethod = 'ssl' | 'ssb' | 'ia3';

/** SSL, SSB or (IA)³ on a Linear or Conv2d layer. */
export class ScalingAdapter extends Adapter {
  readonly method: ScalingMethod;
  /** l_in (SSL, SSB), or undefined. */
  readonly scaleIn: Variable | undefined;
  /** l_out (SSB, (IA)³), or undefined. */
  readonly scaleOut: Variable | undefined;
  private readonly inCount: number;
  private readonly outCount: number;

  constructor(layer: AdaptedLayer, method: ScalingMethod) {
    if (!(layer instanceof Linear || layer instanceof Conv2d))
      throw new DomainError(`${method}: adapts Linear and Conv2d layers (got ${layerKind(layer)})`);
    super(layer);
    this.method = method;
    this.inCount = layer instanceof Linear ? layer.inFeatures : layer.inChannels;
    this.outCount = layer instanceof Linear ? layer.outFeatures : layer.outChannels;
    this.scaleIn = method === 'ia3' ? undefined : this.param('scale_in', filled([this.inCount], 1));
    this.scaleOut = method === 'ssl' ? undefined : this.param('scale_out', filled([this.outCount], 1));
  }

  protected adaptedForward(x: Variable): Variable {
    const layer = this.layer;
    if (layer instanceof Linear) {
      let y = linear(this.scaleIn ? mul(x, this.scaleIn) : x, layer.weight);
      if (this.scaleOut) y = mul(y, this.scaleOut);
      return layer.bias ? add(y, layer.bias) : y;
    }
    const conv = layer as Conv2d;
    const xin = this.scaleIn ? mul(x, reshape(this.scaleIn, [1, this.inCount, 1, 1])) : x;
    let y = conv2d(xin, conv.weight, undefined, conv.options);
    if (this.scaleOut) y = mul(y, reshape(this.scaleOut, [1, this.outCount, 1, 1]));
    return conv.bias ? add(y, reshape(conv.bias, [1, this.outCount, 1, 1])) : y;
  }

  effectiveWeight(): Float64Array {
    const w = Float64Array.from(this.baseWeight());
    const li = this.scaleIn?.data;
    const lo = this.scaleOut?.data;
    const out = this.outCount;
    const perOut = w.length / out; // (in/groups)·kh·kw, or in for Linear
    const layer = this.layer;
    const groups = layer instanceof Conv2d ? (layer.options.groups ?? 1) : 1;
    const inPerGroup = this.inCount / groups;
    const taps = perOut / inPerGroup;
    for (let o = 0; o < out; o++) {
      const g = Math.floor(o / (out / groups));
      const fo = lo ? lo[o]! : 1;
      for (let j = 0; j < perOut; j++) {
        const cIn = g * inPerGroup + Math.floor(j / taps);
        w[o * perOut + j] = w[o * perOut + j]! * fo * (li ? li[cIn]! : 1);
      }
    }
    return w;
  }
}
