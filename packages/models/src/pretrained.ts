/**
 * Checkpoints in the Hugging Face layout: `config.json` and `model.safetensors` (or shards listed
 * in `model.safetensors.index.json`), read from and written to a map of file names to bytes, so
 * that the same code serves Node (see `@numts/models/node`) and a page that was handed files.
 *
 * @module
 */
import { FormatError, type NumericArray, type Tensor } from '@numts/core';
import { readSafetensors, writeSafetensors } from '@numts/io';
import { BertForSequenceClassification } from './bert.js';
import { configJson, type ModelConfig, parseConfig } from './config.js';
import { Gpt2LMHeadModel } from './gpt2.js';
import { LlamaForCausalLM } from './llama.js';
import { VitForImageClassification, vitKeyFromCheckpoint, vitKeyToCheckpoint } from './vit.js';

/** A model of one of the supported families. */
export type PretrainedModel =
  | Gpt2LMHeadModel
  | LlamaForCausalLM
  | VitForImageClassification
  | BertForSequenceClassification;

/** The files of a checkpoint by name: bytes, or text for JSON files. */
export type CheckpointFiles = Record<string, Uint8Array | ArrayBuffer | string>;

/** Keys that transformers checkpoints may hold besides parameters and that carry no weights. */
const IGNORED = [/\.attn\.bias$/, /\.attn\.masked_bias$/, /(^|\.)position_ids$/, /\.rotary_emb\.inv_freq$/];

/** A freshly initialised model of the family and sizes of `config` (seeded). */
export function createModel(
  config: ModelConfig | string | Record<string, unknown>,
  options: { seed?: number } = {},
): PretrainedModel {
  const c =
    typeof config === 'object' && 'modelType' in config ? (config as ModelConfig) : parseConfig(config);
  switch (c.modelType) {
    case 'gpt2':
      return new Gpt2LMHeadModel(c, options);
    case 'llama':
      return new LlamaForCausalLM(c, options);
    case 'vit':
      return new VitForImageClassification(c, options);
    case 'bert':
      return new BertForSequenceClassification(c, options);
  }
}

function text(files: CheckpointFiles, name: string): string {
  const f = files[name];
  if (f === undefined) throw new FormatError(`fromPretrained: the checkpoint has no ${name}`);
  return typeof f === 'string' ? f : new TextDecoder().decode(f);
}

function bytes(files: CheckpointFiles, name: string): Uint8Array {
  const f = files[name];
  if (f === undefined) throw new FormatError(`fromPretrained: the checkpoint has no ${name}`);
  if (typeof f === 'string') throw new FormatError(`fromPretrained: ${name} must be bytes, not text`);
  return f instanceof Uint8Array ? f : new Uint8Array(f);
}

/** The tensors of a checkpoint: one safetensors file or the shards of an index. */
function readWeights(files: CheckpointFiles): Map<string, Tensor<NumericArray>> {
  const out = new Map<string, Tensor<NumericArray>>();
  const shards: string[] = [];
  if (files['model.safetensors'] !== undefined) shards.push('model.safetensors');
  else if (files['model.safetensors.index.json'] !== undefined) {
    let index: { weight_map?: Record<string, string> };
    try {
      index = JSON.parse(text(files, 'model.safetensors.index.json'));
    } catch (e) {
      throw new FormatError(
        `fromPretrained: model.safetensors.index.json is not valid JSON (${(e as Error).message})`,
      );
    }
    if (!index.weight_map || typeof index.weight_map !== 'object')
      throw new FormatError('fromPretrained: model.safetensors.index.json has no weight_map');
    shards.push(...new Set(Object.values(index.weight_map)));
  } else
    throw new FormatError(
      'fromPretrained: the checkpoint has neither model.safetensors nor model.safetensors.index.json (pickled pytorch_model.bin files are not supported)',
    );
  for (const shard of shards) {
    let tensors: Record<string, Tensor<NumericArray>>;
    try {
      tensors = readSafetensors(bytes(files, shard)).tensors;
    } catch (e) {
      if (e instanceof FormatError) throw new FormatError(`fromPretrained: ${shard}: ${e.message}`);
      throw e;
    }
    for (const [k, t] of Object.entries(tensors)) {
      if (out.has(k))
        throw new FormatError(`fromPretrained: tensor ${JSON.stringify(k)} appears in two shards`);
      out.set(k, t);
    }
  }
  return out;
}

/**
 * Builds the model a transformers checkpoint describes and loads its weights (F32, F16 or BF16;
 * computed in the default dtype of @numts/nn). The model comes back in evaluation mode, as from
 * transformers' `from_pretrained`.
 * @throws FormatError for missing files, a malformed config, or weights that do not match the
 *   model (missing or unexpected keys, shapes), naming them
 * @throws DomainError for a model type or option numts does not implement
 */
export function fromPretrained(files: CheckpointFiles, options: { seed?: number } = {}): PretrainedModel {
  const config = parseConfig(text(files, 'config.json'));
  const model = createModel(config, options);
  let weights = readWeights(files);
  if (config.modelType === 'vit')
    weights = new Map([...weights].map(([k, t]) => [vitKeyFromCheckpoint(k), t]));
  const params = new Map(model.namedParameters());
  const missing = [...params.keys()].filter((k) => !weights.has(k));
  const extra = [...weights.keys()].filter((k) => !params.has(k) && !IGNORED.some((re) => re.test(k)));
  // GPT-2 checkpoints written with an explicit (tied) head carry lm_head.weight = wte.
  const tiedHead = config.modelType === 'gpt2' ? extra.indexOf('lm_head.weight') : -1;
  if (tiedHead >= 0) extra.splice(tiedHead, 1);
  if (missing.length || extra.length)
    throw new FormatError(
      `fromPretrained: the weights do not fit a ${config.modelType} model of this config${
        missing.length
          ? `; missing ${missing
              .slice(0, 5)
              .map((k) => JSON.stringify(k))
              .join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`
          : ''
      }${
        extra.length
          ? `; unexpected ${extra
              .slice(0, 5)
              .map((k) => JSON.stringify(k))
              .join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}`
          : ''
      }`,
    );
  for (const [k, p] of params) {
    const t = weights.get(k)!;
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))
      throw new FormatError(
        `fromPretrained: ${JSON.stringify(k)} has shape [${t.shape.join(', ')}] but the config gives [${p.shape.join(', ')}]`,
      );
    const src = t.clone().data;
    for (let i = 0; i < p.data.length; i++) p.data[i] = src[i]!;
  }
  model.eval();
  return model;
}

/**
 * The checkpoint files of a model as transformers writes them: `config.json` (the config it was
 * built from) and `model.safetensors` (F32, keys as the module names — ViT's in the classic
 * layout —; GPT-2's tied head is not stored, as transformers does).
 */
export function toPretrained(model: PretrainedModel): Record<string, Uint8Array | string> {
  const tensors: Record<string, { data: ArrayLike<number>; shape: readonly number[] }> = Object.create(null);
  for (const [k, v] of model.namedParameters()) {
    if (k.includes('.adapter.'))
      throw new FormatError(
        `toPretrained: ${JSON.stringify(k)} belongs to an adapter; merge or remove adapters first (save adapters with @numts/peft)`,
      );
    tensors[model.config.modelType === 'vit' ? vitKeyToCheckpoint(k) : k] = { data: v.data, shape: v.shape };
  }
  return {
    'config.json': `${JSON.stringify(configJson(model.config), null, 2)}\n`,
    'model.safetensors': writeSafetensors(tensors, { dtype: 'F32', metadata: { format: 'pt' } }),
  };
}
