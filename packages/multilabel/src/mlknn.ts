/**
 * ML-kNN (Zhang & Zhou, Pattern Recognition 2007): for each label, a MAP decision from the label's
 * prior and the likelihood of the number of the k nearest neighbours that carry it.
 *
 * @module
 */
import { DomainError, Matrix, NotFittedError, squaredDistances } from '@numts/core';
import { checkFeatures, checkLabels, checkPositive } from './validate.js';

/** Indices of the k smallest entries of a row (ties: lower index first), skipping `exclude`. */
function nearest(row: Float64Array, k: number, exclude: number): number[] {
  const idx = Array.from({ length: row.length }, (_, i) => i).filter((i) => i !== exclude);
  idx.sort((a, b) => row[a]! - row[b]! || a - b);
  return idx.slice(0, k);
}

/**
 * ML-kNN with k neighbours (default 10) and Laplace smoothing s (default 1). Scores are the
 * posterior probabilities P(label | neighbour count); predictions are posterior > 0.5.
 */
export class MlKnn {
  private xTrain: Matrix | null = null;
  private yTrain: Matrix | null = null;
  private prior = new Float64Array(0);
  private likeYes: Float64Array[] = [];
  private likeNo: Float64Array[] = [];

  constructor(readonly options: { k?: number; smoothing?: number } = {}) {}

  fit(x: Matrix, y: Matrix): this {
    const fn = 'MlKnn.fit';
    checkFeatures(fn, x);
    const yy = checkLabels(fn, y, x.rows);
    const k = this.options.k ?? 10;
    const s = this.options.smoothing ?? 1;
    checkPositive(fn, 'k', k, { integer: true });
    checkPositive(fn, 'smoothing', s, { allowZero: true });
    if (k >= x.rows)
      throw new DomainError(
        `${fn}: k must be smaller than the number of training instances (k = ${k}, n = ${x.rows})`,
      );
    const n = x.rows;
    const q = yy.cols;
    this.prior = Float64Array.from({ length: q }, (_, j) => {
      let c = 0;
      for (let i = 0; i < n; i++) c += yy.get(i, j);
      return (s + c) / (2 * s + n);
    });
    const d = squaredDistances(x, x);
    const counts = new Int32Array(n * q);
    for (let i = 0; i < n; i++) {
      for (const nb of nearest(d.data.subarray(i * n, (i + 1) * n), k, i))
        for (let j = 0; j < q; j++) counts[i * q + j]! += yy.get(nb, j);
    }
    this.likeYes = [];
    this.likeNo = [];
    for (let j = 0; j < q; j++) {
      const yes = new Float64Array(k + 1);
      const no = new Float64Array(k + 1);
      for (let i = 0; i < n; i++) (yy.get(i, j) ? yes : no)[counts[i * q + j]!]!++;
      const sumYes = yes.reduce((a, b) => a + b, 0);
      const sumNo = no.reduce((a, b) => a + b, 0);
      this.likeYes.push(yes.map((c) => (s + c) / (s * (k + 1) + sumYes)));
      this.likeNo.push(no.map((c) => (s + c) / (s * (k + 1) + sumNo)));
    }
    this.xTrain = x.clone();
    this.yTrain = yy;
    return this;
  }

  /** Posterior probabilities of every label. */
  decisionFunction(x: Matrix): Matrix {
    if (!this.xTrain || !this.yTrain) throw new NotFittedError('MlKnn: call fit first');
    checkFeatures('MlKnn.decisionFunction', x, this.xTrain.cols);
    const k = this.options.k ?? 10;
    const q = this.yTrain.cols;
    const d = squaredDistances(x, this.xTrain);
    const out = new Matrix(x.rows, q);
    for (let i = 0; i < x.rows; i++) {
      const nbs = nearest(d.data.subarray(i * this.xTrain.rows, (i + 1) * this.xTrain.rows), k, -1);
      for (let j = 0; j < q; j++) {
        let c = 0;
        for (const nb of nbs) c += this.yTrain.get(nb, j);
        const a = this.prior[j]! * this.likeYes[j]![c]!;
        const b = (1 - this.prior[j]!) * this.likeNo[j]![c]!;
        out.data[i * q + j] = a + b > 0 ? a / (a + b) : 0;
      }
    }
    return out;
  }

  predict(x: Matrix): Matrix {
    const o = this.decisionFunction(x);
    return new Matrix(
      o.rows,
      o.cols,
      o.data.map((v) => (v > 0.5 ? 1 : 0)),
    );
  }
}
