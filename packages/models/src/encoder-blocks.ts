/**
 * The pieces ViT and BERT share: self-attention with `query`/`key`/`value` projections, a dense
 * layer with an optional residual LayerNorm (`output`), and a container for module names that
 * carry no computation of their own (`attention`, `encoder`).
 *
 * @module
 */
import type { Rng } from '@numts/core';
import {
  add,
  dropout,
  LayerNorm,
  Linear,
  Module,
  reshape,
  scaledDotProductAttention,
  type Variable,
} from '@numts/nn';
import { mergeHeads, splitHeads } from './common.js';

/** A module that only groups children under a checkpoint name; it has no forward pass. */
export class Container extends Module {
  forward(): Variable {
    throw new Error(`${this.constructor.name} groups modules and has no forward pass of its own`);
  }
}

/** Self-attention of x [B, T, E] with `query`, `key`, `value` Linear projections (no output projection). */
export class QkvSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  constructor(
    readonly embedDim: number,
    readonly heads: number,
    rng: Rng,
    bias = true,
  ) {
    super();
    this.query = this.child('query', new Linear(embedDim, embedDim, { rng, bias }));
    this.key = this.child('key', new Linear(embedDim, embedDim, { rng, bias }));
    this.value = this.child('value', new Linear(embedDim, embedDim, { rng, bias }));
  }
  /** The merged heads [B·T, E] (before any output projection); keyMask marks padding with 0. */
  forward(x: Variable, keyMask?: ArrayLike<number>): Variable {
    const [b, t, e] = x.shape as [number, number, number];
    const flat = reshape(x, [b * t, e]);
    const split = (l: Linear) => splitHeads(l.forward(flat), b, t, this.heads);
    return mergeHeads(
      scaledDotProductAttention(
        split(this.query),
        split(this.key),
        split(this.value),
        keyMask ? { keyMask } : {},
      ),
    );
  }
}

/**
 * `dense` and dropout, then (BERT) LayerNorm(residual + ·); without a norm just dropout(dense(x)).
 */
export class DenseOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm | undefined;
  constructor(
    inFeatures: number,
    outFeatures: number,
    private readonly rng: Rng,
    options: { normEps?: number; dropout?: number } = {},
  ) {
    super();
    this.dense = this.child('dense', new Linear(inFeatures, outFeatures, { rng }));
    this.LayerNorm =
      options.normEps !== undefined
        ? this.child('LayerNorm', new LayerNorm(outFeatures, options.normEps))
        : undefined;
    this.p = options.dropout ?? 0;
  }
  private readonly p: number;
  /** x [N, in] → [N, out]; with a norm, LayerNorm(residual + ·) for residual [N, out]. */
  forward(x: Variable, residual?: Variable): Variable {
    const y = dropout(this.dense.forward(x), this.p, this.rng, this.training);
    if (!this.LayerNorm) return y;
    return this.LayerNorm.forward(residual ? add(residual, y) : y);
  }
}
