/**
 * Causal language modelling: the shifted cross-entropy loss and sampling (greedy or with a
 * temperature) without a key/value cache — each new token re-runs the whole sequence.
 *
 * @module
 */
import { DomainError, Rng, ShapeError } from '@numts/core';
import { crossEntropy, noGrad, reshape, slice, type Variable } from '@numts/nn';
import type { ModelOutput, TokenBatch } from './common.js';

/** A model that maps a token batch to logits [B, T, V]. */
export interface CausalLM {
  run(batch: TokenBatch): ModelOutput;
  readonly config: { vocabSize: number };
}

/**
 * Mean cross-entropy of logits[:, t] against ids[:, t + 1] (transformers' loss with
 * `labels = input_ids`); label positions equal to `ignoreIndex` (default −100) do not count.
 * @throws ShapeError when the logits are not [B, T, V] with T ≥ 2 for labels [B, T]
 */
export function causalLmLoss(
  logits: Variable,
  labels: ArrayLike<number>,
  options: { ignoreIndex?: number } = {},
): Variable {
  const [b, t, v] = logits.shape as [number, number, number];
  if (logits.shape.length !== 3 || t < 2 || labels.length !== b * t)
    throw new ShapeError(
      `causalLmLoss: logits must be [batch, length ≥ 2, vocab] with batch × length labels (got [${logits.shape.join(', ')}] and ${labels.length} labels)`,
    );
  const shifted = reshape(slice(logits, 1, 0, t - 1), [b * (t - 1), v]);
  const targets = new Int32Array(b * (t - 1));
  for (let i = 0; i < b; i++)
    for (let j = 0; j < t - 1; j++) targets[i * (t - 1) + j] = labels[i * t + j + 1]!;
  return crossEntropy(shifted, targets, { ignoreIndex: options.ignoreIndex ?? -100 });
}

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Tokens to add (default 16). */
  maxNewTokens?: number;
  /** 0 (default) picks the most likely token; above 0 samples from softmax(logits / temperature). */
  temperature?: number;
  /** Seed of the sampling (default 0). */
  seed?: number;
  /** Stop a sequence after this token. */
  eosTokenId?: number;
}

/**
 * Extends every sequence of a batch (same length each) by up to `maxNewTokens` tokens, greedily
 * or by sampling; returns the ids with the prompt, row-major [B, T + new].
 * @throws DomainError for a negative token count or temperature
 */
export function generate(
  model: CausalLM,
  prompt: TokenBatch,
  options: GenerateOptions = {},
): { ids: Int32Array; shape: [number, number] } {
  const steps = options.maxNewTokens ?? 16;
  const temperature = options.temperature ?? 0;
  if (!Number.isInteger(steps) || steps < 0)
    throw new DomainError(`generate: maxNewTokens must be a non-negative integer (got ${steps})`);
  if (!(temperature >= 0)) throw new DomainError(`generate: temperature must be ≥ 0 (got ${temperature})`);
  const rng = new Rng(options.seed ?? 0);
  const [b, t0] = prompt.shape;
  const rows: number[][] = Array.from({ length: b }, (_, i) =>
    Array.from(prompt.inputIds).slice(i * t0, (i + 1) * t0),
  );
  const done = new Array<boolean>(b).fill(false);
  const v = model.config.vocabSize;
  for (let s = 0; s < steps && !done.every(Boolean); s++) {
    const t = rows[0]!.length;
    const logits = noGrad(() => model.run({ inputIds: rows.flat(), shape: [b, t] }).logits).data;
    for (let i = 0; i < b; i++) {
      const base = (i * t + t - 1) * v;
      let next = 0;
      if (done[i]) next = options.eosTokenId ?? rows[i]![t - 1]!;
      else if (temperature === 0) {
        for (let j = 1; j < v; j++) if (logits[base + j]! > logits[base + next]!) next = j;
      } else {
        let m = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < v; j++) m = Math.max(m, logits[base + j]! / temperature);
        const p = Array.from({ length: v }, (_, j) => Math.exp(logits[base + j]! / temperature - m));
        let u = rng.uniform() * p.reduce((a, c) => a + c, 0);
        next = v - 1;
        for (let j = 0; j < v; j++) {
          u -= p[j]!;
          if (u < 0) {
            next = j;
            break;
          }
        }
      }
      rows[i]!.push(next);
      if (options.eosTokenId !== undefined && next === options.eosTokenId) done[i] = true;
    }
  }
  const len = rows[0]!.length;
  return { ids: Int32Array.from(rows.flat()), shape: [b, len] };
}
