/**
 * Batches for training: images and masks of chosen rows, masks at the loss resolution, one-hot
 * targets, the epoch shuffle and the learning-rate schedule helper. Sizes come from the scene and
 * segmenter geometry (images IMAGE_SIZE², losses on the LOGIT_SIZE² grid).
 *
 * @module
 */
import type { Rng } from '@numts/core';
import { type Adam, Variable } from '@numts/nn';
import { LOGIT_SIZE, LOGIT_STRIDE } from '../model.js';
import type { SegmentationSet } from '../protocol.js';
import { IMAGE_SIZE } from '../scenes.js';

/** Pixels of an image. */
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** Pixels of the loss grid (the logits' resolution). */
export const LOSS_PIXELS = LOGIT_SIZE * LOGIT_SIZE;

/** The images of rows `idx` as a [b, 3, S, S] batch. */
export function imagesOf(set: SegmentationSet, idx: ArrayLike<number>): Variable {
  const size = 3 * IMAGE_PIXELS;
  const out = new Float32Array(idx.length * size);
  for (let i = 0; i < idx.length; i++)
    out.set(set.images.subarray(idx[i]! * size, idx[i]! * size + size), i * size);
  return new Variable(out, [idx.length, 3, IMAGE_SIZE, IMAGE_SIZE]);
}

/**
 * An IMAGE_SIZE² mask → the LOGIT_SIZE² loss grid: the most frequent label of each block of
 * stride × stride pixels (ties: the smaller label); a copy when the logits are at full resolution.
 */
export function downsampleMask(mask: ArrayLike<number>, offset = 0): Uint8Array {
  const g = LOGIT_SIZE;
  const s = IMAGE_SIZE;
  const stride = LOGIT_STRIDE;
  if (stride === 1) return Uint8Array.from({ length: g * g }, (_, p) => mask[offset + p]!);
  const out = new Uint8Array(g * g);
  for (let y = 0; y < g; y++)
    for (let x = 0; x < g; x++) {
      const v: number[] = [];
      for (let dy = 0; dy < stride; dy++)
        for (let dx = 0; dx < stride; dx++) v.push(mask[offset + (stride * y + dy) * s + stride * x + dx]!);
      let best = v[0]!;
      let bc = 0;
      for (const a of v) {
        const c = v.filter((b) => b === a).length;
        if (c > bc || (c === bc && a < best)) {
          best = a;
          bc = c;
        }
      }
      out[y * g + x] = best;
    }
  return out;
}

/** The masks of rows `idx` at the loss resolution, [b, LOSS_PIXELS]. */
export function lossMasks(set: SegmentationSet, idx: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(idx.length * LOSS_PIXELS);
  for (let i = 0; i < idx.length; i++)
    out.set(downsampleMask(set.masks, idx[i]! * IMAGE_PIXELS), i * LOSS_PIXELS);
  return out;
}

/** One-hot targets [n, k, p] of labels [n, p] (labels ≥ k give all zeros). */
export function oneHot(labels: ArrayLike<number>, k: number, p: number): Float32Array {
  const n = labels.length / p;
  const out = new Float32Array(n * k * p);
  for (let i = 0; i < n; i++)
    for (let q = 0; q < p; q++) {
      const c = labels[i * p + q]!;
      if (c < k) out[(i * k + c) * p + q] = 1;
    }
  return out;
}

/** One epoch's batches: a permutation of n rows cut into batches. */
export function epochBatches(n: number, batch: number, rng: Rng): Int32Array[] {
  const perm = rng.permutation(n);
  const out: Int32Array[] = [];
  for (let i = 0; i < n; i += batch) out.push(perm.subarray(i, Math.min(n, i + batch)));
  return out;
}

/** Sets each optimizer group's learning rate to its base rate times `factor`. */
export function scaleLearningRates(opt: Adam, base: number[], factor: number): void {
  opt.groups.forEach((g, i) => {
    g.lr = base[i]! * factor;
  });
}

/** The union of sets, in order. */
export function concatSets(sets: SegmentationSet[]): SegmentationSet {
  const join = <T extends Float32Array | Uint8Array>(parts: T[], make: (n: number) => T): T => {
    const out = make(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return {
    images: join(
      sets.map((s) => s.images),
      (n) => new Float32Array(n),
    ),
    masks: join(
      sets.map((s) => s.masks),
      (n) => new Uint8Array(n),
    ),
    labels: sets.flatMap((s) => s.labels),
    n: sets.reduce((a, s) => a + s.n, 0),
  };
}
