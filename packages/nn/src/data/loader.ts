/**
 * Seeded mini-batching.
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import { alloc, type Buf } from '../variable.js';

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  batchSize: number;
  /** Reshuffle every epoch (default true). */
  shuffle?: boolean;
  /** Drop a final incomplete batch (default false). */
  dropLast?: boolean;
  /** Seed of the shuffling (default 0). */
  seed?: number;
}

/**
 * Index batches over `size` examples; `epoch()` returns the batches of one pass (a new seeded
 * permutation each time when shuffling). The same seed gives the same batches.
 */
export class DataLoader {
  private readonly rng: Rng;
  constructor(
    readonly size: number,
    readonly options: DataLoaderOptions,
  ) {
    if (!Number.isInteger(size) || size < 0)
      throw new DomainError(`DataLoader: size must be a non-negative integer (got ${size})`);
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
      throw new DomainError(`DataLoader: batchSize must be a positive integer (got ${options.batchSize})`);
    this.rng = new Rng(options.seed ?? 0);
  }

  /** The index batches of the next epoch. */
  epoch(): Int32Array[] {
    const order =
      (this.options.shuffle ?? true)
        ? this.rng.permutation(this.size)
        : Int32Array.from({ length: this.size }, (_, i) => i);
    const out: Int32Array[] = [];
    const b = this.options.batchSize;
    for (let i = 0; i < this.size; i += b) {
      if (i + b > this.size && this.options.dropLast) break;
      out.push(order.subarray(i, Math.min(this.size, i + b)));
    }
    return out;
  }
}

/** Rows `indices` of a row-major array with rows of `rowSize` values, as a new buffer of the default dtype. */
export function gatherRows(data: ArrayLike<number>, rowSize: number, indices: ArrayLike<number>): Buf {
  const out = alloc(indices.length * rowSize);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]! * rowSize;
    for (let t = 0; t < rowSize; t++) out[i * rowSize + t] = data[src + t]!;
  }
  return out;
}
