/**
 * DoRA (Liu et al. 2024): W' = m ⊙ (W + s·BA) / ‖W + s·BA‖_row, with the magnitude m ∈ R^out
 * initialised to the row norms of W. As in the paper (§4.3) and HF peft, the norm is treated as a
 * constant in the backward pass unless `detachNorm` is false.
 *
 * @module
 */
import { add, affine, div, linear, mul, permute, reshape, sqrt, square, sum, type Variable } from '@numts/nn';
import { type AdaptedLayer, denseShape } from '../adapter.js';
import { constant, rowNorms } from '../init.js';
import { LoraAdapter, type LoraOptions } from './lora.js';

/**
 * Norms below this are raised to it, so that a zero row of W + s·BA (m = 0 at init) gives a zero
 * output row instead of 0/0.
 */
const NORM_FLOOR = 1e-30;

function guarded(n: Float64Array): Float64Array {
  for (let i = 0; i < n.length; i++) if (n[i]! < NORM_FLOOR) n[i] = NORM_FLOOR;
  return n;
}

/** Options of {@link DoraAdapter}. */
export interface DoraOptions extends LoraOptions {
  /** Treat ‖W + s·BA‖ as a constant in backward (default true, as in the paper and HF). */
  detachNorm?: boolean | undefined;
}

/** DoRA: y = base(x) + (m/n − 1)⊙(drop(x)Wᵀ) + (m/n)⊙s·(drop(x)AᵀBᵀ), n = ‖W + s·BA‖ per row. */
export class DoraAdapter extends LoraAdapter {
  /** Magnitude m (HF `lora_magnitude_vector`), one per output feature. */
  readonly magnitude: Variable;
  readonly detachNorm: boolean;

  constructor(layer: AdaptedLayer, options: DoraOptions) {
    const [out, inn] = denseShape('dora', layer);
    super(layer, options, 'dora');
    this.detachNorm = options.detachNorm ?? true;
    this.magnitude = this.param(
      'lora_magnitude_vector',
      constant(rowNorms(this.layer.weight.data, out, inn), [out]),
    );
  }

  /** n = ‖W + s·BA‖ per output row, as a Variable (constant when the norm is detached). */
  private columnNorm(): Variable {
    const [out, inn] = denseShape('dora', this.layer);
    if (this.detachNorm) {
      const w = this.baseWeight();
      const d = this.loraDelta();
      for (let i = 0; i < d.length; i++) d[i] = d[i]! + w[i]!;
      return constant(guarded(rowNorms(d, out, inn)), [out]);
    }
    // Differentiable: ‖W + s·B·A‖ rows through the tape.
    const ba = linear(this.loraB, permute(this.loraA, [1, 0]));
    const full = add(this.layer.weight, affine(ba, this.scaling));
    return sqrt(affine(reshape(sum(square(full), [1]), [out]), 1, NORM_FLOOR ** 2));
  }

  protected override adaptedForward(x: Variable): Variable {
    const base = this.layer.baseForward(x);
    const dx = this.dropped(x);
    const scale = div(this.magnitude, this.columnNorm());
    const xw = linear(dx, this.layer.weight);
    const rescale = mul(xw, affine(scale, 1, -1));
    return add(add(base, rescale), mul(this.loraBranch(dx), scale));
  }

  override effectiveWeight(): Float64Array {
    const [out, inn] = denseShape('dora', this.layer);
    const w = this.baseWeight();
    const full = this.loraDelta();
    for (let i = 0; i < full.length; i++) full[i] = full[i]! + w[i]!;
    const n = guarded(rowNorms(full, out, inn));
    const m = this.magnitude.data;
    for (let i = 0; i < out; i++) {
      const f = m[i]! / n[i]!;
      for (let j = 0; j < inn; j++) full[i * inn + j] = full[i * inn + j]! * f;
    }
    return full;
  }
}
