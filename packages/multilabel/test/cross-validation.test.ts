import { DomainError, fromFlat, kFoldSplits, Matrix, Rng, ShapeError, takeRows } from '@numts/core';
import { describe, expect, it } from 'vitest';
import {
  BinaryRelevanceRidge,
  crossValidateMultiLabel,
  evaluateMultiLabel,
  MULTILABEL_METHODS,
  pcaWhiten,
  perLabelMetrics,
} from '../src/index.js';

const M = (rows: number[][]) => fromFlat(rows.length, rows[0]!.length, rows.flat());

describe('perLabelMetrics', () => {
  it('counts by hand', () => {
    const y = M([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    const p = M([
      [1, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const m = perLabelMetrics(y, p);
    // label 0: TP 1, FP 1, FN 1; label 1: TP 2, FP 1, FN 0; label 2: nothing.
    expect([...m.support]).toEqual([2, 2, 0]);
    expect([...m.precision]).toEqual([0.5, 2 / 3, Number.NaN]);
    expect([...m.recall]).toEqual([0.5, 1, Number.NaN]);
    expect([...m.f1]).toEqual([0.5, 0.8, Number.NaN]);
  });
  it('refuses mismatched shapes and labels other than 0/1', () => {
    expect(() => perLabelMetrics(M([[1, 0]]), M([[1, 0, 0]]))).toThrow(ShapeError);
    expect(() => perLabelMetrics(M([[2, 0]]), M([[1, 0]]))).toThrow(DomainError);
  });
});

describe('crossValidateMultiLabel', () => {
  const rng = new Rng(5);
  const n = 50;
  const x = rng.normalMatrix(n, 6);
  const y = new Matrix(n, 3);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < 3; j++) y.set(i, j, x.get(i, j) + 0.3 * rng.normal() > 0 ? 1 : 0);

  it('equals fitting each fold by hand on the whitened features, and pools the predictions', () => {
    const cv = crossValidateMultiLabel(
      { x, y },
      { method: 'br', options: { lambda: 0.1 }, folds: 5, seed: 1 },
    );
    const xw = pcaWhiten(x, { dropBelow: 1e-8 });
    kFoldSplits(n, 5, 1).forEach((f, i) => {
      const model = new BinaryRelevanceRidge({ lambda: 0.1 }).fit(
        takeRows(xw, f.train),
        takeRows(y, f.train),
      );
      const xs = takeRows(xw, f.test);
      const m = evaluateMultiLabel(takeRows(y, f.test), model.decisionFunction(xs), model.predict(xs));
      expect(cv.perFold[i]!.ranking_loss).toBe(m.ranking_loss);
      expect(cv.perFold[i]!.hamming_loss).toBe(m.hamming_loss);
      expect(takeRows(cv.predictions, f.test).clone().data).toEqual(model.predict(xs).clone().data);
    });
    const hl = cv.perFold.map((r) => r.hamming_loss);
    const m = hl.reduce((a, b) => a + b, 0) / 5;
    expect(cv.mean.hamming_loss).toBeCloseTo(m, 15);
    expect(cv.std.hamming_loss).toBeCloseTo(Math.sqrt(hl.reduce((a, v) => a + (v - m) ** 2, 0) / 4), 15);
    expect(cv.mean.hamming_loss).toBeLessThan(0.3);
  });

  it('lists every method with an option schema, and refuses an unknown one', () => {
    expect(Object.keys(MULTILABEL_METHODS)).toEqual([
      'homi',
      'br',
      'brlogistic',
      'cc',
      'mlknn',
      'llsf',
      'lsml',
    ]);
    expect(() => crossValidateMultiLabel({ x, y }, { method: 'svm' })).toThrow(
      /crossValidateMultiLabel: method must be one of "homi", .* \(got "svm"\)/,
    );
    expect(() => crossValidateMultiLabel({ x, y: takeRows(y, [0, 1]) })).toThrow(
      'crossValidateMultiLabel: x and y must have the same number of rows (got 50 and 2)',
    );
  });
});
