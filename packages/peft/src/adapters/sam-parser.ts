/**
 * SAM-PARSER ("See Further" Mode 1): W' = U·diag(σ')·Vᵀ with W = UΣVᵀ (thin SVD, computed once
 * at construction) and trainable singular values σ' (initialised to σ). min(in, out) parameters.
 *
 * @module
 */
import { svd } from '@numts/decompositions';
import { add, linear, mul, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape } from '../adapter.js';
import { constant, matmulRaw, toMatrix } from '../init.js';

/** SAM-PARSER on a Linear layer. */
export class SamParserAdapter extends Adapter {
  readonly method = 'sam-parser';
  /** σ' (trainable). */
  readonly singularValues: Variable;
  /** Vᵀ (k×in, constant). */
  readonly vt: Variable;
  /** U (out×k, constant). */
  readonly u: Variable;

  constructor(layer: AdaptedLayer) {
    const [out, inn] = denseShape('sam-parser', layer);
    super(layer);
    const res = svd(toMatrix(layer.weight.data, out, inn));
    const k = res.s.length;
    this.singularValues = this.param('singular_values', constant(res.s, [k]));
    this.u = constant(res.u!.clone().data, [out, k]);
    this.vt = constant(res.vt!.clone().data, [k, inn]);
  }

  protected adaptedForward(x: Variable): Variable {
    const bias = (this.layer as { bias?: Variable }).bias;
    const y = linear(mul(linear(x, this.vt), this.singularValues), this.u);
    return bias ? add(y, bias) : y;
  }

  effectiveWeight(): Float64Array {
    const [out, inn] = denseShape('sam-parser', this.layer);
    const k = this.singularValues.size;
    const us = new Float64Array(out * k);
    const sv = this.singularValues.data;
    for (let i = 0; i < out; i++)
      for (let j = 0; j < k; j++) us[i * k + j] = this.u.data[i * k + j]! * sv[j]!;
    return matmulRaw(us, this.vt.data, out, k, inn);
  }
}
