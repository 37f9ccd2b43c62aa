/**
 * What the model families share: token inputs, outputs, and the head split/merge of attention.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { permute, reshape, type Variable } from '@numts/nn';

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
