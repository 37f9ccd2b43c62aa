/**
 * GPT-2 (transformers' GPT2LMHeadModel): learned positions, pre-LN blocks, tanh GELU, the
 * [in, out] Conv1D projections and an LM head tied to the token embedding. Module names follow
 * the checkpoint (`transformer.h.0.attn.c_attn`, …).
 *
 * @module
 */
import { Rng } from '@numts/core';
import {
  add,
  Conv1D,
  dropout,
  Embedding,
  gelu,
  LayerNorm,
  Module,
  ModuleList,
  matmul,
  reshape,
  scaledDotProductAttention,
  slice,
  type Variable,
} from '@numts/nn';
import { checkTokens, type ModelOutput, mergeHeads, splitHeads, type TokenBatch } from './common.js';
import type { Gpt2Config } from './config.js';

class Gpt2Attention extends Module {
  readonly c_attn: Conv1D;
  readonly c_proj: Conv1D;
  constructor(
    readonly config: Gpt2Config,
    rng: Rng,
  ) {
    super();
    this.c_attn = this.child('c_attn', new Conv1D(config.nEmbd, 3 * config.nEmbd, { rng }));
    this.c_proj = this.child('c_proj', new Conv1D(config.nEmbd, config.nEmbd, { rng }));
  }
  forward(x: Variable, keyMask?: ArrayLike<number>): Variable {
    const [b, t, e] = x.shape as [number, number, number];
    const qkv = this.c_attn.forward(reshape(x, [b * t, e]));
    const h = this.config.nHead;
    const part = (i: number) => splitHeads(slice(qkv, 1, i * e, (i + 1) * e), b, t, h);
    const a = scaledDotProductAttention(part(0), part(1), part(2), {
      causal: true,
      ...(keyMask ? { keyMask } : {}),
    });
    return reshape(this.c_proj.forward(mergeHeads(a)), [b, t, e]);
  }
}

class Gpt2Mlp extends Module {
  readonly c_fc: Conv1D;
  readonly c_proj: Conv1D;
  constructor(config: Gpt2Config, rng: Rng) {
    super();
    this.c_fc = this.child('c_fc', new Conv1D(config.nEmbd, config.nInner, { rng }));
    this.c_proj = this.child('c_proj', new Conv1D(config.nInner, config.nEmbd, { rng }));
  }
  forward(x: Variable): Variable {
    const [b, t, e] = x.shape as [number, number, number];
    const y = this.c_proj.forward(gelu(this.c_fc.forward(reshape(x, [b * t, e])), { approximate: 'tanh' }));
    return reshape(y, [b, t, e]);
  }
}

class Gpt2Block extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: Gpt2Attention;
  readonly ln_2: LayerNorm;
  readonly mlp: Gpt2Mlp;
  constructor(
    readonly config: Gpt2Config,
    private readonly rng: Rng,
  ) {
    super();
    this.ln_1 = this.child('ln_1', new LayerNorm(config.nEmbd, config.layerNormEpsilon));
    this.attn = this.child('attn', new Gpt2Attention(config, rng));
    this.ln_2 = this.child('ln_2', new LayerNorm(config.nEmbd, config.layerNormEpsilon));
    this.mlp = this.child('mlp', new Gpt2Mlp(config, rng));
  }
  forward(x: Variable, keyMask?: ArrayLike<number>): Variable {
    const p = this.config.dropout;
    const h = add(x, dropout(this.attn.forward(this.ln_1.forward(x), keyMask), p, this.rng, this.training));
    return add(h, dropout(this.mlp.forward(this.ln_2.forward(h)), p, this.rng, this.training));
  }
}

class Gpt2Model extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly h: ModuleList<Gpt2Block>;
  readonly ln_f: LayerNorm;
  constructor(
    readonly config: Gpt2Config,
    private readonly rng: Rng,
  ) {
    super();
    this.wte = this.child('wte', new Embedding(config.vocabSize, config.nEmbd, { rng }));
    this.wpe = this.child('wpe', new Embedding(config.nPositions, config.nEmbd, { rng }));
    this.h = this.child(
      'h',
      new ModuleList(Array.from({ length: config.nLayer }, () => new Gpt2Block(config, rng))),
    );
    this.ln_f = this.child('ln_f', new LayerNorm(config.nEmbd, config.layerNormEpsilon));
  }
  forward(x: Variable): Variable {
    return this.run({ inputIds: x.data, shape: x.shape as [number, number] }).at(-1)!;
  }
  /** The hidden states: embeddings, each block but the last, then ln_f of the last block. */
  run(batch: TokenBatch): Variable[] {
    const [b, t] = checkTokens('Gpt2', batch, this.config.vocabSize, this.config.nPositions);
    const pos = Array.from({ length: t }, (_, i) => i);
    let h = add(this.wte.lookup(batch.inputIds, [b, t]), this.wpe.lookup(pos, [t]));
    h = dropout(h, this.config.dropout, this.rng, this.training);
    const states = [h];
    for (const block of this.h.items) {
      h = block.forward(h, batch.attentionMask);
      states.push(h);
    }
    states[states.length - 1] = this.ln_f.forward(h);
    return states;
  }
}

/** GPT-2 with its language-model head (tied to the token embedding). */
export class Gpt2LMHeadModel extends Module {
  readonly transformer: Gpt2Model;
  constructor(
    readonly config: Gpt2Config,
    options: { seed?: number } = {},
  ) {
    super();
    this.transformer = this.child('transformer', new Gpt2Model(config, new Rng(options.seed ?? 0)));
  }
  /** Logits [B, T, V] for token ids held in a Variable of shape [B, T]. */
  forward(x: Variable): Variable {
    return this.run({ inputIds: x.data, shape: x.shape as [number, number] }).logits;
  }
  /** Logits and hidden states of a token batch (an attention mask marks padding with 0). */
  run(batch: TokenBatch): ModelOutput {
    const hiddenStates = this.transformer.run(batch);
    const h = hiddenStates.at(-1)!;
    const [b, t, e] = h.shape as [number, number, number];
    const logits = matmul(reshape(h, [b * t, e]), this.transformer.wte.weight, { transB: true });
    return { logits: reshape(logits, [b, t, this.config.vocabSize]), hiddenStates };
  }
}
