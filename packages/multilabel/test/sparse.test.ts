// Binary Relevance (ridge) on sparse rows: the same model as on the dense matrix, without
// densifying; every linear model scores sparse rows.
import { CsrMatrix, Matrix, Rng } from '@numts/core';
import { describe, expect, it } from 'vitest';
import { BinaryRelevanceLogistic, BinaryRelevanceRidge, fitBinaryRelevanceRidge } from '../src/index.js';

/** n×d binary features at about `density`, and q labels that depend on a few of them. */
function sparseProblem(n: number, d: number, q: number, density: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Matrix(n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform() < density ? 1 : 0;
  const y = new Matrix(n, q);
  for (let i = 0; i < n; i++)
    for (let l = 0; l < q; l++)
      y.data[i * q + l] = x.get(i, l) + x.get(i, l + q) + (rng.uniform() < 0.1 ? 1 : 0) > 0 ? 1 : 0;
  return { x, y, csr: CsrMatrix.fromDense(x) };
}

describe('sparse features', () => {
  it('ridge Binary Relevance on a CsrMatrix gives the dense model (scores to 1e-10, equal predictions)', () => {
    for (const [n, d, q, density, seed] of [
      [200, 60, 5, 0.05, 1],
      [80, 150, 4, 0.1, 2], // d > n
    ] as const) {
      const { x, y, csr } = sparseProblem(n, d, q, density, seed);
      const dense = fitBinaryRelevanceRidge(x, y, { lambda: 0.5 });
      const sparse = fitBinaryRelevanceRidge(csr, y, { lambda: 0.5 });
      const test = sparseProblem(50, d, q, density, seed + 10);
      const sd = dense.decisionFunction(test.x);
      const ss = sparse.decisionFunction(test.csr);
      for (let i = 0; i < sd.data.length; i++)
        expect(Math.abs(ss.data[i]! - sd.data[i]!)).toBeLessThan(1e-10);
      expect(Array.from(sparse.predict(test.csr).data)).toEqual(Array.from(dense.predict(test.x).data));
      // Either model scores either kind of rows.
      expect(Array.from(dense.predict(test.csr).data)).toEqual(Array.from(dense.predict(test.x).data));
    }
  });

  it('the learner object takes sparse rows; a logistic model scores them like dense ones', () => {
    const { x, y, csr } = sparseProblem(120, 30, 3, 0.1, 3);
    const ridge = new BinaryRelevanceRidge({ lambda: 1 }).fit(csr, y);
    expect(ridge.predict(csr).rows).toBe(120);
    const logistic = new BinaryRelevanceLogistic({ lambda: 1 }).fit(x, y);
    const a = logistic.decisionFunction(x);
    const b = logistic.model.decisionFunction(csr);
    for (let i = 0; i < a.data.length; i++) expect(Math.abs(a.data[i]! - b.data[i]!)).toBeLessThan(1e-12);
  });

  it('checks sparse rows like dense ones: width, rows, type', () => {
    const { y, csr } = sparseProblem(40, 10, 2, 0.2, 4);
    const model = fitBinaryRelevanceRidge(csr, y);
    expect(() => model.decisionFunction(CsrMatrix.fromDense(new Matrix(2, 9)))).toThrow(
      'BinaryRelevanceRidge.decisionFunction: x must have 10 columns like the training data (got 9)',
    );
    expect(() => fitBinaryRelevanceRidge(csr, new Matrix(39, 2))).toThrow(
      'fitBinaryRelevanceRidge: x and y must have the same number of rows (got 40 and 39)',
    );
    expect(() => fitBinaryRelevanceRidge([[1]] as unknown as Matrix, y)).toThrow(
      'fitBinaryRelevanceRidge: x must be a Matrix or a CsrMatrix',
    );
  });
});
