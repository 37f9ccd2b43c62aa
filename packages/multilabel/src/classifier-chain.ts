/**
 * Classifier Chains (Read et al. 2011): label j's logistic model also sees the labels before it
 * in the chain (the true ones in training, the predicted ones at prediction time).
 *
 * @module
 */
import { DomainError, Matrix, NotFittedError, Rng } from '@numts/core';
import { fitLogistic } from './binary-relevance.js';
import { thresholdFixed } from './metrics.js';
import { checkFeatures, checkLabels, checkPositive } from './validate.js';

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/** A classifier chain of L2-regularised logistic regressions (order: seeded random, or given). */
export class ClassifierChain {
  private chain: { label: number; beta: Float64Array }[] = [];
  private d = 0;
  private q = 0;
  constructor(
    readonly options: { lambda?: number; order?: readonly number[]; seed?: number; threshold?: number } = {},
  ) {}

  fit(x: Matrix, y: Matrix): this {
    const fn = 'ClassifierChain.fit';
    checkFeatures(fn, x);
    const yy = checkLabels(fn, y, x.rows);
    const lambda = this.options.lambda ?? 1;
    checkPositive(fn, 'lambda', lambda);
    const q = yy.cols;
    const order = this.options.order
      ? [...this.options.order]
      : Array.from(new Rng(this.options.seed ?? 0).permutation(q));
    if (
      order.length !== q ||
      new Set(order).size !== q ||
      order.some((j) => !Number.isInteger(j) || j < 0 || j >= q)
    ) {
      throw new DomainError(`${fn}: order must be a permutation of 0..${q - 1}`);
    }
    this.d = x.cols;
    this.q = q;
    this.chain = [];
    order.forEach((label, pos) => {
      const prev = order.slice(0, pos);
      const xa = new Matrix(x.rows, x.cols + prev.length);
      for (let i = 0; i < x.rows; i++) {
        for (let j = 0; j < x.cols; j++) xa.data[i * xa.cols + j] = x.get(i, j);
        prev.forEach((l, k) => {
          xa.data[i * xa.cols + x.cols + k] = yy.get(i, l);
        });
      }
      this.chain.push({
        label,
        beta: fitLogistic(
          xa,
          Float64Array.from({ length: x.rows }, (_, i) => yy.get(i, label)),
          lambda,
        ),
      });
    });
    return this;
  }

  /** Chain probabilities (each link fed with the 0/1 predictions of the links before it). */
  decisionFunction(x: Matrix): Matrix {
    if (this.chain.length === 0) throw new NotFittedError('ClassifierChain: call fit first');
    checkFeatures('ClassifierChain.decisionFunction', x, this.d);
    const t = this.options.threshold ?? 0.5;
    const out = new Matrix(x.rows, this.q);
    for (let i = 0; i < x.rows; i++) {
      const predicted: number[] = [];
      for (const { label, beta } of this.chain) {
        let f = beta[beta.length - 1]!;
        for (let j = 0; j < this.d; j++) f += beta[j]! * x.get(i, j);
        predicted.forEach((v, k) => {
          f += beta[this.d + k]! * v;
        });
        const p = sigmoid(f);
        out.data[i * this.q + label] = p;
        predicted.push(p > t ? 1 : 0);
      }
    }
    return out;
  }

  predict(x: Matrix): Matrix {
    return thresholdFixed(this.decisionFunction(x), this.options.threshold ?? 0.5);
  }
}
