/**
 * `@numts/models`: transformer families built from Hugging Face `config.json` files — GPT-2,
 * LLaMA, ViT and BERT — with module names that follow their checkpoints, loading and saving the
 * safetensors weights, and CPU training through `@numts/nn`.
 *
 * @packageDocumentation
 */
export { BertForSequenceClassification } from './bert.js';
export { checkTokens, type ModelOutput, type TokenBatch } from './common.js';
export {
  type BertConfig,
  configJson,
  type Gpt2Config,
  type LlamaConfig,
  type ModelConfig,
  parseConfig,
  type VitConfig,
} from './config.js';
export { type CausalLM, causalLmLoss, type GenerateOptions, generate } from './generate.js';
export { Gpt2LMHeadModel } from './gpt2.js';
export { LlamaForCausalLM } from './llama.js';
export {
  type CheckpointFiles,
  createModel,
  fromPretrained,
  type PretrainedModel,
  toPretrained,
} from './pretrained.js';
export { VitForImageClassification, vitKeyFromCheckpoint, vitKeyToCheckpoint } from './vit.js';
