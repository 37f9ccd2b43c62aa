/**
 * Segmentation metrics from a confusion matrix accumulated over all test pixels (packages/wilss/README.md, "The problem and the protocol"):
 * per-class IoU, mIoU of old foreground classes, new classes and all classes (background
 * included), pixel accuracy.
 *
 * @module
 */
import { DomainError } from '@numts/core';

/** A K×K confusion matrix: counts[gt·K + pred]. */
export class ConfusionMatrix {
  readonly counts: Float64Array;
  constructor(readonly classes: number) {
    if (!Number.isInteger(classes) || classes < 1)
      throw new DomainError(`ConfusionMatrix: classes must be a positive integer (got ${classes})`);
    this.counts = new Float64Array(classes * classes);
  }

  /**
   * Adds pixels; labels ≥ classes (e.g. 255 "ignore") are skipped in the ground truth.
   * @throws DomainError when lengths differ or a prediction is out of range
   */
  add(gt: ArrayLike<number>, pred: ArrayLike<number>): this {
    if (gt.length !== pred.length)
      throw new DomainError(
        `ConfusionMatrix.add: gt and pred must have the same length (got ${gt.length} and ${pred.length})`,
      );
    const k = this.classes;
    for (let i = 0; i < gt.length; i++) {
      const g = gt[i]!;
      if (g >= k) continue;
      const p = pred[i]!;
      if (!(p >= 0 && p < k))
        throw new DomainError(`ConfusionMatrix.add: prediction ${p} at pixel ${i} is outside [0, ${k})`);
      this.counts[g * k + p]! += 1;
    }
    return this;
  }

  /** IoU per class: TP / (TP + FP + FN); NaN for a class absent from both GT and predictions. */
  iou(): Float64Array {
    const k = this.classes;
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let row = 0;
      let col = 0;
      for (let j = 0; j < k; j++) {
        row += this.counts[c * k + j]!;
        col += this.counts[j * k + c]!;
      }
      const tp = this.counts[c * k + c]!;
      const union = row + col - tp;
      out[c] = union > 0 ? tp / union : Number.NaN;
    }
    return out;
  }

  /** Correct pixels / all counted pixels. */
  pixelAccuracy(): number {
    let tp = 0;
    let all = 0;
    for (let c = 0; c < this.classes; c++) tp += this.counts[c * this.classes + c]!;
    for (const v of this.counts) all += v;
    return all > 0 ? tp / all : Number.NaN;
  }
}

/** mIoU summary of an incremental setting. */
export interface MiouSummary {
  /** Mean IoU over old foreground classes (background excluded). */
  old: number;
  /** Mean IoU over the classes learned after step 0. */
  new: number;
  /** Mean IoU over all classes including background. */
  all: number;
  pixelAccuracy: number;
  /** IoU per class (index 0 = background). */
  perClass: number[];
}

const meanOf = (v: number[]) => {
  const f = v.filter((x) => !Number.isNaN(x));
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
};

/** Summarises a confusion matrix for `oldCount` old foreground classes (labels 1…oldCount). */
export function summarize(cm: ConfusionMatrix, oldCount: number): MiouSummary {
  const iou = Array.from(cm.iou());
  return {
    old: meanOf(iou.slice(1, 1 + oldCount)),
    new: meanOf(iou.slice(1 + oldCount)),
    all: meanOf(iou),
    pixelAccuracy: cm.pixelAccuracy(),
    perClass: iou,
  };
}
