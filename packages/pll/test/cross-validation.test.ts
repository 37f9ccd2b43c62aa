import {
  applyStandardization,
  DomainError,
  Matrix,
  Rng,
  ShapeError,
  standardizeColumns,
  takeRows,
} from '@numts/core';
import { describe, expect, it } from 'vitest';
import { accuracy, crossValidatePll, fitPlKnn, kFoldSplits, PLL_METHODS } from '../src/index.js';

/** Three Gaussian classes in 4-d, each row with its class and one other candidate. */
function toyData(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Matrix(n, 4);
  const candidates = new Matrix(n, 3);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    truth[i] = c;
    for (let j = 0; j < 4; j++) x.set(i, j, rng.normal() + (j === c ? 2.5 : 0));
    candidates.set(i, c, 1);
    candidates.set(i, (c + 1 + rng.int(0, 1)) % 3, 1);
  }
  return { x, candidates, truth };
}

describe('crossValidatePll', () => {
  const data = toyData(60, 3);

  it('equals fitting each fold by hand on standardised features', () => {
    const cv = crossValidatePll(data, { method: 'plknn', options: { k: 5 }, folds: 4, seed: 2 });
    const expected = kFoldSplits(60, 4, 2).map((f) => {
      const s = standardizeColumns(takeRows(data.x, f.train));
      const pred = fitPlKnn(s.x, takeRows(data.candidates, f.train), { k: 5 }).predict(
        applyStandardization(takeRows(data.x, f.test), s.mean, s.std),
      );
      return accuracy(
        pred,
        Array.from(f.test, (t) => data.truth[t]!),
      );
    });
    expect(cv.folds.map((f) => f.accuracy)).toEqual(expected);
    expect(cv.mean).toBeCloseTo(expected.reduce((a, b) => a + b) / 4, 15);
    expect(cv.mean).toBeGreaterThan(0.5); // chance is 1/3
  });

  it('reports each fold as it finishes', () => {
    const seen: number[] = [];
    crossValidatePll(data, {
      method: 'plknn',
      folds: 3,
      onFold: (i, r, all) => seen.push(i, r.test.length, all),
    });
    expect(seen).toEqual([0, 20, 3, 1, 20, 3, 2, 20, 3]);
  });

  it('lists every method with an option schema', () => {
    expect(Object.keys(PLL_METHODS)).toEqual(['plcl', 'plaggd', 'plcp', 'plknn', 'ipal']);
    for (const m of Object.values(PLL_METHODS)) expect(Object.keys(m.options).length).toBeGreaterThan(0);
  });

  it('refuses an unknown method, mismatched rows and bad fold counts', () => {
    expect(() => crossValidatePll(data, { method: 'svm' })).toThrow(
      new DomainError(
        'crossValidatePll: method must be one of "plcl", "plaggd", "plcp", "plknn", "ipal" (got "svm")',
      ),
    );
    expect(() => crossValidatePll({ ...data, truth: data.truth.subarray(1) })).toThrow(
      new ShapeError(
        'crossValidatePll: x, candidates and truth must have one row per instance (got 60, 60 and 59)',
      ),
    );
    expect(() => crossValidatePll(data, { folds: 61 })).toThrow(/folds must be/);
  });
});
