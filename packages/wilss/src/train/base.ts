/**
 * Step 0 (the base model on pixel masks) and Joint (the upper bound: the base model fine-tuned on
 * the union of the sets with their full pixel masks).
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import { Adam, crossEntropy, type OptimizerState } from '@numts/nn';
import { segmentationLoss, softCrossEntropy } from '../losses.js';
import { Segmenter } from '../model.js';
import type { SegmentationSet } from '../protocol.js';
import {
  concatSets,
  epochBatches,
  imagesOf,
  LOSS_PIXELS,
  lossMasks,
  oneHot,
  scaleLearningRates,
} from './batches.js';

/**
 * Where trainBase stood after some epochs: enough to continue bit for bit (the batch order is
 * replayed from the seed, the learning-rate schedule from the step count).
 */
export interface BaseCheckpoint {
  /** Completed epochs. */
  epochs: number;
  /** The segmenter's state dict. */
  weights: Record<string, { data: Float32Array | Float64Array; shape: number[] }>;
  /** Adam's state. */
  optimizer: OptimizerState;
}

/** Options shared by base and step training. */
export interface TrainOptions {
  epochs: number;
  /** Batch size (default 16). */
  batch?: number | undefined;
  seed: number;
  /** Base learning rate (trainBase default 5e-3, Adam). */
  lr?: number | undefined;
  /**
   * trainBase's loss: `'ce'` (default; softmax cross-entropy, ω = softmax) or `'bce'` (WILSON's
   * per-class BCE, ω = sigmoid). BCE learned the shapes several times slower in our runs.
   */
  baseLoss?: 'ce' | 'bce' | undefined;
  /** Called after every epoch with a short status line. */
  log?: ((line: string) => void) | undefined;
  /** Called after every epoch of trainBase and trainJoint with the model (e.g. for training curves). */
  onEpoch?: ((epoch: number, model: Segmenter) => void) | undefined;
  /** trainBase: called after every epoch with a checkpoint that `resume` continues from. */
  onCheckpoint?: ((checkpoint: BaseCheckpoint) => void) | undefined;
  /** trainBase: continue from a checkpoint of a run with the same set, classes and options. */
  resume?: BaseCheckpoint | undefined;
  /** trainBase: the segmenter's channel multiplier (default 1); steps and Joint inherit it. */
  width?: number | undefined;
}

/**
 * Step 0: trains a segmenter with `classes` outputs (background included) on pixel masks, Adam
 * 5e-3 with cosine decay, with softmax cross-entropy (default; the old model's scores ω are then its
 * softmax) or WILSON's per-class BCE (`baseLoss: 'bce'`, ω = sigmoid).
 * @throws DomainError for a non-positive epoch count or class count
 */
export function trainBase(set: SegmentationSet, classes: number, options: TrainOptions): Segmenter {
  if (!Number.isInteger(options.epochs) || options.epochs < 1)
    throw new DomainError(`trainBase: epochs must be a positive integer (got ${options.epochs})`);
  if (!Number.isInteger(classes) || classes < 2)
    throw new DomainError(`trainBase: classes must be an integer ≥ 2 (got ${classes})`);
  const batch = options.batch ?? 16;
  const model = new Segmenter(classes, options.seed, options.width ?? 1);
  const lr = options.lr ?? 5e-3;
  const baseLoss = options.baseLoss ?? 'ce';
  model.calibration = baseLoss === 'ce' ? 'softmax' : 'sigmoid';
  const opt = new Adam(model.parameters(), { lr });
  const rng = new Rng(options.seed * 7 + 1);
  const total = options.epochs * Math.ceil(set.n / batch);
  let step = 0;
  const start = options.resume?.epochs ?? 0;
  if (options.resume) {
    if (!Number.isInteger(start) || start < 0 || start > options.epochs)
      throw new DomainError(
        `trainBase: resume.epochs must be an integer in [0, ${options.epochs}] (got ${start})`,
      );
    model.loadStateDict(options.resume.weights);
    opt.loadStateDict(options.resume.optimizer);
    for (let e = 0; e < start; e++) step += epochBatches(set.n, batch, rng).length;
  }
  for (let e = start; e < options.epochs; e++) {
    let sum = 0;
    const bs = epochBatches(set.n, batch, rng);
    for (const idx of bs) {
      scaleLearningRates(opt, [lr], 0.5 * (1 + Math.cos((Math.PI * step++) / total)));
      const x = imagesOf(set, idx);
      const masks = lossMasks(set, idx);
      opt.zeroGrad();
      const logits = model.forward(x);
      const loss =
        baseLoss === 'ce'
          ? crossEntropy(logits, Int32Array.from(masks))
          : segmentationLoss(logits, oneHot(masks, classes, LOSS_PIXELS), new Uint8Array(idx.length).fill(1));
      loss.backward();
      opt.step();
      sum += loss.item();
    }
    options.log?.(`base epoch ${e + 1}/${options.epochs}: loss ${(sum / bs.length).toFixed(4)}`);
    options.onEpoch?.(e, model);
    options.onCheckpoint?.({ epochs: e + 1, weights: model.stateDict(), optimizer: opt.stateDict() });
  }
  return model;
}

/**
 * Joint training (upper bound): fine-tunes the step-0 model with `k` outputs on the union of the
 * given sets with their full pixel masks.
 */
export function trainJoint(
  base: Segmenter,
  sets: SegmentationSet[],
  k: number,
  options: TrainOptions,
): Segmenter {
  const all = concatSets(sets);
  const model = base.expanded(k - base.classes, options.seed + 13);
  model.calibration = base.calibration;
  const seg = base.calibration === 'softmax' ? softCrossEntropy : segmentationLoss;
  const batch = options.batch ?? 16;
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const rng = new Rng(options.seed * 7 + 4);
  const total = options.epochs * Math.ceil(all.n / batch);
  let step = 0;
  for (let e = 0; e < options.epochs; e++) {
    for (const idx of epochBatches(all.n, batch, rng)) {
      scaleLearningRates(opt, [1e-3], 0.5 * (1 + Math.cos((Math.PI * step++) / total)));
      opt.zeroGrad();
      seg(
        model.forward(imagesOf(all, idx)),
        oneHot(lossMasks(all, idx), k, LOSS_PIXELS),
        new Uint8Array(idx.length).fill(1),
      ).backward();
      opt.step();
    }
    options.onEpoch?.(e, model);
  }
  return model;
}
