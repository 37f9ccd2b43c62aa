/**
 * Offline CAM labels of a step (FT-weak, CAM+old): a global-average-pooling classifier of the new
 * classes on the frozen old encoder's body, trained on the image labels; each pixel then takes the
 * present new class of the highest normalised activation above 0.3, else background.
 *
 * @module
 */
import { Rng } from '@numts/core';
import {
  Adam,
  bceWithLogits,
  Conv2d,
  globalAvgPool2d,
  noGrad,
  reshape,
  resizeBilinear,
  Variable,
} from '@numts/nn';
import { BODY_SIZE, LOGIT_SIZE } from '../model.js';
import { epochBatches, imagesOf, LOSS_PIXELS } from './batches.js';
import type { StepContext } from './strategy.js';

/** Per image, the CAM label of every loss-grid pixel [n, p] (0 = background, else a new class). */
export function camLabels(ctx: StepContext): Uint8Array {
  const { old, set, kOld, k, seed, epochs, batch } = ctx;
  const P = LOSS_PIXELS;
  const channels = old.bodyChannels;
  const bodySize = channels * BODY_SIZE * BODY_SIZE;
  const nNew = k - kOld;
  const cam = new Conv2d(channels, nNew, 1, { seed: seed + 5 });
  const opt = new Adam(cam.parameters(), { lr: 1e-2 });
  const rng = new Rng(seed * 7 + 3);
  const bodies = new Float32Array(set.n * bodySize);
  noGrad(() => {
    for (let i = 0; i < set.n; i += 64) {
      const idx = Int32Array.from({ length: Math.min(64, set.n - i) }, (_, j) => i + j);
      bodies.set(old.encode(imagesOf(set, idx)).body.data, i * bodySize);
    }
  });
  const bodyOf = (idx: ArrayLike<number>) => {
    const out = new Float32Array(idx.length * bodySize);
    for (let j = 0; j < idx.length; j++)
      out.set(bodies.subarray(idx[j]! * bodySize, idx[j]! * bodySize + bodySize), j * bodySize);
    return new Variable(out, [idx.length, channels, BODY_SIZE, BODY_SIZE]);
  };
  const targetOf = (idx: ArrayLike<number>) => {
    const t = new Float32Array(idx.length * nNew);
    for (let j = 0; j < idx.length; j++)
      for (const c of set.labels[idx[j]!]!) if (c >= kOld) t[j * nNew + c - kOld] = 1;
    return t;
  };
  for (let e = 0; e < epochs; e++)
    for (const idx of epochBatches(set.n, batch, rng)) {
      opt.zeroGrad();
      const logits = reshape(globalAvgPool2d(cam.forward(bodyOf(idx))), [idx.length, nNew]);
      bceWithLogits(logits, Variable.from(targetOf(idx), [idx.length, nNew])).backward();
      opt.step();
    }
  const labels = new Uint8Array(set.n * P);
  noGrad(() => {
    for (let i = 0; i < set.n; i += 64) {
      const idx = Int32Array.from({ length: Math.min(64, set.n - i) }, (_, j) => i + j);
      const maps = resizeBilinear(cam.forward(bodyOf(idx)), [LOGIT_SIZE, LOGIT_SIZE]).data;
      for (let j = 0; j < idx.length; j++) {
        const present = set.labels[idx[j]!]!.filter((c) => c >= kOld);
        const norm = new Map<number, number>();
        for (const c of present) {
          let mx = 0;
          for (let q = 0; q < P; q++) mx = Math.max(mx, maps[(j * nNew + c - kOld) * P + q]!);
          norm.set(c, mx);
        }
        for (let q = 0; q < P; q++) {
          let best = 0;
          let bv = 0.3;
          for (const c of present) {
            const mx = norm.get(c)!;
            const v = mx > 0 ? Math.max(0, maps[(j * nNew + c - kOld) * P + q]!) / mx : 0;
            if (v >= bv) {
              bv = v;
              best = c;
            }
          }
          labels[(i + j) * P + q] = best;
        }
      }
    }
  });
  return labels;
}

/** The CAM labels of rows `idx` [b, p], from the labels of the whole set. */
export function camLabelsOf(cams: Uint8Array, idx: ArrayLike<number>, p: number): Int32Array {
  const out = new Int32Array(idx.length * p);
  for (let j = 0; j < idx.length; j++) out.set(cams.subarray(idx[j]! * p, idx[j]! * p + p), j * p);
  return out;
}
