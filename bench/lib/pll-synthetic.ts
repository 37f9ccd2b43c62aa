/**
 * Seeded synthetic partial-label problems for the scale rows of the pll benchmark: l Gaussian
 * classes (centres N(0, I), noise N(0, 1.5²·I)) in d dimensions — thresholded at 1.5 to {0, 1} for
 * the binary shape — with the true label and each other label a candidate with probability
 * (c − 1)/(l − 1), so ≈ c candidates per row.
 */
import { Matrix, Rng } from '@numts/core';

/** A problem shape: rows, features, labels, mean candidate-set size, binary features. */
export interface PllShape {
  n: number;
  d: number;
  l: number;
  candidates: number;
  binary: boolean;
}

/** The shape of the 4998-row real-world set (2499 training rows, 38 features, 13 labels, ≈ 2.2 candidates). */
export const SMALL_LABEL_SHAPE = { d: 38, l: 13, candidates: 2.2, binary: false } as const;
/** The shape of the larger real-world set (519 binary features, 90 labels); ≈ 3 candidates assumed. */
export const MANY_LABEL_SHAPE = { d: 500, l: 90, candidates: 3, binary: true } as const;

/** The problem of `shape` from `seed`: features x (n×d) and candidates y (n×l, 0/1). */
export function syntheticPll(shape: PllShape, seed: number): { x: Matrix; y: Matrix } {
  const { n, d, l, candidates, binary } = shape;
  const rng = new Rng(seed);
  const centres = rng.normalMatrix(l, d);
  const x = new Matrix(n, d);
  const y = new Matrix(n, l);
  const extra = (candidates - 1) / (l - 1);
  for (let i = 0; i < n; i++) {
    const c = rng.int(0, l - 1);
    for (let j = 0; j < d; j++) {
      const v = centres.get(c, j) + 1.5 * rng.normal();
      x.set(i, j, binary ? (v > 1.5 ? 1 : 0) : v);
    }
    y.set(i, c, 1);
    for (let e = 0; e < l; e++) if (e !== c && rng.uniform() < extra) y.set(i, e, 1);
  }
  return { x, y };
}
