/**
 * GPT-2 (transformers' GPT2LMHeadModel): learned positions, pre-LN blocks, tanh GELU, the
 * [in, out] Conv1D projections and an LM head tied to the token embedding. Module names follow
 * the checkpoint (`transformer.h.0.attn.c_attn`, …).
 *
 * @module
 */
import type { Rng } from '@numts/core';
import {
  add,
  Conv1D,
  dropout,
  Embedding,
  LayerNorm,
  Module,
  ModuleList,
  reshape,
  scaledDotProductAttention,
  slice,
  type Variable,
} from '@numts/nn';
import {
  checkTokens,
  GeluMlp,
  languageModelLogits,
  type ModelOutput,
  mergeHeads,
  runStack,
  splitHeads,
  TaskModel,
  type TokenBatch,
} from './common.js';
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

/** GPT-2's MLP: c_proj(GELU_tanh(c_fc(x))). */
function gpt2Mlp(config: Gpt2Config, rng: Rng): GeluMlp {
  const up = new Conv1D(config.nEmbd, config.nInner, { rng });
  return new GeluMlp(['c_fc', 'c_proj'], up, new Conv1D(config.nInner, config.nEmbd, { rng }), 'tanh');
}

class Gpt2Block extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: Gpt2Attention;
  readonly ln_2: LayerNorm;
  readonly mlp: GeluMlp;
  constructor(
    readonly config: Gpt2Config,
    private readonly rng: Rng,
  ) {
    super();
    this.ln_1 = this.child('ln_1', new LayerNorm(config.nEmbd, config.layerNormEpsilon));
    this.attn = this.child('attn', new Gpt2Attention(config, rng));
    this.ln_2 = this.child('ln_2', new LayerNorm(config.nEmbd, config.layerNormEpsilon));
    this.mlp = this.child('mlp', gpt2Mlp(config, rng));
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
    return runStack(h, this.h.items, batch.attentionMask, this.ln_f);
  }
}

/** GPT-2 with its language-model head (tied to the token embedding). */
export class Gpt2LMHeadModel extends TaskModel<Gpt2Config> {
  readonly transformer: Gpt2Model;
  constructor(config: Gpt2Config, options: { seed?: number } = {}) {
    super(config, options);
    this.transformer = this.child('transformer', new Gpt2Model(config, this.initRng));
  }
  /** Logits [B, T, V] for token ids held in a Variable of shape [B, T]. */
  forward(x: Variable): Variable {
    return this.run({ inputIds: x.data, shape: x.shape as [number, number] }).logits;
  }
  /** Logits and hidden states of a token batch (an attention mask marks padding with 0). */
  run(batch: TokenBatch): ModelOutput {
    const hiddenStates = this.transformer.run(batch);
    const logits = languageModelLogits(hiddenStates.at(-1)!, undefined, this.transformer.wte.weight);
    return { logits, hiddenStates };
  }
}
