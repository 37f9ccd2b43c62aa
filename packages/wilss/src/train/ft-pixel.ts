/**
 * FT-pixel: fine-tuning on the step's pixel masks of the new classes only (old-class pixels count
 * as background) — the pixel-supervised lower bound of forgetting.
 *
 * @module
 */
import { LOSS_PIXELS, lossMasks, oneHot } from './batches.js';
import type { StepContext, StepStrategy } from './strategy.js';

/** Targets [n, k, p] from masks [n, p]: one-hot of the new classes, old classes as background. */
export function newClassTargets(masks: ArrayLike<number>, kOld: number, k: number, p: number): Float32Array {
  const m = Uint8Array.from(masks, (c) => (c < kOld ? 0 : c));
  return oneHot(m, k, p);
}

export function ftPixel(ctx: StepContext): StepStrategy {
  return {
    localizer: null,
    losses({ idx, features }) {
      const targets = newClassTargets(lossMasks(ctx.set, idx), ctx.kOld, ctx.k, LOSS_PIXELS);
      return [ctx.segmentationLoss(ctx.model.decode(features), targets, new Uint8Array(idx.length).fill(1))];
    },
    mechanism: () => null,
  };
}
