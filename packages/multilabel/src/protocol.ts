/**
 * The HOMI authors' evaluation protocol, for reproducing their numbers: float32 reading of the
 * features, whole-data PCA whitening, and numpy's seeded fold shuffle and uniform initialisation.
 *
 * @module
 */
import { Matrix } from '@numts/core';
import { NumpyRandomState } from './mt19937.js';
import { pcaWhiten } from './preprocess.js';

/** The authors' features: float32-rounded (their loader reads ARFF as float32), then PCA-whitened on all rows. */
export function homiPreprocess(x: Matrix, options: { dropBelow?: number } = {}): Matrix {
  const rounded = new Matrix(
    x.rows,
    x.cols,
    x.clone().data.map((v) => Math.fround(v)),
  );
  return pcaWhiten(rounded, options);
}

/** One fold of a k-fold split: sorted train and test row indices. */
export interface Fold {
  train: number[];
  test: number[];
}

/** Initial HOMI matrices of one fold. */
export interface HomiInit {
  w: Matrix;
  t: Float64Array;
  z: Float64Array;
  b: Matrix;
}

/**
 * numpy's stream of the authors' run: `np.random.seed(seed)`, one shuffle for
 * KFold(k, shuffle=True) (the first n mod k test blocks have ⌊n/k⌋ + 1 rows), then per fold W
 * (d×q), t, z (q) and B (q×q) filled row-major with `random()`.
 */
export function numpyFoldsAndInits(
  n: number,
  seed: number,
  d: number,
  q: number,
  k = 5,
): { folds: Fold[]; inits: HomiInit[] } {
  const rng = new NumpyRandomState(seed);
  const idx = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = idx.slice(start, start + size).sort((a, b) => a - b);
    start += size;
    const inTest = new Set(test);
    folds.push({ train: Array.from({ length: n }, (_, i) => i).filter((i) => !inTest.has(i)), test });
  }
  const inits: HomiInit[] = folds.map(() => {
    const w = new Matrix(
      d,
      q,
      Float64Array.from({ length: d * q }, () => rng.random()),
    );
    const t = Float64Array.from({ length: q }, () => rng.random());
    const z = Float64Array.from({ length: q }, () => rng.random());
    const b = new Matrix(
      q,
      q,
      Float64Array.from({ length: q * q }, () => rng.random()),
    );
    return { w, t, z, b };
  });
  return { folds, inits };
}
