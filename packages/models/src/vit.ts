/**
 * ViT (transformers' ViTForImageClassification): a strided-convolution patch embedding, a [CLS]
 * token, learned positions, pre-LN blocks with exact GELU, and a classifier on [CLS].
 *
 * Module names follow transformers ≥ 5 in memory — `vit.layers.N.attention.{q,k,v,o}_proj`,
 * `vit.layers.N.mlp.{fc1,fc2}` — which is what peft adapters on ViT name; checkpoints keep the
 * classic keys (`vit.encoder.layer.N.attention.attention.query`, …), which {@link vitKeyToCheckpoint}
 * and {@link vitKeyFromCheckpoint} translate on save and load, as transformers does.
 *
 * @module
 */
import { type Rng, ShapeError } from '@numts/core';
import {
  add,
  Conv2d,
  concat,
  dropout,
  LayerNorm,
  Linear,
  Module,
  ModuleList,
  MultiHeadAttention,
  permute,
  reshape,
  slice,
  Variable,
} from '@numts/nn';
import { classifierHead, GeluMlp, type ModelOutput, runStack, TaskModel } from './common.js';
import type { VitConfig } from './config.js';

/** In-memory name → checkpoint key of ViT (classic layout). */
const TO_CHECKPOINT: [RegExp, string][] = [
  [/^vit\.layers\.(\d+)\.attention\.q_proj\./, 'vit.encoder.layer.$1.attention.attention.query.'],
  [/^vit\.layers\.(\d+)\.attention\.k_proj\./, 'vit.encoder.layer.$1.attention.attention.key.'],
  [/^vit\.layers\.(\d+)\.attention\.v_proj\./, 'vit.encoder.layer.$1.attention.attention.value.'],
  [/^vit\.layers\.(\d+)\.attention\.o_proj\./, 'vit.encoder.layer.$1.attention.output.dense.'],
  [/^vit\.layers\.(\d+)\.mlp\.fc1\./, 'vit.encoder.layer.$1.intermediate.dense.'],
  [/^vit\.layers\.(\d+)\.mlp\.fc2\./, 'vit.encoder.layer.$1.output.dense.'],
  [/^vit\.layers\.(\d+)\./, 'vit.encoder.layer.$1.'],
];
const FROM_CHECKPOINT: [RegExp, string][] = [
  [/^vit\.encoder\.layer\.(\d+)\.attention\.attention\.query\./, 'vit.layers.$1.attention.q_proj.'],
  [/^vit\.encoder\.layer\.(\d+)\.attention\.attention\.key\./, 'vit.layers.$1.attention.k_proj.'],
  [/^vit\.encoder\.layer\.(\d+)\.attention\.attention\.value\./, 'vit.layers.$1.attention.v_proj.'],
  [/^vit\.encoder\.layer\.(\d+)\.attention\.output\.dense\./, 'vit.layers.$1.attention.o_proj.'],
  [/^vit\.encoder\.layer\.(\d+)\.intermediate\.dense\./, 'vit.layers.$1.mlp.fc1.'],
  [/^vit\.encoder\.layer\.(\d+)\.output\.dense\./, 'vit.layers.$1.mlp.fc2.'],
  [/^vit\.encoder\.layer\.(\d+)\./, 'vit.layers.$1.'],
];

function rename(key: string, rules: [RegExp, string][]): string {
  for (const [re, to] of rules) if (re.test(key)) return key.replace(re, to);
  return key;
}

/** The checkpoint key (classic ViT layout) of an in-memory parameter name. */
export function vitKeyToCheckpoint(name: string): string {
  return rename(name, TO_CHECKPOINT);
}

/** The in-memory parameter name of a checkpoint key (either layout). */
export function vitKeyFromCheckpoint(key: string): string {
  return rename(key, FROM_CHECKPOINT);
}

class PatchEmbeddings extends Module {
  readonly projection: Conv2d;
  constructor(config: VitConfig, rng: Rng) {
    super();
    this.projection = this.child(
      'projection',
      new Conv2d(config.numChannels, config.hiddenSize, config.patchSize, { stride: config.patchSize, rng }),
    );
  }
  /** [B, C, H, W] → [B, patches, E], patches in row-major grid order. */
  forward(x: Variable): Variable {
    const y = this.projection.forward(x);
    const [b, e, gh, gw] = y.shape as [number, number, number, number];
    return permute(reshape(y, [b, e, gh * gw]), [0, 2, 1]);
  }
}

class VitEmbeddings extends Module {
  readonly cls_token: Variable;
  readonly position_embeddings: Variable;
  readonly patch_embeddings: PatchEmbeddings;
  constructor(config: VitConfig, rng: Rng) {
    super();
    const e = config.hiddenSize;
    const tokens = (config.imageSize / config.patchSize) ** 2 + 1;
    this.cls_token = this.param('cls_token', Variable.zeros([1, 1, e]));
    const pos = Variable.zeros([1, tokens, e]);
    for (let i = 0; i < pos.size; i++) pos.data[i] = 0.02 * rng.normal();
    this.position_embeddings = this.param('position_embeddings', pos);
    this.patch_embeddings = this.child('patch_embeddings', new PatchEmbeddings(config, rng));
  }
  forward(pixels: Variable): Variable {
    const patches = this.patch_embeddings.forward(pixels);
    const [b, , e] = patches.shape as [number, number, number];
    const cls = add(Variable.zeros([b, 1, e]), this.cls_token);
    return add(concat([cls, patches], 1), this.position_embeddings);
  }
}

/** ViT's MLP: fc2(GELU(fc1(x))). */
function vitMlp(config: VitConfig, rng: Rng): GeluMlp {
  const up = new Linear(config.hiddenSize, config.intermediateSize, { rng });
  return new GeluMlp(['fc1', 'fc2'], up, new Linear(config.intermediateSize, config.hiddenSize, { rng }));
}

class VitLayer extends Module {
  readonly layernorm_before: LayerNorm;
  readonly attention: MultiHeadAttention;
  readonly layernorm_after: LayerNorm;
  readonly mlp: GeluMlp;
  constructor(
    readonly config: VitConfig,
    private readonly rng: Rng,
  ) {
    super();
    const e = config.hiddenSize;
    this.layernorm_before = this.child('layernorm_before', new LayerNorm(e, config.layerNormEps));
    this.attention = this.child('attention', new MultiHeadAttention(e, config.numAttentionHeads, { rng }));
    this.layernorm_after = this.child('layernorm_after', new LayerNorm(e, config.layerNormEps));
    this.mlp = this.child('mlp', vitMlp(config, rng));
  }
  forward(x: Variable): Variable {
    const [b, t, e] = x.shape as [number, number, number];
    const p = this.config.dropout;
    const h = add(
      x,
      dropout(this.attention.forward(this.layernorm_before.forward(x)), p, this.rng, this.training),
    );
    const m = this.mlp.forward(reshape(this.layernorm_after.forward(h), [b * t, e]));
    return add(h, dropout(reshape(m, [b, t, e]), p, this.rng, this.training));
  }
}

class VitModel extends Module {
  readonly embeddings: VitEmbeddings;
  readonly layers: ModuleList<VitLayer>;
  readonly layernorm: LayerNorm;
  constructor(
    readonly config: VitConfig,
    rng: Rng,
  ) {
    super();
    this.embeddings = this.child('embeddings', new VitEmbeddings(config, rng));
    this.layers = this.child(
      'layers',
      new ModuleList(Array.from({ length: config.numHiddenLayers }, () => new VitLayer(config, rng))),
    );
    this.layernorm = this.child('layernorm', new LayerNorm(config.hiddenSize, config.layerNormEps));
  }
  forward(pixels: Variable): Variable {
    return this.layernorm.forward(this.run(pixels).at(-1)!);
  }
  /** Hidden states: embeddings, then each block's raw output (the final layernorm not applied). */
  run(pixels: Variable): Variable[] {
    const c = this.config;
    if (
      pixels.shape.length !== 4 ||
      pixels.shape[1] !== c.numChannels ||
      pixels.shape[2] !== c.imageSize ||
      pixels.shape[3] !== c.imageSize
    )
      throw new ShapeError(
        `ViT: pixel values must be [batch, ${c.numChannels}, ${c.imageSize}, ${c.imageSize}] (got [${pixels.shape.join(', ')}])`,
      );
    return runStack(this.embeddings.forward(pixels), this.layers.items);
  }
}

/** ViT with a linear classifier on the final [CLS] token. */
export class VitForImageClassification extends TaskModel<VitConfig> {
  /** The encoder (checkpoint name `vit`). */
  readonly vit: VitModel;
  /** The linear classifier on the final [CLS] token. */
  readonly classifier: Linear;
  constructor(config: VitConfig, options: { seed?: number } = {}) {
    super(config, options);
    this.vit = this.child('vit', new VitModel(config, this.initRng));
    this.classifier = this.child('classifier', classifierHead(config, this.initRng));
  }
  /** Class logits [B, labels] for pixel values [B, C, H, W]. */
  forward(pixels: Variable): Variable {
    return this.run(pixels).logits;
  }
  run(pixels: Variable): ModelOutput & { lastHiddenState: Variable } {
    const hiddenStates = this.vit.run(pixels);
    const last = this.vit.layernorm.forward(hiddenStates.at(-1)!);
    const [b, , e] = last.shape as [number, number, number];
    const cls = reshape(slice(last, 1, 0, 1), [b, e]);
    return { logits: this.classifier.forward(cls), hiddenStates, lastHiddenState: last };
  }
}
