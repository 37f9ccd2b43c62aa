/**
 * IPAL (Zhang & Yu, IJCAI 2015): instance-based partial-label learning by iterative label
 * propagation over a kNN graph with LLE-style weights. Our reconstruction from the paper's
 * description (no reference implementation or numbers were available to check it against).
 *
 * @module
 */
import type { LearnerJson, MatrixJson } from '@numts/core';
import {
  assertInRange,
  assertIntegerInRange,
  assertSavedFormat,
  Matrix,
  squaredDistances,
} from '@numts/core';
import { nearestRows, reconstructionWeights } from './graph.js';
import { ArgmaxModel, Learner } from './learner.js';
import { checkTestSet, checkTrainingSet } from './validate.js';

/** Options of {@link fitIpal}. */
export interface IpalOptions {
  /** Neighbours (default 10). */
  k?: number;
  /** Propagation weight α of the graph term (default 0.95). */
  alpha?: number;
  /** Propagation iterations (default 100). */
  iterations?: number;
}

/** Serialized {@link IpalModel}. */
export interface IpalModelJson {
  format: 'numts.pll.IpalModel';
  version: 1;
  k: number;
  x: MatrixJson;
  labels: number;
  disambiguated: number[];
}

/**
 * A trained IPAL model: the training rows with their disambiguated labels. A test row x is
 * reconstructed from its k nearest training rows with simplex weights w, and gets the label c that
 * minimises ‖x − Σ_{j: ŷ_j = c} w_j x_j‖ (labels with no neighbour are never chosen).
 */
export class IpalModel extends ArgmaxModel<IpalModelJson> {
  constructor(
    readonly k: number,
    readonly x: Matrix,
    readonly labels: number,
    /** Disambiguated training labels ŷ. */
    readonly disambiguated: Int32Array,
  ) {
    super();
  }

  /** Decision values: −(reconstruction error) per label, −∞ for labels absent among the neighbours. */
  decisionFunction(xq: Matrix): Matrix {
    const q = checkTestSet('IpalModel.decisionFunction', xq, this.x.cols);
    const k = Math.min(this.k, this.x.rows);
    const nb = nearestRows(squaredDistances(q, this.x), k, false);
    const w = reconstructionWeights(q, this.x, nb, k);
    const d = q.cols;
    const l = this.labels;
    const out = new Matrix(q.rows, l);
    const part = new Float64Array(d);
    for (let i = 0; i < q.rows; i++) {
      for (let c = 0; c < l; c++) {
        part.fill(0);
        let any = false;
        for (let t = 0; t < k; t++) {
          const j = nb[i * k + t]!;
          if (this.disambiguated[j] !== c) continue;
          any = true;
          const wt = w[i * k + t]!;
          for (let f = 0; f < d; f++) part[f] = part[f]! + wt * this.x.data[j * d + f]!;
        }
        let err = 0;
        for (let f = 0; f < d; f++) err += (q.data[i * d + f]! - part[f]!) ** 2;
        out.data[i * l + c] = any ? -Math.sqrt(err) : Number.NEGATIVE_INFINITY;
      }
    }
    return out;
  }

  toJSON(): IpalModelJson {
    return {
      format: 'numts.pll.IpalModel',
      version: 1,
      k: this.k,
      x: this.x.toJSON(),
      labels: this.labels,
      disambiguated: Array.from(this.disambiguated),
    };
  }

  /** @throws FormatError for another format or version */
  static fromJSON(json: IpalModelJson): IpalModel {
    assertSavedFormat('IpalModel.fromJSON', json, 'numts.pll.IpalModel');
    return new IpalModel(
      json.k,
      Matrix.fromJSON(json.x, 'IpalModel.fromJSON: x'),
      json.labels,
      Int32Array.from(json.disambiguated),
    );
  }
}

/**
 * Trains IPAL: (1) kNN graph (Euclidean, k) with simplex reconstruction weights S (row-stochastic);
 * (2) F⁰ = P⁰ uniform over candidates, then `iterations` times F ← αSF + (1 − α)P⁰, zero outside the
 * candidates, rows renormalised; (3) class-mass normalisation: column c of F rescaled so its mass
 * equals Σᵢ P⁰ᵢc; ŷᵢ = argmax over candidates (first index on ties).
 *
 * @example
 * ```ts
 * const model = fitIpal(xTrain, candidates, { k: 10 });
 * ```
 */
export function fitIpal(x: Matrix, candidates: Matrix, options: IpalOptions = {}): IpalModel {
  const fn = 'fitIpal';
  const { x: xt, y } = checkTrainingSet(fn, x, candidates);
  const n = xt.rows;
  const l = y.cols;
  const k = options.k ?? 10;
  const alpha = options.alpha ?? 0.95;
  const iterations = options.iterations ?? 100;
  assertIntegerInRange(fn, 'k', k, 1, n - 1);
  assertIntegerInRange(fn, 'iterations', iterations, 0, 1e7);
  assertInRange(fn, 'alpha', alpha, 0, 1, { maxOpen: true });
  const nb = nearestRows(squaredDistances(xt, xt), k, true);
  const w = reconstructionWeights(xt, xt, nb, k);
  const p0 = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let c = 0; c < l; c++) m += y.data[i * l + c]!;
    for (let c = 0; c < l; c++) p0[i * l + c] = y.data[i * l + c]! / m;
  }
  let f = p0.slice();
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(n * l);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let c = 0; c < l; c++) {
        if (!y.data[i * l + c]) continue;
        let s = 0;
        for (let t = 0; t < k; t++) s += w[i * k + t]! * f[nb[i * k + t]! * l + c]!;
        const v = alpha * s + (1 - alpha) * p0[i * l + c]!;
        next[i * l + c] = v;
        sum += v;
      }
      for (let c = 0; c < l; c++) next[i * l + c] = next[i * l + c]! / sum;
    }
    f = next;
  }
  const prior = new Float64Array(l);
  const mass = new Float64Array(l);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < l; c++) {
      prior[c] = prior[c]! + p0[i * l + c]!;
      mass[c] = mass[c]! + f[i * l + c]!;
    }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bv = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < l; c++) {
      if (!y.data[i * l + c]) continue;
      const v = mass[c]! > 0 ? (f[i * l + c]! * prior[c]!) / mass[c]! : 0;
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    labels[i] = best;
  }
  return new IpalModel(k, xt, l, labels);
}

/** Serialized {@link Ipal}. */
export type IpalJson = LearnerJson<IpalOptions, IpalModelJson>;

/** IPAL as a learner object. See {@link fitIpal}. */
export class Ipal extends Learner<IpalOptions, IpalModel, Int32Array, IpalModelJson> {
  constructor(options: IpalOptions = {}) {
    super(options, { format: 'numts.pll.Ipal', train: fitIpal, restore: IpalModel.fromJSON });
  }
}
