/**
 * LoRA+ (Hayou, Ghosh, Yu 2024; peft's `create_loraplus_optimizer`): train LoRA's B factors with a
 * learning rate `ratio` times that of A — the parameter groups for any optimizer of @numts/nn.
 *
 * @module
 */
import { DomainError } from '@numts/core';
import { Embedding, type Module, type ParamGroup, type Variable } from '@numts/nn';
import { LoraAdapter } from './adapters/lora.js';
import { adaptersOf } from './inject.js';

/** Options of {@link loraPlusParamGroups}. */
export interface LoraPlusOptions {
  /** Learning rate of A and of every other trainable parameter. */
  lr: number;
  /** B's learning rate over A's (peft's `loraplus_lr_ratio`; the paper suggests 2⁴ = 16). */
  ratio?: number;
  /** Learning rate of A on Embedding layers (peft's `loraplus_lr_embedding`, default 1e-6). */
  embeddingLr?: number;
  /** Weight decay of every group (default 0). */
  weightDecay?: number;
}

/**
 * Parameter groups for LoRA+: B factors at `lr·ratio`, A factors of embeddings at `embeddingLr`,
 * everything else trainable (A factors, other adapters' parameters, `modulesToSave`) at `lr`.
 * @throws DomainError for a non-positive learning rate or ratio, or a model without LoRA adapters
 */
export function loraPlusParamGroups(model: Module, options: LoraPlusOptions): ParamGroup[] {
  const fn = 'loraPlusParamGroups';
  const ratio = options.ratio ?? 16;
  const embeddingLr = options.embeddingLr ?? 1e-6;
  for (const [name, v] of [
    ['lr', options.lr],
    ['ratio', ratio],
    ['embeddingLr', embeddingLr],
  ] as const)
    if (!(Number.isFinite(v) && v > 0))
      throw new DomainError(`${fn}: ${name} must be a positive number (got ${v})`);
  const lora = adaptersOf(model).filter(([, a]) => a instanceof LoraAdapter) as [string, LoraAdapter][];
  if (lora.length === 0) throw new DomainError(`${fn}: the model has no LoRA adapters`);
  const b = new Set<Variable>(lora.map(([, a]) => a.loraB));
  const embA = new Set<Variable>(
    lora.filter(([, a]) => a.layer instanceof Embedding).map(([, a]) => a.loraA),
  );
  const trainable = model.parameters().filter((p) => p.requiresGrad);
  const weightDecay = options.weightDecay ?? 0;
  const groups: ParamGroup[] = [
    { params: trainable.filter((p) => !b.has(p) && !embA.has(p)), lr: options.lr, weightDecay },
    { params: trainable.filter((p) => b.has(p)), lr: options.lr * ratio, weightDecay },
    { params: trainable.filter((p) => embA.has(p)), lr: embeddingLr, weightDecay },
  ];
  return groups.filter((g) => g.params.length > 0);
}
