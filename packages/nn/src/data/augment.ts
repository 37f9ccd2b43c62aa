/**
 * Image augmentation for training.
 *
 * @module
 */
import { DomainError, type Rng } from '@numts/core';
import { alloc, type Buf } from '../variable.js';

/**
 * Translates every image of a batch (rows of height·width·channels values, CHW) by a random
 * whole-pixel offset in [−maxShift, maxShift] in each direction, filling with 0; offsets come from
 * the seeded generator.
 */
export function randomShift(
  batch: ArrayLike<number>,
  height: number,
  width: number,
  maxShift: number,
  rng: Rng,
  channels = 1,
): Buf {
  if (!Number.isInteger(maxShift) || maxShift < 0)
    throw new DomainError(`randomShift: maxShift must be a non-negative integer (got ${maxShift})`);
  const size = channels * height * width;
  if (batch.length % size !== 0)
    throw new DomainError(`randomShift: the batch has ${batch.length} values, not a multiple of ${size}`);
  const out = alloc(batch.length);
  for (let s = 0; s < batch.length / size; s++) {
    const dx = rng.int(-maxShift, maxShift + 1);
    const dy = rng.int(-maxShift, maxShift + 1);
    for (let c = 0; c < channels; c++) {
      const base = s * size + c * height * width;
      for (let r = 0; r < height; r++) {
        const rr = r - dy;
        if (rr < 0 || rr >= height) continue;
        for (let col = 0; col < width; col++) {
          const cc = col - dx;
          if (cc >= 0 && cc < width) out[base + r * width + col] = batch[base + rr * width + cc]!;
        }
      }
    }
  }
  return out;
}
