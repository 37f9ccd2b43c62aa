/**
 * The building blocks of transformer models: RMSNorm, the [in, out]-stored linear layer of
 * GPT-2 (transformers' `Conv1D`), and multi-head attention with grouped-query heads and rotary
 * positions. The model families themselves live in `@numts/models`.
 *
 * @module
 */
import { Rng, ShapeError } from '@numts/core';
import { silu } from '../ops/activations.js';
import { type AttentionOptions, scaledDotProductAttention } from '../ops/attention.js';
import { add, mul } from '../ops/broadcast.js';
import { matmul } from '../ops/linear.js';
import { rmsNorm } from '../ops/norm.js';
import { rotaryEmbedding } from '../ops/rope.js';
import { permute, reshape } from '../ops/shape.js';
import { Variable } from '../variable.js';
import { AdaptableLayer } from './adaptable.js';
import { assertSize, type InitOptions, Linear } from './layers.js';
import { Module } from './module.js';

/** RMS norm over the last dimension of size `features` with a learnable scale (LLaMA's RMSNorm). */
export class RMSNorm extends Module {
  /** Size of the normalised last dimension. */
  readonly features: number;
  /** Added to the mean square before the root (default 1e-6, as LLaMA's `rms_norm_eps`). */
  readonly eps: number;
  /** The learnable scale (ones at init). */
  readonly weight: Variable;
  constructor(features: number, eps = 1e-6) {
    super();
    assertSize('RMSNorm', 'features', features);
    this.features = features;
    this.eps = eps;
    this.weight = this.param('weight', Variable.zeros([features]));
    this.weight.data.fill(1);
  }
  forward(x: Variable): Variable {
    return rmsNorm(x, this.features, this.weight, this.eps);
  }
}

/**
 * y = x·W + b with W stored [in, out] — the layout of transformers' GPT-2 `Conv1D` (a linear layer
 * despite the name), so that its checkpoints load without a transpose. Adapters that target it
 * (LoRA with `fan_in_fan_out`) see `inFeatures`/`outFeatures` as a Linear's.
 */
export class Conv1D extends AdaptableLayer {
  weight: Variable;
  bias: Variable;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: InitOptions & { std?: number } = {},
  ) {
    super();
    assertSize('Conv1D', 'inFeatures', inFeatures);
    assertSize('Conv1D', 'outFeatures', outFeatures);
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const w = Variable.zeros([inFeatures, outFeatures]);
    const std = options.std ?? 0.02;
    for (let i = 0; i < w.size; i++) w.data[i] = std * rng.normal();
    this.weight = this.param('weight', w);
    this.bias = this.param('bias', Variable.zeros([outFeatures]));
  }
  /** x·W + b for x of shape [N, in]. */
  baseForward(x: Variable): Variable {
    return add(matmul(x, this.weight), this.bias);
  }
}

/** Options of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionOptions extends InitOptions {
  /** Key/value heads (grouped-query attention); default the number of heads. */
  kvHeads?: number;
  /** Biases on the four projections (default true; LLaMA has none). */
  bias?: boolean;
  /** Rotary position embedding of queries and keys with this base θ (default none). */
  ropeTheta?: number;
}

/**
 * Multi-head attention with projections named as LLaMA's (`q_proj`, `k_proj`, `v_proj`,
 * `o_proj`): x [B, T, E] → softmax(QKᵀ/√d + mask)V → o_proj, with grouped-query heads and
 * optional rotary positions.
 */
export class MultiHeadAttention extends Module {
  readonly q_proj: Linear;
  readonly k_proj: Linear;
  readonly v_proj: Linear;
  readonly o_proj: Linear;
  readonly headDim: number;
  readonly kvHeads: number;
  constructor(
    readonly embedDim: number,
    readonly heads: number,
    readonly options: MultiHeadAttentionOptions = {},
  ) {
    super();
    assertSize('MultiHeadAttention', 'embedDim', embedDim);
    assertSize('MultiHeadAttention', 'heads', heads);
    if (embedDim % heads !== 0)
      throw new ShapeError(`MultiHeadAttention: embedDim ${embedDim} must be a multiple of heads ${heads}`);
    this.kvHeads = options.kvHeads ?? heads;
    assertSize('MultiHeadAttention', 'kvHeads', this.kvHeads);
    if (heads % this.kvHeads !== 0)
      throw new ShapeError(
        `MultiHeadAttention: heads ${heads} must be a multiple of kvHeads ${this.kvHeads}`,
      );
    this.headDim = embedDim / heads;
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const bias = options.bias ?? true;
    const kvDim = this.kvHeads * this.headDim;
    this.q_proj = this.child('q_proj', new Linear(embedDim, embedDim, { rng, bias }));
    this.k_proj = this.child('k_proj', new Linear(embedDim, kvDim, { rng, bias }));
    this.v_proj = this.child('v_proj', new Linear(embedDim, kvDim, { rng, bias }));
    this.o_proj = this.child('o_proj', new Linear(embedDim, embedDim, { rng, bias }));
  }

  /** Attention of x [B, T, E] to itself; `positions` feed the rotary embedding (default 0…T−1). */
  forward(x: Variable, options: AttentionOptions & { positions?: ArrayLike<number> } = {}): Variable {
    const [B, T, E] = x.shape as [number, number, number];
    if (x.shape.length !== 3 || E !== this.embedDim)
      throw new ShapeError(
        `MultiHeadAttention: x must be [batch, length, ${this.embedDim}] (got [${x.shape.join(', ')}])`,
      );
    const flat = reshape(x, [B * T, E]);
    const heads = (y: Variable, h: number) => permute(reshape(y, [B, T, h, this.headDim]), [0, 2, 1, 3]);
    let q = heads(this.q_proj.forward(flat), this.heads);
    let k = heads(this.k_proj.forward(flat), this.kvHeads);
    const v = heads(this.v_proj.forward(flat), this.kvHeads);
    if (this.options.ropeTheta !== undefined) {
      const rope = {
        theta: this.options.ropeTheta,
        ...(options.positions ? { positions: options.positions } : {}),
      };
      q = rotaryEmbedding(q, rope);
      k = rotaryEmbedding(k, rope);
    }
    const a = scaledDotProductAttention(q, k, v, options);
    const merged = reshape(permute(a, [0, 2, 1, 3]), [B * T, E]);
    return reshape(this.o_proj.forward(merged), [B, T, E]);
  }
}

/** The SwiGLU gate of LLaMA's MLP: silu(gate) ⊙ up, for the outputs of the gate and up projections. */
export function swiGlu(gate: Variable, up: Variable): Variable {
  return mul(silu(gate), up);
}
