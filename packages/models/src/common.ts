/**
 * What the model families share: token inputs, outputs, and the head split/merge of attention.
 *
 * @module
 */
import { Rng, ShapeError } from '@numts/core';
import { gelu, Linear, Module, matmul, permute, reshape, type Variable } from '@numts/nn';

/** Token ids of a batch (row-major [batch, length]) and an optional attention mask (1 keep, 0 pad). */
export interface TokenBatch {
  inputIds: ArrayLike<number>;
  shape: readonly [number, number];
  attentionMask?: ArrayLike<number>;
}

/** The outputs of a forward pass, as transformers returns them with `output_hidden_states=True`. */
export interface ModelOutput {
  /** [batch, length, vocab] for language models, [batch, labels] for classifiers. */
  logits: Variable;
  /**
   * The embedding output, then one entry per block, following transformers: the last entry of
   * GPT-2 and LLaMA has the final norm applied; ViT's is the last block's raw output; BERT's are
   * post-norm block outputs.
   */
  hiddenStates: Variable[];
}

/** Checks a token batch against the vocabulary and the longest supported sequence. */
export function checkTokens(
  fn: string,
  batch: TokenBatch,
  vocab: number,
  maxLength?: number,
): [number, number] {
  const [b, t] = batch.shape;
  if (!Number.isInteger(b) || !Number.isInteger(t) || b < 1 || t < 1)
    throw new ShapeError(
      `${fn}: shape must be [batch, length] of positive integers (got [${batch.shape.join(', ')}])`,
    );
  if (batch.inputIds.length !== b * t)
    throw new ShapeError(`${fn}: inputIds has ${batch.inputIds.length} ids for shape [${b}, ${t}]`);
  if (maxLength !== undefined && t > maxLength)
    throw new ShapeError(`${fn}: length ${t} exceeds the model's ${maxLength} positions`);
  for (let i = 0; i < batch.inputIds.length; i++) {
    const id = batch.inputIds[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocab)
      throw new ShapeError(`${fn}: inputIds[${i}] = ${id} is not a token id in [0, ${vocab})`);
  }
  if (batch.attentionMask !== undefined && batch.attentionMask.length !== b * t)
    throw new ShapeError(
      `${fn}: attentionMask has ${batch.attentionMask.length} values for shape [${b}, ${t}]`,
    );
  return [b, t];
}

/** [B·T, H·D] → [B, H, T, D]. */
export function splitHeads(x: Variable, b: number, t: number, heads: number): Variable {
  const d = x.shape[1]! / heads;
  return permute(reshape(x, [b, t, heads, d]), [0, 2, 1, 3]);
}

/** [B, H, T, D] → [B·T, H·D]. */
export function mergeHeads(x: Variable): Variable {
  const [b, h, t, d] = x.shape as [number, number, number, number];
  return reshape(permute(x, [0, 2, 1, 3]), [b * t, h * d]);
}

/** A block of a transformer stack: new hidden states [B, T, E] from the previous ones. */
export interface StackBlock {
  forward(h: Variable, attentionMask?: ArrayLike<number>): Variable;
}

/**
 * Runs `h` through the blocks and returns the hidden states as transformers does with
 * `output_hidden_states=True`: the input, then each block's output, where `finalNorm` (GPT-2's
 * `ln_f`, LLaMA's `norm`) replaces the last entry by its normalised value.
 */
export function runStack(
  h: Variable,
  blocks: Iterable<StackBlock>,
  attentionMask?: ArrayLike<number>,
  finalNorm?: { forward(x: Variable): Variable },
): Variable[] {
  const states = [h];
  let x = h;
  for (const block of blocks) {
    x = block.forward(x, attentionMask);
    states.push(x);
  }
  if (finalNorm) states[states.length - 1] = finalNorm.forward(x);
  return states;
}

/**
 * Base of the task models built from a config (GPT-2, LLaMA, BERT, ViT heads): the config and the
 * seeded generator that draws every initial weight (same seed, same weights).
 */
export abstract class TaskModel<C> extends Module {
  /** The model's configuration. */
  readonly config: C;
  /** Draws the initial weights; the body takes it first, then the head. */
  protected readonly initRng: Rng;
  constructor(config: C, options: { seed?: number } = {}) {
    super();
    this.config = config;
    this.initRng = new Rng(options.seed ?? 0);
  }
}

/** A projection of the last dimension on [N, E] inputs (a Linear, or GPT-2's Conv1D). */
export interface Projection extends Module {
  forward(x: Variable): Variable;
}

/**
 * The MLP of GPT-2 and ViT: down(GELU(up(x))) on [N, E] or [B, T, E] inputs (flattened to
 * [B·T, E] for the projections), with the projections registered under their checkpoint names.
 */
export class GeluMlp extends Module {
  constructor(
    names: readonly [up: string, down: string],
    readonly up: Projection,
    readonly down: Projection,
    readonly approximate: 'none' | 'tanh' = 'none',
  ) {
    super();
    this.child(names[0], up);
    this.child(names[1], down);
  }
  forward(x: Variable): Variable {
    const shape = x.shape;
    const flat = shape.length === 3 ? reshape(x, [shape[0]! * shape[1]!, shape[2]!]) : x;
    const y = this.down.forward(gelu(this.up.forward(flat), { approximate: this.approximate }));
    return shape.length === 3 ? reshape(y, [shape[0]!, shape[1]!, y.shape[1]!]) : y;
  }
}

/**
 * Language-model logits [B, T, V] of the last hidden state [B, T, E]: through `head` when the
 * model has its own, else through the token embedding [V, E] (tied weights).
 */
export function languageModelLogits(h: Variable, head: Linear | undefined, embedding: Variable): Variable {
  const [b, t, e] = h.shape as [number, number, number];
  const flat = reshape(h, [b * t, e]);
  const logits = head ? head.forward(flat) : matmul(flat, embedding, { transB: true });
  return reshape(logits, [b, t, logits.shape[1]!]);
}

/** The linear classifier head [hiddenSize → numLabels] of BERT and ViT. */
export function classifierHead(config: { hiddenSize: number; numLabels: number }, rng: Rng): Linear {
  return new Linear(config.hiddenSize, config.numLabels, { rng });
}
