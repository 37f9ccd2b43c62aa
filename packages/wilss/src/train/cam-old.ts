/**
 * CAM+old: the CAM labels of the new classes with the old model's scores kept for the old classes
 * (background = min(ω_bg, no CAM class)) — pseudo-labels without a localizer.
 *
 * @module
 */
import { LOSS_PIXELS } from './batches.js';
import { camLabels, camLabelsOf } from './cam-labels.js';
import type { StepContext, StepStrategy } from './strategy.js';

/**
 * Targets [b, k, p] from the old model's scores ω [b, kOld, p] and the batch's CAM labels [b, p]:
 * background min(ω₀, [no CAM class]), old classes ω, the CAM class 1.
 */
export function camOldTargets(
  omega: ArrayLike<number>,
  cam: ArrayLike<number>,
  kOld: number,
  k: number,
  p: number,
): Float32Array {
  const b = cam.length / p;
  const t = new Float32Array(b * k * p);
  for (let j = 0; j < b; j++)
    for (let q = 0; q < p; q++) {
      const cl = cam[j * p + q]!;
      const om = (c: number) => omega[(j * kOld + c) * p + q]!;
      t[j * k * p + q] = Math.min(om(0), cl === 0 ? 1 : 0);
      for (let c = 1; c < kOld; c++) t[(j * k + c) * p + q] = om(c);
      if (cl >= kOld) t[(j * k + cl) * p + q] = 1;
    }
  return t;
}

export function camOld(ctx: StepContext): StepStrategy {
  const cams = camLabels(ctx);
  const P = LOSS_PIXELS;
  return {
    localizer: null,
    losses(batch) {
      const { idx } = batch;
      const targets = camOldTargets(batch.old().omega, camLabelsOf(cams, idx, P), ctx.kOld, ctx.k, P);
      return [
        ctx.segmentationLoss(ctx.model.decode(batch.features), targets, new Uint8Array(idx.length).fill(1)),
      ];
    },
    mechanism: () => null,
  };
}
