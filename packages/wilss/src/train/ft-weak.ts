/**
 * FT-weak: fine-tuning with cross-entropy on the offline CAM labels of the new classes alone (no
 * knowledge of the old classes) — the forgetting lower bound of weak supervision.
 *
 * @module
 */
import { crossEntropy } from '@numts/nn';
import { LOSS_PIXELS } from './batches.js';
import { camLabels, camLabelsOf } from './cam-labels.js';
import type { StepContext, StepStrategy } from './strategy.js';

export function ftWeak(ctx: StepContext): StepStrategy {
  const cams = camLabels(ctx);
  return {
    localizer: null,
    losses: ({ idx, features }) => [
      crossEntropy(ctx.model.decode(features), camLabelsOf(cams, idx, LOSS_PIXELS)),
    ],
    mechanism: () => null,
  };
}
