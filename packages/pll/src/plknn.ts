/**
 * PL-KNN (Hüllermeier & Beringer, IDA 2006): distance-weighted vote of the k nearest training
 * instances over their candidate sets.
 *
 * @module
 */
import { argmax, FormatError, Matrix, NotFittedError, squaredDistances } from '@numts/core';
import { nearestRows } from './graph.js';
import { checkInteger, checkTestSet, checkTrainingSet } from './validate.js';

/** Options of {@link PlKnn}. */
export interface PlKnnOptions {
  /** Neighbours (default 10, clipped to the training size). */
  k?: number;
}

/** Serialized {@link PlKnn}. */
export interface PlKnnJson {
  format: 'numts.pll.PlKnn';
  version: 1;
  k: number;
  x: { rows: number; cols: number; data: number[] } | null;
  candidates: { rows: number; cols: number; data: number[] } | null;
}

/**
 * PL-KNN: score_c(x) = Σ_{j ∈ N_k(x)} w_j·[c ∈ S_j] with w_j = 1/(‖x − x_j‖ + δ), δ = 1e-12 times the
 * mean neighbour distance (our choice of weight; the paper allows any decreasing weight). Ties in
 * the neighbour order go to the lower training index; ties in the vote to the lower label.
 *
 * Cost: O(m·n·d) per prediction (exact search).
 * @example
 * ```ts
 * const knn = new PlKnn({ k: 10 }).fit(xTrain, candidates);
 * const labels = knn.predict(xTest);
 * ```
 */
export class PlKnn {
  readonly k: number;
  private x: Matrix | null = null;
  private y: Matrix | null = null;

  constructor(options: PlKnnOptions = {}) {
    this.k = options.k ?? 10;
    checkInteger('PlKnn', 'k', this.k, 1, 1e9);
  }

  /** Stores the training set (validated); returns this. */
  fit(x: Matrix, candidates: Matrix): this {
    const t = checkTrainingSet('PlKnn.fit', x, candidates);
    this.x = t.x;
    this.y = t.y;
    return this;
  }

  private get train(): { x: Matrix; y: Matrix } {
    if (!this.x || !this.y) throw new NotFittedError('PlKnn: call fit before using the model');
    return { x: this.x, y: this.y };
  }

  /** Weighted candidate votes (m×l). */
  decisionFunction(x: Matrix): Matrix {
    const { x: xt, y } = this.train;
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

  /** Predicted labels. */
  predict(x: Matrix): Int32Array {
    return argmax(this.decisionFunction(x), 1);
  }

  toJSON(): PlKnnJson {
    const enc = (m: Matrix | null) => (m ? { rows: m.rows, cols: m.cols, data: Array.from(m.data) } : null);
    return { format: 'numts.pll.PlKnn', version: 1, k: this.k, x: enc(this.x), candidates: enc(this.y) };
  }

  /** @throws FormatError for another format or version */
  static fromJSON(json: PlKnnJson): PlKnn {
    if (json?.format !== 'numts.pll.PlKnn' || json.version !== 1)
      throw new FormatError(
        `PlKnn.fromJSON: expected format numts.pll.PlKnn version 1, got ${JSON.stringify(json?.format)} version ${json?.version}`,
      );
    const m = new PlKnn({ k: json.k });
    if (json.x && json.candidates)
      m.fit(
        new Matrix(json.x.rows, json.x.cols, Float64Array.from(json.x.data)),
        new Matrix(json.candidates.rows, json.candidates.cols, Float64Array.from(json.candidates.data)),
      );
    return m;
  }
}
