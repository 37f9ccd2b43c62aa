/**
 * Predictions at the image resolution and their mIoU.
 *
 * @module
 */
import { noGrad, resizeBilinear } from '@numts/nn';
import { ConfusionMatrix, type MiouSummary, summarize } from '../metrics.js';
import type { Segmenter } from '../model.js';
import type { SegmentationSet } from '../protocol.js';
import { IMAGE_SIZE } from '../scenes.js';
import { IMAGE_PIXELS, imagesOf } from './batches.js';

/** Per-pixel predictions [n, S, S]: argmax of the logits upsampled ×2 (bilinear). */
export function predict(model: Segmenter, set: SegmentationSet): Uint8Array {
  const out = new Uint8Array(set.n * IMAGE_PIXELS);
  noGrad(() => {
    for (let i = 0; i < set.n; i += 100) {
      const idx = Int32Array.from({ length: Math.min(100, set.n - i) }, (_, j) => i + j);
      const logits = resizeBilinear(model.forward(imagesOf(set, idx)), [IMAGE_SIZE, IMAGE_SIZE]).data;
      const k = model.classes;
      for (let j = 0; j < idx.length; j++)
        for (let q = 0; q < IMAGE_PIXELS; q++) {
          let best = 0;
          for (let c = 1; c < k; c++)
            if (logits[(j * k + c) * IMAGE_PIXELS + q]! > logits[(j * k + best) * IMAGE_PIXELS + q]!)
              best = c;
          out[(i + j) * IMAGE_PIXELS + q] = best;
        }
    }
  });
  return out;
}

/** mIoU of a model on a set whose masks use labels < model.classes; `oldCount` old foreground classes. */
export function evaluate(model: Segmenter, set: SegmentationSet, oldCount: number): MiouSummary {
  const cm = new ConfusionMatrix(model.classes);
  const gt = Uint8Array.from(set.masks.subarray(0, set.n * IMAGE_PIXELS), (v) =>
    v < model.classes ? v : 255,
  );
  cm.add(gt, predict(model, set));
  return summarize(cm, oldCount);
}
