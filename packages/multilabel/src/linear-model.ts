/**
 * The trained linear multi-label scorer shared by Binary Relevance (ridge and logistic), LLSF and
 * LSML: scores O = link(XW + 1bᵀ), predictions O > threshold.
 *
 * @module
 */
import type { MatrixJson } from '@numts/core';
import { addRowVector, CsrMatrix, FormatError, gemm, Matrix, vectorFromJSON } from '@numts/core';
import { ThresholdModel } from './threshold-model.js';
import { checkSparseOrDenseFeatures } from './validate.js';

/** The logistic function, computed without overflow for either sign. */
export function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/** [X 1]: the features with a ones column appended (for an intercept). */
export function withIntercept(x: Matrix): Matrix {
  const d = x.cols + 1;
  const xa = new Matrix(x.rows, d);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < d - 1; j++) xa.data[i * d + j] = x.get(i, j);
    xa.data[i * d + d - 1] = 1;
  }
  return xa;
}

/** How raw linear outputs become scores: unchanged, or through the logistic function. */
export type ScoreLink = 'identity' | 'logistic';

/** Serialized {@link LinearMultiLabelModel}. */
export interface LinearMultiLabelModelJson {
  method: string;
  w: MatrixJson;
  b: number[];
  link: ScoreLink;
  threshold: number;
}

/**
 * A trained linear multi-label model: scores link(XW + 1bᵀ), predictions scores > threshold. X may
 * be a dense Matrix or sparse rows (CsrMatrix).
 */
export class LinearMultiLabelModel extends ThresholdModel<LinearMultiLabelModelJson, Matrix | CsrMatrix> {
  constructor(
    /** Name of the learner that trained it (used in error messages). */
    readonly method: string,
    /** d×q weights. */
    readonly w: Matrix,
    /** q intercepts. */
    readonly b: Float64Array,
    /** identity (regression scores) or logistic (probabilities). */
    readonly link: ScoreLink,
    /** Prediction threshold on the scores. */
    readonly threshold: number,
  ) {
    super();
  }

  /** Scores of every label (m×q). */
  decisionFunction(x: Matrix | CsrMatrix): Matrix {
    checkSparseOrDenseFeatures(`${this.method}.decisionFunction`, x, this.w.rows);
    const o = addRowVector(x instanceof CsrMatrix ? x.matmul(this.w) : gemm(x, this.w), this.b);
    if (this.link === 'logistic') for (let i = 0; i < o.data.length; i++) o.data[i] = sigmoid(o.data[i]!);
    return o;
  }

  toJSON(): LinearMultiLabelModelJson {
    return {
      method: this.method,
      w: this.w.toJSON(),
      b: Array.from(this.b),
      link: this.link,
      threshold: this.threshold,
    };
  }

  /** @throws FormatError for malformed fields */
  static fromJSON(
    json: LinearMultiLabelModelJson,
    where = 'LinearMultiLabelModel.fromJSON',
  ): LinearMultiLabelModel {
    const w = Matrix.fromJSON(json?.w, `${where}: w`);
    if (json.link !== 'identity' && json.link !== 'logistic')
      throw new FormatError(
        `${where}: link must be "identity" or "logistic" (got ${JSON.stringify(json.link)})`,
      );
    if (typeof json.threshold !== 'number')
      throw new FormatError(`${where}: threshold must be a number (got ${typeof json.threshold})`);
    return new LinearMultiLabelModel(
      String(json.method),
      w,
      vectorFromJSON(json.b, w.cols, `${where}: b`),
      json.link,
      json.threshold,
    );
  }
}

/** Splits W of [X 1]·W ((d+1)×q, intercept last) into a {@link LinearMultiLabelModel}. */
export function fromInterceptRow(
  method: string,
  wa: Matrix,
  link: ScoreLink,
  threshold: number,
): LinearMultiLabelModel {
  const d = wa.rows - 1;
  return new LinearMultiLabelModel(
    method,
    wa.slice(0, d).clone(),
    wa.data.slice(d * wa.cols, (d + 1) * wa.cols),
    link,
    threshold,
  );
}
