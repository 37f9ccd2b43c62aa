/**
 * Seeded k-fold cross-validation splits, shared by every learner package's evaluation.
 *
 * @module
 */
import { Rng } from './rng.js';
import { assertIntegerInRange } from './validate.js';

/** Row indices of one split: the rows to train on and the rows to test on. */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** k-fold cross-validation splits of n rows, shuffled with a seed; fold sizes differ by at most 1. */
export function kFoldSplits(n: number, folds: number, seed: number): Split[] {
  assertIntegerInRange('kFoldSplits', 'folds', folds, 2, n);
  const perm = new Rng(seed).permutation(n);
  const fold = new Int32Array(n);
  for (let a = 0; a < n; a++) fold[perm[a]!] = a % folds;
  return Array.from({ length: folds }, (_, f) => ({
    train: Int32Array.from({ length: n }, (_, i) => i).filter((i) => fold[i] !== f),
    test: Int32Array.from({ length: n }, (_, i) => i).filter((i) => fold[i] === f),
  }));
}
