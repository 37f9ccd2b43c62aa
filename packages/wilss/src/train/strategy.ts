/**
 * The contract between the incremental-step trainer and a method: the trainer owns the model, the
 * optimizer, the schedule and the loop; a method (a {@link StepStrategy}) turns one batch into its
 * loss terms. Adding a method is one file that implements it.
 *
 * @module
 */
import type { Variable } from '@numts/nn';
import type { Features, Localizer, Segmenter } from '../model.js';
import type { SegmentationSet } from '../protocol.js';

/** ℓ_SEG in the old model's form: per-class BCE or the soft cross-entropy, over kept images. */
export type SegmentationLoss = (logits: Variable, targets: Float32Array, keep: Uint8Array) => Variable;

/** What a method knows of its step. */
export interface StepContext {
  /** The frozen model of the previous step. */
  old: Segmenter;
  /** The model being trained (the old one with new classifier outputs). */
  model: Segmenter;
  set: SegmentationSet;
  kOld: number;
  k: number;
  seed: number;
  epochs: number;
  batch: number;
  segmentationLoss: SegmentationLoss;
}

/** Where the schedule stands at a batch. */
export interface StepProgress {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based batch count since the start. */
  iteration: number;
  /** Localizer-only warm-up epochs (0 for methods without a localizer). */
  warmupEpochs: number;
  batchesPerEpoch: number;
  /** Batches after the warm-up (at least 1). */
  postWarmup: number;
}

/** One batch as a method sees it. */
export interface StepBatch {
  /** Rows of the step's set. */
  idx: Int32Array;
  x: Variable;
  /** The model's encoder features of x (with gradients). */
  features: Features;
  /** The frozen old model on x: its body and its scores ω [b, kOld, p], computed once on first use. */
  old(): { body: Float32Array; omega: Float32Array };
  progress: StepProgress;
}

/** Mechanism measurements of a weak step on its training images (hidden GT, evaluation only). */
export interface Mechanism {
  /** mIoU of the final pseudo labels (argmax of q̂) against GT, old foreground / new classes. */
  pseudoOld: number;
  pseudoNew: number;
  /** |Ω|/|I|: share of pixels where the old model and the seeds both claim a class. */
  conflictRate: number;
  /** Share of conflict pixels whose final pseudo label is the GT class. */
  conflictResolvedCorrectly: number;
  /** Share of images kept by the image filter. */
  keptImages: number;
}

/** A step method. */
export interface StepStrategy {
  /** WILSON's localizer when the method trains one (its parameters join the head's group, and the first epochs warm it up alone). */
  readonly localizer: Localizer | null;
  /** The loss terms of one batch, summed in this order by the trainer. */
  losses(batch: StepBatch): Variable[];
  /** Mechanism measurements after training (weak methods), else null. */
  mechanism(): Mechanism | null;
}
