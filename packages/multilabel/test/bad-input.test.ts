/** Bad input to every multi-label learner and to the metrics: a numts error, never a hang or a plain RangeError. */
import { DomainError, Matrix, NonFiniteError, NotFittedError, Rng, ShapeError } from '@numts/core';
import { describe, expect, it } from 'vitest';
import {
  BinaryRelevanceLogistic,
  BinaryRelevanceRidge,
  ClassifierChain,
  evaluateMultiLabel,
  Homi,
  Llsf,
  Lsml,
  MlKnn,
} from '../src/index.js';

const learners = {
  BinaryRelevanceRidge: () => new BinaryRelevanceRidge(),
  BinaryRelevanceLogistic: () => new BinaryRelevanceLogistic(),
  ClassifierChain: () => new ClassifierChain(),
  Llsf: () => new Llsf(),
  Lsml: () => new Lsml(),
  MlKnn: () => new MlKnn(),
  Homi: () => new Homi(),
};

function data(n: number, d = 3, q = 2): { x: Matrix; y: Matrix } {
  const rng = new Rng(1);
  const x = rng.normalMatrix(n, d);
  const y = new Matrix(
    n,
    q,
    Float64Array.from({ length: n * q }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  );
  return { x, y };
}

describe('every learner rejects bad training data', () => {
  for (const [name, make] of Object.entries(learners)) {
    it(`${name}: zero rows, NaN features, mismatched rows, predict before fit`, () => {
      const empty = data(0);
      expect(() => make().fit(empty.x, empty.y)).toThrow(ShapeError);
      expect(() => make().fit(empty.x, empty.y)).toThrow(/x and y must have at least one row \(got 0\)/);
      const { x, y } = data(30);
      const bad = x.clone();
      bad.set(4, 1, Number.NaN);
      expect(() => make().fit(bad, y)).toThrow(NonFiniteError);
      expect(() => make().fit(bad, y)).toThrow(/x must be finite \(row 4, column 1 is NaN\)/);
      expect(() => make().fit(x, data(29).y)).toThrow(
        /x and y must have the same number of rows \(got 30 and 29\)/,
      );
      expect(() => make().predict(x)).toThrow(NotFittedError);
    });
  }

  it('Homi needs two instances and MlKnn a k below n: numts errors, not plain RangeErrors', () => {
    const one = data(1);
    expect(() => new Homi().fit(one.x, one.y)).toThrow(ShapeError);
    const few = data(5);
    expect(() => new MlKnn({ k: 5 }).fit(few.x, few.y)).toThrow(DomainError);
    expect(() => new MlKnn({ k: 5 }).fit(few.x, few.y)).toThrow(
      /k must be smaller than the number of training instances \(k = 5, n = 5\)/,
    );
  });
});

describe('evaluateMultiLabel rejects scores that are not finite', () => {
  it('a NaN score with n = 2 is a NonFiniteError at once (it used to loop forever)', () => {
    const y = new Matrix(2, 2, Float64Array.of(1, 0, 0, 1));
    const scores = new Matrix(2, 2, Float64Array.of(0.9, Number.NaN, 0.2, 0.8));
    expect(() => evaluateMultiLabel(y, scores)).toThrow(NonFiniteError);
    expect(() => evaluateMultiLabel(y, scores)).toThrow(
      'evaluateMultiLabel: scores must be finite (row 0, label 1 is NaN)',
    );
    const inf = new Matrix(2, 2, Float64Array.of(0.9, 0.1, Number.NEGATIVE_INFINITY, 0.8));
    expect(() => evaluateMultiLabel(y, inf)).toThrow(/row 1, label 0 is -Infinity/);
  });
});
