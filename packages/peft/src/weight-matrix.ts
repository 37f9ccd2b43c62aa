/**
 * The weight of an adapted layer as the matrix M on which peft's LoRA acts, ΔM = B·A with B
 * rows×r and A r×cols:
 *
 * | layer     | M                        | rows × cols          | stored A / B shapes                  |
 * | --------- | ------------------------ | -------------------- | ------------------------------------ |
 * | Linear    | W                        | out × in             | r×in / out×r                         |
 * | Conv2d    | W flattened per channel  | out × (in·kh·kw)     | r×in×kh×kw / out×r×1×1               |
 * | Embedding | Wᵀ (W is count×dim)      | dim × count          | r×count / dim×r                      |
 * | Conv1D    | Wᵀ (W is in×out)         | out × in             | r×in / out×r                         |
 *
 * A and B hold their entries in the same order as the r×cols and rows×r matrices, whatever their
 * stored shape, so an SVD or QR of M gives the factors directly, and DoRA's magnitude is one value
 * per row of M (peft's `lora_magnitude_vector`: out for Linear, (1, out, 1, 1) for Conv2d, dim for
 * Embedding).
 *
 * @module
 */
import { DomainError } from '@numts/core';
import { Conv1D, Conv2d, type Embedding, Linear } from '@numts/nn';
import type { AdaptedLayer } from './adapter.js';

/** The shape of M and whether it is the transpose of the layer's weight. */
export interface WeightMatrixShape {
  rows: number;
  cols: number;
  /** True when the layer stores Mᵀ (Embedding, Conv1D). */
  transposed: boolean;
}

/**
 * The shape of the weight matrix M of a layer.
 * @throws DomainError for a grouped Conv2d, whose weight is not one matrix acting on the input
 */
export function weightMatrixShape(fn: string, layer: AdaptedLayer): WeightMatrixShape {
  if (layer instanceof Linear) return { rows: layer.outFeatures, cols: layer.inFeatures, transposed: false };
  if (layer instanceof Conv1D) return { rows: layer.outFeatures, cols: layer.inFeatures, transposed: true };
  if (layer instanceof Conv2d) {
    if ((layer.options.groups ?? 1) !== 1)
      throw new DomainError(
        `${fn}: a grouped Conv2d (groups = ${layer.options.groups}) has no single weight matrix; use FLoRA, which handles groups`,
      );
    const [kh, kw] = layer.kernelSize;
    return { rows: layer.outChannels, cols: layer.inChannels * kh * kw, transposed: false };
  }
  const emb = layer as Embedding;
  return { rows: emb.dim, cols: emb.count, transposed: true };
}

function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/**
 * M (rows×cols, row-major) from values laid out like the layer's weight, for reading: the values
 * themselves when the layer stores M as it is (Linear, Conv2d), a transposed copy otherwise.
 */
export function toWeightMatrix(shape: WeightMatrixShape, weight: ArrayLike<number>): ArrayLike<number> {
  return shape.transposed ? transpose(weight, shape.cols, shape.rows) : weight;
}

/**
 * Values laid out like the layer's weight from M (rows×cols, row-major): `m` itself when the layer
 * stores M as it is, a transposed copy otherwise (so pass an array the caller may hand over).
 */
export function fromWeightMatrix(shape: WeightMatrixShape, m: Float64Array): Float64Array {
  return shape.transposed ? transpose(m, shape.rows, shape.cols) : m;
}
