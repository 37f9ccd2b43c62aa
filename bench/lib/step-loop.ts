/**
 * The fine-tuning loop the PEFT v2 runs share: `steps` optimizer steps over batches of a seeded
 * permutation of the training rows (reshuffled when it runs out), returning the mean training loss
 * of each tenth of the steps (the curve of the page).
 */
import type { Rng } from '@numts/core';

/** Calls `step(rows)` for each batch of row indices; `step` trains on them and returns the loss. */
export function runSteps(options: {
  steps: number;
  batch: number;
  rows: number;
  rng: Rng;
  step: (rows: Int32Array) => number;
}): number[] {
  const { steps, batch, rows, rng, step } = options;
  let perm = rng.permutation(rows);
  let at = 0;
  const losses: number[] = [];
  const block = Math.max(1, Math.floor(steps / 10));
  let sum = 0;
  for (let s = 0; s < steps; s++) {
    if (at + batch > rows) {
      perm = rng.permutation(rows);
      at = 0;
    }
    sum += step(perm.subarray(at, at + batch));
    at += batch;
    if ((s + 1) % block === 0) {
      losses.push(sum / block);
      sum = 0;
    }
  }
  return losses;
}
