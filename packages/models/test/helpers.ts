/** Helpers of the @numts/models tests. */
import { Adam, type Module } from '@numts/nn';
import { expect } from 'vitest';
import { type CausalLM, causalLmLoss, type TokenBatch } from '../src/index.js';

/** max |aᵢ − bᵢ| of two arrays of the same length (the length is asserted). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** `steps` Adam steps (lr 1e-2) of the causal LM loss on one batch; returns the loss of each step. */
export function trainCausalLm(model: CausalLM & Module, batch: TokenBatch, steps = 50): number[] {
  const opt = new Adam(
    model.parameters().filter((p) => p.requiresGrad),
    { lr: 1e-2 },
  );
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    const loss = causalLmLoss(model.run(batch).logits, batch.inputIds);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}
