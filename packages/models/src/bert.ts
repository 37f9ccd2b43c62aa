/**
 * BERT (transformers' BertForSequenceClassification): word + position + token-type embeddings
 * with LayerNorm, post-LN blocks with exact GELU, a tanh pooler on [CLS] and a linear classifier.
 * Padding keys are masked through the attention mask. Module names follow the checkpoint.
 *
 * @module
 */
import type { Rng } from '@numts/core';
import {
  add,
  dropout,
  Embedding,
  gelu,
  LayerNorm,
  Linear,
  Module,
  ModuleList,
  reshape,
  slice,
  tanh,
  type Variable,
} from '@numts/nn';
import {
  checkTokens,
  classifierHead,
  type ModelOutput,
  runStack,
  TaskModel,
  type TokenBatch,
} from './common.js';
import type { BertConfig } from './config.js';
import { Container, DenseOutput, QkvSelfAttention } from './encoder-blocks.js';

class BertEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly token_type_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;
  constructor(config: BertConfig, rng: Rng) {
    super();
    const e = config.hiddenSize;
    this.word_embeddings = this.child('word_embeddings', new Embedding(config.vocabSize, e, { rng }));
    this.position_embeddings = this.child(
      'position_embeddings',
      new Embedding(config.maxPositionEmbeddings, e, { rng }),
    );
    this.token_type_embeddings = this.child(
      'token_type_embeddings',
      new Embedding(config.typeVocabSize, e, { rng }),
    );
    this.LayerNorm = this.child('LayerNorm', new LayerNorm(e, config.layerNormEps));
  }
  forward(x: Variable): Variable {
    const [b, t] = x.shape as [number, number];
    return this.embed(x.data, b, t);
  }
  embed(ids: ArrayLike<number>, b: number, t: number, tokenTypes?: ArrayLike<number>): Variable {
    const pos = Array.from({ length: t }, (_, i) => i);
    const types = tokenTypes ?? new Array<number>(b * t).fill(0);
    const sum = add(
      add(this.word_embeddings.lookup(ids, [b, t]), this.position_embeddings.lookup(pos, [t])),
      this.token_type_embeddings.lookup(types, [b, t]),
    );
    return this.LayerNorm.forward(sum);
  }
}

class BertAttention extends Container {
  readonly self: QkvSelfAttention;
  readonly output: DenseOutput;
  constructor(config: BertConfig, rng: Rng) {
    super();
    const e = config.hiddenSize;
    this.self = this.child('self', new QkvSelfAttention(e, config.numAttentionHeads, rng));
    this.output = this.child(
      'output',
      new DenseOutput(e, e, rng, { normEps: config.layerNormEps, dropout: config.dropout }),
    );
  }
}

class BertLayer extends Module {
  readonly attention: BertAttention;
  readonly intermediate: DenseOutput;
  readonly output: DenseOutput;
  constructor(
    readonly config: BertConfig,
    rng: Rng,
  ) {
    super();
    this.attention = this.child('attention', new BertAttention(config, rng));
    this.intermediate = this.child(
      'intermediate',
      new DenseOutput(config.hiddenSize, config.intermediateSize, rng),
    );
    this.output = this.child(
      'output',
      new DenseOutput(config.intermediateSize, config.hiddenSize, rng, {
        normEps: config.layerNormEps,
        dropout: config.dropout,
      }),
    );
  }
  forward(x: Variable, keyMask?: ArrayLike<number>): Variable {
    const [b, t, e] = x.shape as [number, number, number];
    const flat = reshape(x, [b * t, e]);
    const h1 = this.attention.output.forward(this.attention.self.forward(x, keyMask), flat);
    const inner = gelu(this.intermediate.forward(h1));
    return reshape(this.output.forward(inner, h1), [b, t, e]);
  }
}

class BertEncoder extends Container {
  readonly layer: ModuleList<BertLayer>;
  constructor(config: BertConfig, rng: Rng) {
    super();
    this.layer = this.child(
      'layer',
      new ModuleList(Array.from({ length: config.numHiddenLayers }, () => new BertLayer(config, rng))),
    );
  }
}

class BertPooler extends Module {
  readonly dense: Linear;
  constructor(config: BertConfig, rng: Rng) {
    super();
    this.dense = this.child('dense', new Linear(config.hiddenSize, config.hiddenSize, { rng }));
  }
  /** tanh(dense(h[:, 0])) for h [B, T, E]. */
  forward(h: Variable): Variable {
    const [b, , e] = h.shape as [number, number, number];
    return tanh(this.dense.forward(reshape(slice(h, 1, 0, 1), [b, e])));
  }
}

class BertModel extends Module {
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler;
  constructor(
    readonly config: BertConfig,
    private readonly rng: Rng,
  ) {
    super();
    this.embeddings = this.child('embeddings', new BertEmbeddings(config, rng));
    this.encoder = this.child('encoder', new BertEncoder(config, rng));
    this.pooler = this.child('pooler', new BertPooler(config, rng));
  }
  forward(x: Variable): Variable {
    return this.run({ inputIds: x.data, shape: x.shape as [number, number] }).at(-1)!;
  }
  run(batch: TokenBatch & { tokenTypeIds?: ArrayLike<number> }): Variable[] {
    const [b, t] = checkTokens('Bert', batch, this.config.vocabSize, this.config.maxPositionEmbeddings);
    const h = dropout(
      this.embeddings.embed(batch.inputIds, b, t, batch.tokenTypeIds),
      this.config.dropout,
      this.rng,
      this.training,
    );
    return runStack(h, this.encoder.layer.items, batch.attentionMask);
  }
}

/** BERT with the pooler and a linear classifier on the pooled [CLS] token. */
export class BertForSequenceClassification extends TaskModel<BertConfig> {
  readonly bert: BertModel;
  readonly classifier: Linear;
  constructor(config: BertConfig, options: { seed?: number } = {}) {
    super(config, options);
    this.bert = this.child('bert', new BertModel(config, this.initRng));
    this.classifier = this.child('classifier', classifierHead(config, this.initRng));
  }
  /** Class logits [B, labels] for token ids held in a Variable of shape [B, T]. */
  forward(x: Variable): Variable {
    return this.run({ inputIds: x.data, shape: x.shape as [number, number] }).logits;
  }
  /** Logits, hidden states and the pooled [CLS] output of a token batch. */
  run(batch: TokenBatch & { tokenTypeIds?: ArrayLike<number> }): ModelOutput & { poolerOutput: Variable } {
    const hiddenStates = this.bert.run(batch);
    const poolerOutput = this.bert.pooler.forward(hiddenStates.at(-1)!);
    return { logits: this.classifier.forward(poolerOutput), hiddenStates, poolerOutput };
  }
}
