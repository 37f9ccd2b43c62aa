/**
 * The reconstruction adapters of "See Further" (Si, Yang, Shen 2024) that scale the singular
 * subspaces of W without computing an SVD, and (IA)³:
 *
 * - SSL: W' = W·diag(l_in)              (scales the input dimension; `in` parameters)
 * - SSB: W' = diag(l_out)·W·diag(l_in)  (both; `in + out` parameters)
 * - (IA)³: W' = diag(l_out)·W          (scales the output dimension; `out` parameters)
 *
 * All scale vectors start at 1 (no-op). The bias is not scaled.
 *
 * @module
 */
import { add, linear, mul, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape } from '../adapter.js';
import { filled } from '../init.js';

/** Which dimensions a {@link ScalingAdapter} scales. */
export type ScalingMethod = 'ssl' | 'ssb' | 'ia3';

/** SSL, SSB or (IA)³ on a Linear layer. */
export class ScalingAdapter extends Adapter {
  readonly method: ScalingMethod;
  readonly mergeable = true;
  /** l_in (SSL, SSB), or undefined. */
  readonly scaleIn: Variable | undefined;
  /** l_out (SSB, (IA)³), or undefined. */
  readonly scaleOut: Variable | undefined;

  constructor(layer: AdaptedLayer, method: ScalingMethod) {
    const [out, inn] = denseShape(method, layer);
    super(layer);
    this.method = method;
    this.scaleIn = method === 'ia3' ? undefined : this.param('scale_in', filled([inn], 1));
    this.scaleOut = method === 'ssl' ? undefined : this.param('scale_out', filled([out], 1));
  }

  protected adaptedForward(x: Variable): Variable {
    const w = this.layer.weight;
    const bias = (this.layer as { bias?: Variable }).bias;
    let y = linear(this.scaleIn ? mul(x, this.scaleIn) : x, w);
    if (this.scaleOut) y = mul(y, this.scaleOut);
    return bias ? add(y, bias) : y;
  }

  effectiveWeight(): Float64Array {
    const [out, inn] = denseShape(this.method, this.layer);
    const w = Float64Array.from(this.baseWeight());
    const li = this.scaleIn?.data;
    const lo = this.scaleOut?.data;
    for (let i = 0; i < out; i++) {
      const fo = lo ? lo[i]! : 1;
      for (let j = 0; j < inn; j++) w[i * inn + j] = w[i * inn + j]! * fo * (li ? li[j]! : 1);
    }
    return w;
  }
}
