/**
 * The losses of WILSON (Cermelli et al., AAAI 2022; packages/wilss/README.md, "Methods and their losses") on `@numts/nn` Variables:
 *
 * - ℓ_CLS: normalised global weighted pooling (nGWP, ε = 1) plus the focal penalty
 *   (1 − mean m)^γ·log(λ + mean m), γ = 3, λ = 0.01, as image-level logits of the new classes,
 *   BCE against the image labels.
 * - ℓ_LOC: BCE between the localizer's old-class channels (background included) and the old
 *   model's sigmoid scores.
 * - ℓ_ENC: MSE between the new and the old encoder's body features.
 * - ℓ_SEG: per-pixel BCE with soft targets, summed over classes, averaged over pixels and over the
 *   images that pass the filter.
 * - ℓ_SSS: class-balanced cross-entropy against PAMR pseudo masks (ignored pixels weigh 0).
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import {
  add,
  affine,
  bceWithLogits,
  div,
  log,
  logSoftmax,
  mean,
  mse,
  mul,
  pow,
  slice,
  softmax,
  sum,
  Variable,
} from '@numts/nn';

/** Image-level logits [N, K] from localizer scores z [N, K, h, w]: nGWP + focal penalty. */
export function ngwpFocalLogits(z: Variable, gamma = 3, lambda = 0.01): Variable {
  if (z.shape.length !== 4)
    throw new ShapeError(`ngwpFocalLogits: z must be [N, K, h, w] (got [${z.shape.join(', ')}])`);
  const m = softmax(z, 1);
  const pooled = div(sum(mul(m, z), [2, 3]), affine(sum(m, [2, 3]), 1, 1));
  const meanM = mean(m, [2, 3]);
  const focal = mul(pow(affine(meanM, -1, 1), gamma), log(affine(meanM, 1, lambda)));
  return add(pooled, focal);
}

/**
 * ℓ_CLS: BCE of the nGWP+focal logits of the new classes (channels `newStart…K−1`) against the
 * multi-hot labels `targets` [N, |new|].
 */
export function localizerClassLoss(z: Variable, newStart: number, targets: ArrayLike<number>): Variable {
  const logits = ngwpFocalLogits(z);
  const k = z.shape[1]!;
  return bceWithLogits(slice(logits, 1, newStart, k), Variable.from(targets, [z.shape[0]!, k - newStart]));
}

/** ℓ_LOC: BCE of the localizer's first `oldCount` channels against the old model's sigmoid `omega` [N, oldCount, h, w]. */
export function localizationPriorLoss(z: Variable, oldCount: number, omega: ArrayLike<number>): Variable {
  const zOld = slice(z, 1, 0, oldCount);
  return bceWithLogits(zOld, Variable.from(omega, [...zOld.shape]));
}

/** ℓ_ENC: MSE between new and (constant) old body features. */
export function encoderDistillationLoss(bodyNew: Variable, bodyOld: ArrayLike<number>): Variable {
  return mse(bodyNew, Variable.from(bodyOld, [...bodyNew.shape]));
}

/**
 * ℓ_SEG: BCE-with-logits of logits [N, K, h, w] against soft targets (same shape), summed over
 * classes, averaged over pixels and over kept images (`keep[n]` = 1 or 0). Zero when no image is kept.
 */
export function segmentationLoss(
  logits: Variable,
  targets: ArrayLike<number>,
  keep: ArrayLike<number>,
): Variable {
  const [n, k, h, w] = logits.shape as [number, number, number, number];
  let kept = 0;
  for (let i = 0; i < n; i++) kept += keep[i]! ? 1 : 0;
  const weight = new Float32Array(n * k * h * w);
  if (kept > 0)
    for (let i = 0; i < n; i++)
      if (keep[i]) weight.fill(1 / (kept * h * w), i * k * h * w, (i + 1) * k * h * w);
  return bceWithLogits(logits, Variable.from(targets, [n, k, h, w]), { weight, reduction: 'sum' });
}

/**
 * The cross-entropy form of ℓ_SEG, for a model trained with softmax: per pixel the soft target is
 * normalised over classes (t / Σt; pixels with Σt = 0 are ignored) and the loss −Σ_c t̃_c·log
 * softmax(p)_c is averaged over pixels and over kept images. Zero when no image is kept.
 */
export function softCrossEntropy(
  logits: Variable,
  targets: ArrayLike<number>,
  keep: ArrayLike<number>,
): Variable {
  const [n, k, h, w] = logits.shape as [number, number, number, number];
  const hw = h * w;
  if (targets.length !== n * k * hw)
    throw new ShapeError(`softCrossEntropy: targets must have ${n * k * hw} entries (got ${targets.length})`);
  let kept = 0;
  for (let i = 0; i < n; i++) kept += keep[i] ? 1 : 0;
  const coef = new Float32Array(n * k * hw);
  if (kept > 0)
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      for (let q = 0; q < hw; q++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += Math.max(0, targets[(i * k + c) * hw + q]!);
        if (s <= 0) continue;
        for (let c = 0; c < k; c++)
          coef[(i * k + c) * hw + q] = Math.max(0, targets[(i * k + c) * hw + q]!) / s / (kept * hw);
      }
    }
  return affine(sum(mul(logSoftmax(logits, 1), Variable.from(coef, [n, k, h, w]))), -1);
}

/**
 * Class-balanced cross-entropy of scores [N, K, h, w] against hard labels (−1 = ignored), with
 * per-image class weights w_c = (|I| − M_c)/(1 + |I|) (M_c pixels of class c in the image), as
 * WILSON's ℓ_SSS. Averaged over the images that have any labelled pixel; zero when none has.
 */
export function balancedCrossEntropy(scores: Variable, labels: Int32Array): Variable {
  const [n, k, h, w] = scores.shape as [number, number, number, number];
  const hw = h * w;
  if (labels.length !== n * hw)
    throw new ShapeError(`balancedCrossEntropy: labels must have ${n * hw} entries (got ${labels.length})`);
  const coef = new Float32Array(n * k * hw);
  let images = 0;
  for (let i = 0; i < n; i++) {
    const counts = new Float64Array(k);
    let any = 0;
    for (let p = 0; p < hw; p++) {
      const c = labels[i * hw + p]!;
      if (c >= 0) {
        counts[c]! += 1;
        any++;
      }
    }
    if (!any) continue;
    images++;
    for (let p = 0; p < hw; p++) {
      const c = labels[i * hw + p]!;
      if (c >= 0) coef[(i * k + c) * hw + p] = (hw - counts[c]!) / (1 + hw) / hw;
    }
  }
  if (images === 0) return affine(sum(mul(scores, Variable.zeros([...scores.shape]))), 0);
  return affine(sum(mul(logSoftmax(scores, 1), Variable.from(coef, [n, k, h, w]))), -1 / images);
}
