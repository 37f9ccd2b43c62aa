/**
 * DoRA (Liu et al. 2024): M' = m ⊙ (M + s·BA) / ‖M + s·BA‖_row on the layer's weight matrix M
 * (see weight-matrix.ts), with the magnitude m initialised to the row norms of M: one value per
 * output feature of a Linear layer, per output channel of a Conv2d (stored (1, out, 1, 1) as
 * peft), and per embedding dimension of an Embedding (the norm runs over the tokens, as peft's
 * `DoraEmbeddingLayer`). As in the paper (§4.3) and HF peft, the norm is treated as a constant in
 * the backward pass unless `detachNorm` is false.
 *
 * @module
 */
import {
  add,
  affine,
  Conv2d,
  conv2d,
  div,
  Embedding,
  type Linear,
  linear,
  matmul,
  mul,
  permute,
  reshape,
  sqrt,
  square,
  sum,
  type Variable,
} from '@numts/nn';
import type { AdaptedLayer } from '../adapter.js';
import { constant, rowNorms } from '../init.js';
import { toWeightMatrix, type WeightMatrixShape, weightMatrixShape } from '../weight-matrix.js';
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

/**
 * DoRA: y = base(x) + (g − 1)⊙plain(x̃) + g⊙s·lora(x̃), g = m/n broadcast along the output
 * features (channels for Conv2d), x̃ the dropped input and plain the layer without its bias.
 */
export class DoraAdapter extends LoraAdapter {
  /** Magnitude m (HF `lora_magnitude_vector`): [out], [1, out, 1, 1] (Conv2d) or [dim] (Embedding). */
  readonly magnitude: Variable;
  readonly detachNorm: boolean;
  readonly #matrix: WeightMatrixShape;

  constructor(layer: AdaptedLayer, options: DoraOptions) {
    super(layer, options, 'dora');
    this.#matrix = weightMatrixShape('dora', layer);
    const { rows, cols } = this.#matrix;
    this.detachNorm = options.detachNorm ?? true;
    const shape = layer instanceof Conv2d ? [1, rows, 1, 1] : [rows];
    this.magnitude = this.param(
      'lora_magnitude_vector',
      constant(rowNorms(toWeightMatrix(this.#matrix, this.layer.weight.data), rows, cols), shape),
    );
  }

  /** n = ‖M + s·BA‖ per row, shaped like m (a constant when the norm is detached). */
  private rowNorm(): Variable {
    const { rows, cols } = this.#matrix;
    const shape = [...this.magnitude.shape];
    if (this.detachNorm) {
      const w = this.baseWeight();
      const d = this.loraDelta();
      for (let i = 0; i < d.length; i++) d[i] = d[i]! + w[i]!;
      return constant(guarded(rowNorms(toWeightMatrix(this.#matrix, d), rows, cols)), shape);
    }
    // Differentiable: ‖M + s·B·A‖ rows through the tape.
    const weight = this.layer.weight;
    const m = this.#matrix.transposed ? permute(weight, [1, 0]) : reshape(weight, [rows, cols]);
    const ba = matmul(reshape(this.loraB, [rows, this.rank]), reshape(this.loraA, [this.rank, cols]));
    const full = add(m, affine(ba, this.scaling));
    return reshape(sqrt(affine(sum(square(full), [1]), 1, NORM_FLOOR ** 2)), shape);
  }

  /** The layer's computation on x̃ without its bias. */
  private plain(dx: Variable): Variable {
    const layer = this.layer;
    if (layer instanceof Conv2d) return conv2d(dx, layer.weight, undefined, layer.options);
    if (layer instanceof Embedding) return layer.baseForward(dx);
    return linear(dx, (layer as Linear).weight);
  }

  protected override adaptedForward(x: Variable): Variable {
    const dx = this.dropped(x);
    const g = div(this.magnitude, this.rowNorm());
    const rescale = mul(this.plain(dx), affine(g, 1, -1));
    return add(add(this.layer.baseForward(x), rescale), mul(this.branch(dx), g));
  }

  override effectiveWeight(): Float64Array {
    const { rows, cols, transposed } = this.#matrix;
    const w = this.baseWeight();
    const full = this.loraDelta();
    for (let i = 0; i < full.length; i++) full[i] = full[i]! + w[i]!;
    const n = guarded(rowNorms(toWeightMatrix(this.#matrix, full), rows, cols));
    const m = this.magnitude.data;
    // Row i of M is row i of the layout (Linear, Conv2d) or column i of it (Embedding).
    for (let k = 0; k < full.length; k++) {
      const i = transposed ? k % rows : Math.floor(k / cols);
      full[k] = full[k]! * (m[i]! / n[i]!);
    }
    return full;
  }
}
