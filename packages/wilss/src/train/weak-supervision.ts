/**
 * WILSON and TME-lite (our reconstruction, docs/methods/tme.md): a localizer on the encoder body
 * learns the new classes from image labels (ℓ_CLS), the old model's scores (ℓ_LOC) and the encoder
 * distillation (ℓ_KD); after its warm-up, its PAMR-refined maps train it further (ℓ_SSS) and give —
 * fused with the old model's scores by WILSON's rule or by TME-lite — the segmenter's targets.
 *
 * @module
 */
import { avgPool2d, noGrad, resizeBilinear, softmax, Variable } from '@numts/nn';
import {
  balancedCrossEntropy,
  encoderDistillationLoss,
  localizationPriorLoss,
  localizerClassLoss,
} from '../losses.js';
import { ConfusionMatrix, summarize } from '../metrics.js';
import { BODY_SIZE, LOGIT_SIZE, LOGIT_STRIDE, Localizer } from '../model.js';
import { pamr, pseudoGtMask } from '../pamr.js';
import { pseudoLabels, type TmeOptions } from '../pseudo.js';
import { felzenszwalb } from '../regions.js';
import { IMAGE_SIZE } from '../scenes.js';
import { IMAGE_PIXELS, LOSS_PIXELS, lossMasks } from './batches.js';
import type { Mechanism, StepContext, StepStrategy } from './strategy.js';

/** Region ids of every image on the loss grid [n, p] (Felzenszwalb on the image, k 0.5, min size 4). */
function regionsOf(ctx: StepContext): Int32Array {
  const { set } = ctx;
  const P = LOSS_PIXELS;
  const out = new Int32Array(set.n * P);
  for (let i = 0; i < set.n; i++) {
    const { regions } = felzenszwalb(
      set.images.subarray(i * 3 * IMAGE_PIXELS, (i + 1) * 3 * IMAGE_PIXELS),
      IMAGE_SIZE,
      IMAGE_SIZE,
      {
        k: 0.5,
        minSize: 4,
      },
    );
    for (let y = 0; y < LOGIT_SIZE; y++)
      for (let x = 0; x < LOGIT_SIZE; x++)
        out[i * P + y * LOGIT_SIZE + x] = regions[LOGIT_STRIDE * (y * IMAGE_SIZE + x)]!;
  }
  return out;
}

/**
 * The weak-supervision step: WILSON with `tme` all off, TME-lite with its switches on.
 * `lambdaMax` is the largest fusion weight (ramped linearly after the warm-up).
 */
export function weakSupervision(ctx: StepContext, tme: TmeOptions, lambdaMax: number): StepStrategy {
  const { set, kOld, k, model } = ctx;
  const P = LOSS_PIXELS;
  const localizer = new Localizer(k, ctx.seed, model.bodyChannels);
  const regions = tme.object ? regionsOf(ctx) : null;
  const cm = new ConfusionMatrix(k);
  let conflicts = 0;
  let resolved = 0;
  let pixels = 0;
  let kept = 0;
  let seen = 0;
  return {
    localizer,
    losses(batch) {
      const { idx, x, features, progress } = batch;
      const b = idx.length;
      const oldOut = batch.old();
      const z = localizer.forward(features.body);
      const present = new Float32Array(b * k);
      const multiHot = new Float32Array(b * (k - kOld));
      for (let j = 0; j < b; j++)
        for (const c of set.labels[idx[j]!]!)
          if (c >= kOld) {
            present[j * k + c] = 1;
            multiHot[j * (k - kOld) + c - kOld] = 1;
          }
      const omegaBody = avgPool2d(
        new Variable(oldOut.omega, [b, kOld, LOGIT_SIZE, LOGIT_SIZE]),
        LOGIT_SIZE / BODY_SIZE,
      ).data;
      const terms = [
        localizerClassLoss(z, kOld, multiHot),
        localizationPriorLoss(z, kOld, omegaBody),
        encoderDistillationLoss(features.body, oldOut.body),
      ];
      const { epoch, iteration, warmupEpochs, batchesPerEpoch, postWarmup } = progress;
      if (epoch < warmupEpochs) return terms;
      const localizerMaps = noGrad(
        () => softmax(resizeBilinear(z.detach(), [LOGIT_SIZE, LOGIT_SIZE]), 1).data,
      );
      // ℓ_SSS: PAMR-refined localizer maps → balanced CE on the localizer.
      const sssLabels = new Int32Array(b * P).fill(-1);
      const gridImages = LOGIT_STRIDE === 1 ? x.data : avgPool2d(x, LOGIT_STRIDE).data;
      const gridImageSize = 3 * P;
      for (let j = 0; j < b; j++) {
        const cls = set.labels[idx[j]!]!.filter((c) => c >= kOld);
        const masked = new Float32Array(k * P);
        for (const c of [0, ...cls])
          masked.set(localizerMaps.subarray((j * k + c) * P, (j * k + c + 1) * P), c * P);
        const refined = pamr(
          gridImages.subarray(j * gridImageSize, (j + 1) * gridImageSize),
          masked,
          k,
          LOGIT_SIZE,
          LOGIT_SIZE,
        );
        const g = pseudoGtMask(refined, k, P, cls);
        if (g.classesOn === cls.length + 1) sssLabels.set(g.labels, j * P);
      }
      terms.push(balancedCrossEntropy(resizeBilinear(z, [LOGIT_SIZE, LOGIT_SIZE]), sssLabels));
      const logits = model.decode(features);
      const current = !tme.fusion
        ? undefined
        : tme.fusionSource === 'localizer'
          ? localizerMaps
          : model.scores(logits.data, b, P);
      const lambda = lambdaMax * Math.min(1, (iteration - warmupEpochs * batchesPerEpoch) / postWarmup);
      const regionBatch = regions
        ? (() => {
            const r = new Int32Array(b * P);
            for (let j = 0; j < b; j++) r.set(regions.subarray(idx[j]! * P, idx[j]! * P + P), j * P);
            return r;
          })()
        : undefined;
      const pl = pseudoLabels(
        {
          n: b,
          k,
          kOld,
          p: P,
          omega: oldOut.omega,
          m: localizerMaps,
          present,
          current,
          regions: regionBatch,
        },
        { ...tme, lambda },
      );
      terms.push(ctx.segmentationLoss(logits, pl.targets, pl.keep));
      if (epoch === ctx.epochs - 1) {
        const gt = lossMasks(set, idx);
        for (let q = 0; q < gt.length; q++) if (gt[q]! >= k) gt[q] = 255;
        cm.add(gt, pl.hard);
        for (let q = 0; q < b * P; q++)
          if (pl.conflict[q]) {
            conflicts++;
            if (pl.hard[q] === gt[q]) resolved++;
          }
        pixels += b * P;
        for (let j = 0; j < b; j++) kept += pl.keep[j]!;
        seen += b;
      }
      return terms;
    },
    mechanism(): Mechanism {
      const s = summarize(cm, kOld - 1);
      return {
        pseudoOld: s.old,
        pseudoNew: s.new,
        conflictRate: pixels ? conflicts / pixels : 0,
        conflictResolvedCorrectly: conflicts ? resolved / conflicts : Number.NaN,
        keptImages: seen ? kept / seen : 0,
      };
    },
  };
}
