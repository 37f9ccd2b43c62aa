/**
 * LLaMA (transformers' LlamaForCausalLM): RMSNorm, rotary positions, grouped-query attention and
 * the SwiGLU MLP, no biases. Module names follow the checkpoint (`model.layers.0.self_attn.q_proj`).
 *
 * @module
 */
import type { Rng } from '@numts/core';
import {
  add,
  Embedding,
  Linear,
  Module,
  ModuleList,
  MultiHeadAttention,
  RMSNorm,
  reshape,
  swiGlu,
  type Variable,
} from '@numts/nn';
import {
  checkTokens,
  languageModelLogits,
  type ModelOutput,
  runStack,
  TaskModel,
  type TokenBatch,
} from './common.js';
import type { LlamaConfig } from './config.js';

class LlamaMlp extends Module {
  readonly gate_proj: Linear;
  readonly up_proj: Linear;
  readonly down_proj: Linear;
  constructor(config: LlamaConfig, rng: Rng) {
    super();
    const [e, m] = [config.hiddenSize, config.intermediateSize];
    this.gate_proj = this.child('gate_proj', new Linear(e, m, { rng, bias: false }));
    this.up_proj = this.child('up_proj', new Linear(e, m, { rng, bias: false }));
    this.down_proj = this.child('down_proj', new Linear(m, e, { rng, bias: false }));
  }
  forward(x: Variable): Variable {
    const [b, t, e] = x.shape as [number, number, number];
    const flat = reshape(x, [b * t, e]);
    const y = this.down_proj.forward(swiGlu(this.gate_proj.forward(flat), this.up_proj.forward(flat)));
    return reshape(y, [b, t, e]);
  }
}

class LlamaDecoderLayer extends Module {
  readonly input_layernorm: RMSNorm;
  readonly self_attn: MultiHeadAttention;
  readonly post_attention_layernorm: RMSNorm;
  readonly mlp: LlamaMlp;
  constructor(config: LlamaConfig, rng: Rng) {
    super();
    this.input_layernorm = this.child('input_layernorm', new RMSNorm(config.hiddenSize, config.rmsNormEps));
    this.self_attn = this.child(
      'self_attn',
      new MultiHeadAttention(config.hiddenSize, config.numAttentionHeads, {
        kvHeads: config.numKeyValueHeads,
        bias: config.attentionBias,
        ropeTheta: config.ropeTheta,
        rng,
      }),
    );
    this.post_attention_layernorm = this.child(
      'post_attention_layernorm',
      new RMSNorm(config.hiddenSize, config.rmsNormEps),
    );
    this.mlp = this.child('mlp', new LlamaMlp(config, rng));
  }
  forward(x: Variable, keyMask?: ArrayLike<number>): Variable {
    const h = add(
      x,
      this.self_attn.forward(this.input_layernorm.forward(x), {
        causal: true,
        ...(keyMask ? { keyMask } : {}),
      }),
    );
    return add(h, this.mlp.forward(this.post_attention_layernorm.forward(h)));
  }
}

class LlamaModel extends Module {
  readonly embed_tokens: Embedding;
  readonly layers: ModuleList<LlamaDecoderLayer>;
  readonly norm: RMSNorm;
  constructor(
    readonly config: LlamaConfig,
    rng: Rng,
  ) {
    super();
    this.embed_tokens = this.child(
      'embed_tokens',
      new Embedding(config.vocabSize, config.hiddenSize, { rng }),
    );
    this.layers = this.child(
      'layers',
      new ModuleList(
        Array.from({ length: config.numHiddenLayers }, () => new LlamaDecoderLayer(config, rng)),
      ),
    );
    this.norm = this.child('norm', new RMSNorm(config.hiddenSize, config.rmsNormEps));
  }
  forward(x: Variable): Variable {
    return this.run({ inputIds: x.data, shape: x.shape as [number, number] }).at(-1)!;
  }
  run(batch: TokenBatch): Variable[] {
    const [b, t] = checkTokens('Llama', batch, this.config.vocabSize, this.config.maxPositionEmbeddings);
    const h = this.embed_tokens.lookup(batch.inputIds, [b, t]);
    return runStack(h, this.layers.items, batch.attentionMask, this.norm);
  }
}

/** LLaMA with its language-model head (separate unless `tie_word_embeddings`). */
export class LlamaForCausalLM extends TaskModel<LlamaConfig> {
  readonly model: LlamaModel;
  readonly lm_head: Linear | undefined;
  constructor(config: LlamaConfig, options: { seed?: number } = {}) {
    super(config, options);
    const rng = this.initRng;
    this.model = this.child('model', new LlamaModel(config, rng));
    this.lm_head = config.tieWordEmbeddings
      ? undefined
      : this.child('lm_head', new Linear(config.hiddenSize, config.vocabSize, { rng, bias: false }));
  }
  /** Logits [B, T, V] for token ids held in a Variable of shape [B, T]. */
  forward(x: Variable): Variable {
    return this.run({ inputIds: x.data, shape: x.shape as [number, number] }).logits;
  }
  /** Logits and hidden states of a token batch (an attention mask marks padding with 0). */
  run(batch: TokenBatch): ModelOutput {
    const hiddenStates = this.model.run(batch);
    const logits = languageModelLogits(hiddenStates.at(-1)!, this.lm_head, this.model.embed_tokens.weight);
    return { logits, hiddenStates };
  }
}
