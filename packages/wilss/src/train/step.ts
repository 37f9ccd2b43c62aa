/**
 * One incremental step: the trainer (model growth, optimizer groups, schedule, loop) and the table
 * of methods, each a {@link StepStrategy} in its own file.
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import { Adam, add, noGrad } from '@numts/nn';
import { segmentationLoss, softCrossEntropy } from '../losses.js';
import type { Segmenter } from '../model.js';
import type { SegmentationSet } from '../protocol.js';
import type { TmeOptions } from '../pseudo.js';
import type { TrainOptions } from './base.js';
import { epochBatches, imagesOf, LOSS_PIXELS, scaleLearningRates } from './batches.js';
import { camOld } from './cam-old.js';
import { ftPixel } from './ft-pixel.js';
import { ftWeak } from './ft-weak.js';
import type { Mechanism, StepContext, StepStrategy } from './strategy.js';
import { weakSupervision } from './weak-supervision.js';

/** The step methods. */
export type StepMethod = 'ft-pixel' | 'ft-weak' | 'cam-old' | 'wilson' | 'tme';

/** Options of {@link trainStep}. */
export interface StepOptions extends TrainOptions {
  method: StepMethod;
  /** TME-lite switches (method 'tme'; default: object-based TME + fusion, the full method). */
  tme?: TmeOptions | undefined;
  /** Localizer-only warm-up as a fraction of the epochs (default 0.125, WILSON's 5 of 40). */
  warmupFraction?: number | undefined;
  /** Learning rate of the encoder (default 2e-4) and, ×10, of decoder, classifier and localizer. */
  lr?: number | undefined;
  /** Maximum fusion weight λ_max (default 1), ramped linearly after the warm-up. */
  lambdaMax?: number | undefined;
}

/** Each method, built for its step. */
const METHODS: Readonly<Record<StepMethod, (ctx: StepContext, options: StepOptions) => StepStrategy>> = {
  'ft-pixel': (ctx) => ftPixel(ctx),
  'ft-weak': (ctx) => ftWeak(ctx),
  'cam-old': (ctx) => camOld(ctx),
  // WILSON takes only its smoothing α from `tme`; the TME-lite switches stay off.
  wilson: (ctx, o) => weakSupervision(ctx, { alpha: o.tme?.alpha }, o.lambdaMax ?? 1),
  tme: (ctx, o) => weakSupervision(ctx, o.tme ?? { object: true, fusion: true }, o.lambdaMax ?? 1),
};

/**
 * One incremental step: a copy of `old` with `k − kOld` new classifier outputs trained on the
 * step's images with `options.method`. The old model is not modified. The encoder trains at `lr`,
 * decoder, classifier and (weak methods) localizer at 10·lr; methods with a localizer first warm
 * it up alone at the full rate, then every rate decays polynomially (power 0.9).
 * @throws DomainError for an unknown method or inconsistent class counts
 */
export function trainStep(
  old: Segmenter,
  set: SegmentationSet,
  k: number,
  options: StepOptions,
): { model: Segmenter; mechanism: Mechanism | null } {
  const fn = 'trainStep';
  const kOld = old.classes;
  if (!Number.isInteger(k) || k <= kOld)
    throw new DomainError(`${fn}: k must exceed the old class count ${kOld} (got ${k})`);
  if (!Object.hasOwn(METHODS, options.method))
    throw new DomainError(
      `${fn}: method must be one of ${Object.keys(METHODS)
        .map((m) => JSON.stringify(m))
        .join(', ')} (got ${JSON.stringify(options.method)})`,
    );
  const source = options.tme?.fusionSource;
  if (source !== undefined && source !== 'segmenter' && source !== 'localizer')
    throw new DomainError(
      `${fn}: tme.fusionSource must be "segmenter" or "localizer" (got ${JSON.stringify(source)})`,
    );
  const batch = options.batch ?? 16;
  const model = old.expanded(k - kOld, options.seed + 11);
  // ℓ_SEG follows the old model's training loss: per-class BCE (WILSON) after a BCE base, the
  // soft cross-entropy after a softmax base (per-pixel BCE collapsed to background there).
  model.calibration = old.calibration;
  const ctx: StepContext = {
    old,
    model,
    set,
    kOld,
    k,
    seed: options.seed,
    epochs: options.epochs,
    batch,
    segmentationLoss: old.calibration === 'softmax' ? softCrossEntropy : segmentationLoss,
  };
  const { encoder, head } = model.parameterGroups();
  const lr = options.lr ?? 2e-4;
  const strategy = METHODS[options.method](ctx, options);
  const groups = [
    { params: encoder, lr },
    { params: [...head, ...(strategy.localizer ? strategy.localizer.parameters() : [])], lr: 10 * lr },
  ];
  const opt = new Adam(groups, { lr });
  const baseLr = groups.map((g) => g.lr);
  const rng = new Rng(options.seed * 7 + 2);
  const warmupEpochs = strategy.localizer
    ? Math.max(1, Math.round((options.warmupFraction ?? 0.125) * options.epochs))
    : 0;
  const batchesPerEpoch = Math.ceil(set.n / batch);
  const postWarmup = Math.max(1, (options.epochs - warmupEpochs) * batchesPerEpoch);
  let iteration = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    let lossSum = 0;
    const batches = epochBatches(set.n, batch, rng);
    for (const idx of batches) {
      const factor =
        epoch < warmupEpochs
          ? 1
          : (1 - Math.max(0, iteration - warmupEpochs * batchesPerEpoch) / (postWarmup + 1)) ** 0.9;
      scaleLearningRates(opt, baseLr, factor);
      const x = imagesOf(set, idx);
      opt.zeroGrad();
      const features = model.encode(x);
      let oldOut: { body: Float32Array; omega: Float32Array } | null = null;
      const terms = strategy.losses({
        idx,
        x,
        features,
        old: () =>
          (oldOut ??= noGrad(() => {
            const f = old.encode(x);
            return {
              body: f.body.data as Float32Array,
              omega: old.scores(old.decode(f).data, idx.length, LOSS_PIXELS),
            };
          })),
        progress: { epoch, iteration, warmupEpochs, batchesPerEpoch, postWarmup },
      });
      let loss = terms[0]!;
      for (let t = 1; t < terms.length; t++) loss = add(loss, terms[t]!);
      loss.backward();
      opt.step();
      lossSum += loss.item();
      iteration++;
    }
    options.log?.(
      `${options.method} epoch ${epoch + 1}/${options.epochs}: loss ${(lossSum / batches.length).toFixed(4)}`,
    );
  }
  // FT-weak trains with cross-entropy; the others with ℓ_SEG in the old model's form.
  model.calibration = options.method === 'ft-weak' ? 'softmax' : old.calibration;
  return { model, mechanism: strategy.mechanism() };
}
