/**
 * Hugging Face `config.json` files of the supported families, read into typed configs. A field
 * that would change the computation in a way numts does not implement is an error that names the
 * field and the value, never silently ignored.
 *
 * @module
 */
import { DomainError, FormatError } from '@numts/core';

/** GPT-2 (GPT2LMHeadModel). */
export interface Gpt2Config {
  /** The config.json this came from (saved back unchanged); absent for a config built in code. */
  raw?: Record<string, unknown>;
  modelType: 'gpt2';
  vocabSize: number;
  nPositions: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nInner: number;
  layerNormEpsilon: number;
  /** Dropout of embeddings, residual branches (attention-probability dropout is not applied). */
  dropout: number;
}

/** LLaMA (LlamaForCausalLM). */
export interface LlamaConfig {
  /** The config.json this came from (saved back unchanged); absent for a config built in code. */
  raw?: Record<string, unknown>;
  modelType: 'llama';
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  attentionBias: boolean;
}

/** ViT (ViTForImageClassification). */
export interface VitConfig {
  /** The config.json this came from (saved back unchanged); absent for a config built in code. */
  raw?: Record<string, unknown>;
  modelType: 'vit';
  imageSize: number;
  patchSize: number;
  numChannels: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  layerNormEps: number;
  numLabels: number;
  qkvBias: boolean;
  dropout: number;
}

/** BERT (BertForSequenceClassification). */
export interface BertConfig {
  /** The config.json this came from (saved back unchanged); absent for a config built in code. */
  raw?: Record<string, unknown>;
  modelType: 'bert';
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  numLabels: number;
  padTokenId: number | null;
  dropout: number;
}

/** A config of one of the supported families. */
export type ModelConfig = Gpt2Config | LlamaConfig | VitConfig | BertConfig;

/** The transformers config.json of a config: the one it was read from, else one written from its fields. */
export function configJson(c: ModelConfig): Record<string, unknown> {
  if (c.raw) return c.raw;
  const labels = (n: number) => ({
    id2label: Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), `LABEL_${i}`])),
    label2id: Object.fromEntries(Array.from({ length: n }, (_, i) => [`LABEL_${i}`, i])),
  });
  switch (c.modelType) {
    case 'gpt2':
      return {
        architectures: ['GPT2LMHeadModel'],
        model_type: 'gpt2',
        activation_function: 'gelu_new',
        vocab_size: c.vocabSize,
        n_positions: c.nPositions,
        n_embd: c.nEmbd,
        n_layer: c.nLayer,
        n_head: c.nHead,
        n_inner: c.nInner,
        layer_norm_epsilon: c.layerNormEpsilon,
        resid_pdrop: c.dropout,
        embd_pdrop: c.dropout,
        attn_pdrop: c.dropout,
        tie_word_embeddings: true,
      };
    case 'llama':
      return {
        architectures: ['LlamaForCausalLM'],
        model_type: 'llama',
        hidden_act: 'silu',
        vocab_size: c.vocabSize,
        hidden_size: c.hiddenSize,
        intermediate_size: c.intermediateSize,
        num_hidden_layers: c.numHiddenLayers,
        num_attention_heads: c.numAttentionHeads,
        num_key_value_heads: c.numKeyValueHeads,
        head_dim: c.headDim,
        rms_norm_eps: c.rmsNormEps,
        rope_parameters: { rope_theta: c.ropeTheta, rope_type: 'default' },
        max_position_embeddings: c.maxPositionEmbeddings,
        tie_word_embeddings: c.tieWordEmbeddings,
        attention_bias: c.attentionBias,
        mlp_bias: false,
      };
    case 'vit':
      return {
        architectures: ['ViTForImageClassification'],
        model_type: 'vit',
        hidden_act: 'gelu',
        image_size: c.imageSize,
        patch_size: c.patchSize,
        num_channels: c.numChannels,
        hidden_size: c.hiddenSize,
        num_hidden_layers: c.numHiddenLayers,
        num_attention_heads: c.numAttentionHeads,
        intermediate_size: c.intermediateSize,
        layer_norm_eps: c.layerNormEps,
        qkv_bias: c.qkvBias,
        hidden_dropout_prob: c.dropout,
        ...labels(c.numLabels),
      };
    case 'bert':
      return {
        architectures: ['BertForSequenceClassification'],
        model_type: 'bert',
        hidden_act: 'gelu',
        vocab_size: c.vocabSize,
        hidden_size: c.hiddenSize,
        num_hidden_layers: c.numHiddenLayers,
        num_attention_heads: c.numAttentionHeads,
        intermediate_size: c.intermediateSize,
        max_position_embeddings: c.maxPositionEmbeddings,
        type_vocab_size: c.typeVocabSize,
        layer_norm_eps: c.layerNormEps,
        pad_token_id: c.padTokenId,
        hidden_dropout_prob: c.dropout,
        ...labels(c.numLabels),
      };
  }
}

type Json = Record<string, unknown>;

class Reader {
  constructor(
    readonly json: Json,
    readonly family: string,
  ) {}
  private fail(field: string, rule: string): never {
    throw new FormatError(
      `config.json (${this.family}): ${field} ${rule} (got ${JSON.stringify(this.json[field])})`,
    );
  }
  int(field: string, fallback?: number): number {
    const v = this.json[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      this.fail(field, 'must be a positive integer');
    return v;
  }
  num(field: string, fallback?: number): number {
    const v = this.json[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      this.fail(field, 'must be a non-negative number');
    return v;
  }
  bool(field: string, fallback: boolean): boolean {
    const v = this.json[field] ?? fallback;
    if (typeof v !== 'boolean') this.fail(field, 'must be true or false');
    return v;
  }
  /** Rejects any value other than the supported ones (absent = the default, which must be supported). */
  only(field: string, supported: unknown[], what: string): void {
    const v = this.json[field];
    if (v === undefined || v === null) return;
    if (!supported.some((s) => s === v))
      throw new DomainError(
        `config.json (${this.family}): ${field} = ${JSON.stringify(v)} is not supported (${what}; supported: ${supported.map((s) => JSON.stringify(s)).join(', ')})`,
      );
  }
  /** Throws unless `a` is a multiple of `b`. */
  multiple(a: string, b: string): void {
    const x = this.json[a] as number;
    const y = this.json[b] as number;
    if (x % y !== 0)
      throw new DomainError(`config.json (${this.family}): ${a} (${x}) must be a multiple of ${b} (${y})`);
  }
  labels(): number {
    const id2label = this.json.id2label;
    if (this.json.num_labels !== undefined) return this.int('num_labels');
    if (id2label && typeof id2label === 'object') return Object.keys(id2label).length;
    return 2;
  }
}

/**
 * Reads a transformers `config.json` (text or parsed) of a GPT-2, LLaMA, ViT or BERT model.
 * @throws FormatError for malformed JSON or a field of the wrong type
 * @throws DomainError for a model type or an option numts does not implement (naming the field)
 */
export function parseConfig(input: string | Json): ModelConfig {
  let json: Json;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input) as Json;
    } catch (e) {
      throw new FormatError(`config.json: not valid JSON (${(e as Error).message})`);
    }
  } else json = input;
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new FormatError('config.json: must be a JSON object');
  const type = json.model_type;
  const r = new Reader(json, String(type));
  switch (type) {
    case 'gpt2': {
      r.only('activation_function', ['gelu_new', 'gelu_pytorch_tanh'], 'GPT-2 uses the tanh GELU');
      r.only('scale_attn_weights', [true], 'scores are scaled by 1/√head_dim');
      r.only('scale_attn_by_inverse_layer_idx', [false], 'no per-layer score scaling');
      r.only('reorder_and_upcast_attn', [false], 'attention in the model dtype');
      r.only('add_cross_attention', [false], 'decoder-only');
      r.only('tie_word_embeddings', [true], 'the LM head is the token embedding');
      const nEmbd = r.int('n_embd');
      const nHead = r.int('n_head');
      r.multiple('n_embd', 'n_head');
      return {
        modelType: 'gpt2',
        vocabSize: r.int('vocab_size'),
        nPositions: r.int('n_positions'),
        nEmbd,
        nLayer: r.int('n_layer'),
        nHead,
        nInner: json.n_inner == null ? 4 * nEmbd : r.int('n_inner'),
        layerNormEpsilon: r.num('layer_norm_epsilon', 1e-5),
        dropout: r.num('resid_pdrop', 0.1),
        raw: json,
      };
    }
    case 'llama': {
      r.only('hidden_act', ['silu'], 'the SwiGLU MLP uses SiLU');
      r.only('mlp_bias', [false], 'projections of the MLP have no bias');
      r.only('pretraining_tp', [1], 'no tensor-parallel slicing');
      const rope = (json.rope_parameters ?? json.rope_scaling ?? null) as Json | null;
      if (rope && rope.rope_type !== undefined && rope.rope_type !== 'default')
        throw new DomainError(
          `config.json (llama): rope type ${JSON.stringify(rope.rope_type)} is not supported (only the default RoPE)`,
        );
      const hidden = r.int('hidden_size');
      const heads = r.int('num_attention_heads');
      const headDim = json.head_dim == null ? hidden / heads : r.int('head_dim');
      if (headDim * heads !== hidden)
        throw new DomainError(
          `config.json (llama): head_dim ${headDim} × num_attention_heads ${heads} must equal hidden_size ${hidden}`,
        );
      const kv = json.num_key_value_heads == null ? heads : r.int('num_key_value_heads');
      if (heads % kv)
        throw new DomainError(
          `config.json (llama): num_attention_heads ${heads} must be a multiple of num_key_value_heads ${kv}`,
        );
      return {
        modelType: 'llama',
        vocabSize: r.int('vocab_size'),
        hiddenSize: hidden,
        intermediateSize: r.int('intermediate_size'),
        numHiddenLayers: r.int('num_hidden_layers'),
        numAttentionHeads: heads,
        numKeyValueHeads: kv,
        headDim,
        rmsNormEps: r.num('rms_norm_eps', 1e-6),
        ropeTheta: Number(rope?.rope_theta ?? json.rope_theta ?? 10000),
        maxPositionEmbeddings: r.int('max_position_embeddings', 2048),
        tieWordEmbeddings: r.bool('tie_word_embeddings', false),
        attentionBias: r.bool('attention_bias', false),
        raw: json,
      };
    }
    case 'vit': {
      r.only('hidden_act', ['gelu'], 'the exact (erf) GELU');
      r.only('qkv_bias', [true], 'query, key and value projections with bias');
      const hidden = r.int('hidden_size');
      const heads = r.int('num_attention_heads');
      r.multiple('hidden_size', 'num_attention_heads');
      const imageSize = r.int('image_size');
      const patchSize = r.int('patch_size');
      r.multiple('image_size', 'patch_size');
      return {
        modelType: 'vit',
        imageSize,
        patchSize,
        numChannels: r.int('num_channels', 3),
        hiddenSize: hidden,
        numHiddenLayers: r.int('num_hidden_layers'),
        numAttentionHeads: heads,
        intermediateSize: r.int('intermediate_size'),
        layerNormEps: r.num('layer_norm_eps', 1e-12),
        numLabels: r.labels(),
        qkvBias: r.bool('qkv_bias', true),
        dropout: r.num('hidden_dropout_prob', 0),
        raw: json,
      };
    }
    case 'bert': {
      r.only('hidden_act', ['gelu'], 'the exact (erf) GELU');
      r.only('position_embedding_type', ['absolute'], 'learned absolute positions');
      r.only('is_decoder', [false], 'an encoder');
      r.only('add_cross_attention', [false], 'an encoder');
      const hidden = r.int('hidden_size');
      const heads = r.int('num_attention_heads');
      r.multiple('hidden_size', 'num_attention_heads');
      return {
        modelType: 'bert',
        vocabSize: r.int('vocab_size'),
        hiddenSize: hidden,
        numHiddenLayers: r.int('num_hidden_layers'),
        numAttentionHeads: heads,
        intermediateSize: r.int('intermediate_size'),
        maxPositionEmbeddings: r.int('max_position_embeddings', 512),
        typeVocabSize: r.int('type_vocab_size', 2),
        layerNormEps: r.num('layer_norm_eps', 1e-12),
        numLabels: r.labels(),
        padTokenId: typeof json.pad_token_id === 'number' ? json.pad_token_id : null,
        dropout: r.num('hidden_dropout_prob', 0.1),
        raw: json,
      };
    }
    default:
      throw new DomainError(
        `config.json: model_type ${JSON.stringify(type)} is not supported (supported: "gpt2", "llama", "vit", "bert")`,
      );
  }
}
