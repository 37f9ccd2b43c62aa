/**
 * PL-KNN (Hüllermeier & Beringer, IDA 2006): distance-weighted vote of the k nearest training
 * instances over their candidate sets.
 *
 * @module
 */
import type { LearnerJson, MatrixJson } from '@numts/core';
import { assertIntegerInRange, Matrix, squaredDistances } from '@numts/core';
import { nearestRows } from './graph.js';
import { ArgmaxModel, Learner } from './learner.js';
import { checkTestSet, checkTrainingSet } from './validate.js';

/** Options of {@link PlKnn}. */
export interface PlKnnOptions {
  /** Neighbours (default 10, clipped to the training size). */
  k?: number;
}

/** Serialized {@link PlKnnModel}: the stored training set. */
export interface PlKnnModelJson {
  k: number;
  x: MatrixJson;
  candidates: MatrixJson;
}

/** Serialized {@link PlKnn}. */
export type PlKnnJson = LearnerJson<PlKnnOptions, PlKnnModelJson>;

/**
 * A trained PL-KNN: the validated training set and k. score_c(x) = Σ_{j ∈ N_k(x)} w_j·[c ∈ S_j]
 * with w_j = 1/(‖x − x_j‖ + δ), δ = 1e-12 times the mean neighbour distance (our choice of weight;
 * the paper allows any decreasing weight). Ties in the neighbour order go to the lower training
 * index; ties in the vote to the lower label.
 */
export class PlKnnModel extends ArgmaxModel<PlKnnModelJson> {
  constructor(
    /** Neighbours used per prediction (clipped to the training size). */
    readonly k: number,
    /** Training features (n×d). */
    readonly x: Matrix,
    /** Training candidate sets (n×l, 0/1). */
    readonly candidates: Matrix,
  ) {
    super();
  }

  /** Weighted candidate votes (m×l). */
  decisionFunction(x: Matrix): Matrix {
    const xt = this.x;
    const y = this.candidates;
    const xq = checkTestSet('PlKnn.decisionFunction', x, xt.cols);
    const d = squaredDistances(xq, xt);
    const n = xt.rows;
    const l = y.cols;
    const k = Math.min(this.k, n);
    const out = new Matrix(xq.rows, l);
    const nearest = nearestRows(d, k, false);
    for (let i = 0; i < xq.rows; i++) {
      const row = d.data.subarray(i * n, (i + 1) * n);
      const nb = nearest.subarray(i * k, (i + 1) * k);
      let mean = 0;
      for (const j of nb) mean += Math.sqrt(row[j]!);
      const delta = 1e-12 * (mean / k) + 1e-300;
      for (const j of nb) {
        const wj = 1 / (Math.sqrt(row[j]!) + delta);
        for (let c = 0; c < l; c++) if (y.data[j * l + c]) out.data[i * l + c] = out.data[i * l + c]! + wj;
      }
    }
    return out;
  }

  toJSON(): PlKnnModelJson {
    return { k: this.k, x: this.x.toJSON(), candidates: this.candidates.toJSON() };
  }

  /** @throws FormatError for malformed matrices, or the errors of fitPlKnn for an invalid training set */
  static fromJSON(json: PlKnnModelJson): PlKnnModel {
    const where = 'PlKnn.fromJSON';
    return fitPlKnn(
      Matrix.fromJSON(json?.x, `${where}: x`),
      Matrix.fromJSON(json?.candidates, `${where}: candidates`),
      { k: json?.k },
    );
  }
}

/**
 * PL-KNN (validated): stores the training set; prediction is a distance-weighted vote of the k
 * nearest training instances over their candidate sets.
 *
 * Cost: O(m·n·d) per prediction (exact search).
 * @example
 * ```ts
 * const model = fitPlKnn(xTrain, candidates, { k: 10 });
 * const labels = model.predict(xTest);
 * ```
 */
export function fitPlKnn(x: Matrix, candidates: Matrix, options: PlKnnOptions = {}): PlKnnModel {
  const k = options.k ?? 10;
  assertIntegerInRange('fitPlKnn', 'k', k, 1, 1e9);
  const t = checkTrainingSet('fitPlKnn', x, candidates);
  return new PlKnnModel(k, t.x, t.y);
}

/** PL-KNN as a learner object: `new PlKnn({ k: 10 }).fit(x, candidates).predict(xTest)`. See {@link fitPlKnn}. */
export class PlKnn extends Learner<PlKnnOptions, PlKnnModel, Int32Array, PlKnnModelJson> {
  constructor(options: PlKnnOptions = {}) {
    super(options, { format: 'numts.pll.PlKnn', train: fitPlKnn, restore: PlKnnModel.fromJSON, upgrade });
  }
}

/** The layout PlKnn wrote before it kept the learner contract: `{format, version, k, x, candidates}`. */
function upgrade(json: unknown): unknown {
  const old = json as {
    format?: string;
    version?: number;
    k?: number;
    x?: MatrixJson | null;
    candidates?: MatrixJson | null;
  };
  if (old?.format !== 'numts.pll.PlKnn' || old.version !== 1 || 'options' in old) return json;
  return {
    format: old.format,
    version: 1,
    options: { k: old.k },
    model: old.x && old.candidates ? { k: old.k, x: old.x, candidates: old.candidates } : null,
  };
}
