/**
 * ML-kNN (Zhang & Zhou, Pattern Recognition 2007): for each label, a MAP decision from the label's
 * prior and the likelihood of the number of the k nearest neighbours that carry it.
 *
 * @module
 */
import type { LearnerJson, MatrixJson } from '@numts/core';
import {
  assertPositive,
  DomainError,
  FormatError,
  Learner,
  Matrix,
  squaredDistances,
  vectorFromJSON,
} from '@numts/core';
import { ThresholdModel } from './threshold-model.js';
import { checkFeatures, checkTrainingSet } from './validate.js';

/** Options of {@link MlKnn}. */
export interface MlKnnOptions {
  /** Neighbours (default 10; below the number of training instances). */
  k?: number;
  /** Laplace smoothing s of the prior and the likelihoods (default 1, ≥ 0). */
  smoothing?: number;
}

/** Serialized {@link MlKnnModel}. */
export interface MlKnnModelJson {
  k: number;
  x: MatrixJson;
  y: MatrixJson;
  prior: number[];
  /** q×(k+1): P(c neighbours carry label j | the instance carries it). */
  likeYes: MatrixJson;
  /** q×(k+1): P(c neighbours carry label j | the instance does not). */
  likeNo: MatrixJson;
}

/** Serialized {@link MlKnn}. */
export type MlKnnJson = LearnerJson<MlKnnOptions, MlKnnModelJson>;

/** Indices of the k smallest entries of a row (ties: lower index first), skipping `exclude`. */
function nearest(row: Float64Array, k: number, exclude: number): number[] {
  const idx = Array.from({ length: row.length }, (_, i) => i).filter((i) => i !== exclude);
  idx.sort((a, b) => row[a]! - row[b]! || a - b);
  return idx.slice(0, k);
}

/** A trained ML-kNN: the training set, the label priors and the neighbour-count likelihoods. */
export class MlKnnModel extends ThresholdModel<MlKnnModelJson> {
  /** A label is predicted when its posterior exceeds 1/2 (the MAP decision). */
  readonly threshold = 0.5;

  constructor(
    readonly k: number,
    readonly x: Matrix,
    readonly y: Matrix,
    readonly prior: Float64Array,
    readonly likeYes: Matrix,
    readonly likeNo: Matrix,
  ) {
    super();
  }

  /** Posterior probabilities of every label (m×q). */
  decisionFunction(x: Matrix): Matrix {
    checkFeatures('MlKnn.decisionFunction', x, this.x.cols);
    const { k, y } = this;
    const n = this.x.rows;
    const q = y.cols;
    const d = squaredDistances(x, this.x);
    const out = new Matrix(x.rows, q);
    for (let i = 0; i < x.rows; i++) {
      const nbs = nearest(d.data.subarray(i * n, (i + 1) * n), k, -1);
      for (let j = 0; j < q; j++) {
        let c = 0;
        for (const nb of nbs) c += y.data[nb * q + j]!;
        const a = this.prior[j]! * this.likeYes.data[j * (k + 1) + c]!;
        const b = (1 - this.prior[j]!) * this.likeNo.data[j * (k + 1) + c]!;
        out.data[i * q + j] = a + b > 0 ? a / (a + b) : 0;
      }
    }
    return out;
  }

  toJSON(): MlKnnModelJson {
    return {
      k: this.k,
      x: this.x.toJSON(),
      y: this.y.toJSON(),
      prior: Array.from(this.prior),
      likeYes: this.likeYes.toJSON(),
      likeNo: this.likeNo.toJSON(),
    };
  }

  /** @throws FormatError for malformed or inconsistent fields */
  static fromJSON(json: MlKnnModelJson): MlKnnModel {
    const where = 'MlKnn.fromJSON';
    const x = Matrix.fromJSON(json?.x, `${where}: x`);
    const y = Matrix.fromJSON(json.y, `${where}: y`);
    const likeYes = Matrix.fromJSON(json.likeYes, `${where}: likeYes`);
    const likeNo = Matrix.fromJSON(json.likeNo, `${where}: likeNo`);
    const k = json.k;
    const q = y.cols;
    if (
      !Number.isInteger(k) ||
      k < 1 ||
      k >= x.rows ||
      y.rows !== x.rows ||
      likeYes.rows !== q ||
      likeNo.rows !== q ||
      likeYes.cols !== k + 1 ||
      likeNo.cols !== k + 1
    )
      throw new FormatError(
        `${where}: k = ${k}, x (${x.rows} rows), y (${y.rows}x${q}) and the likelihoods do not match`,
      );
    return new MlKnnModel(k, x, y, vectorFromJSON(json.prior, q, `${where}: prior`), likeYes, likeNo);
  }
}

/**
 * ML-kNN with k neighbours (default 10) and Laplace smoothing s (default 1). Scores are the
 * posterior probabilities P(label | neighbour count); predictions are posterior > 0.5.
 */
export function fitMlKnn(x: Matrix, y: Matrix, options: MlKnnOptions = {}): MlKnnModel {
  const fn = 'fitMlKnn';
  const yy = checkTrainingSet(fn, x, y);
  const { k = 10, smoothing: s = 1 } = options;
  assertPositive(fn, 'k', k, { integer: true });
  assertPositive(fn, 'smoothing', s, { allowZero: true });
  if (k >= x.rows)
    throw new DomainError(
      `${fn}: k must be smaller than the number of training instances (k = ${k}, n = ${x.rows})`,
    );
  const n = x.rows;
  const q = yy.cols;
  const prior = Float64Array.from({ length: q }, (_, j) => {
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
  const likeYes = new Matrix(q, k + 1);
  const likeNo = new Matrix(q, k + 1);
  for (let j = 0; j < q; j++) {
    const yes = new Float64Array(k + 1);
    const no = new Float64Array(k + 1);
    for (let i = 0; i < n; i++) (yy.get(i, j) ? yes : no)[counts[i * q + j]!]!++;
    const sumYes = yes.reduce((a, b) => a + b, 0);
    const sumNo = no.reduce((a, b) => a + b, 0);
    for (let c = 0; c <= k; c++) {
      likeYes.data[j * (k + 1) + c] = (s + yes[c]!) / (s * (k + 1) + sumYes);
      likeNo.data[j * (k + 1) + c] = (s + no[c]!) / (s * (k + 1) + sumNo);
    }
  }
  return new MlKnnModel(k, x.clone(), yy, prior, likeYes, likeNo);
}

/** ML-kNN as a learner object. See {@link fitMlKnn}. */
export class MlKnn extends Learner<MlKnnOptions, MlKnnModel, Matrix, MlKnnModelJson> {
  constructor(options: MlKnnOptions = {}) {
    super(options, { format: 'numts.multilabel.MlKnn', train: fitMlKnn, restore: MlKnnModel.fromJSON });
  }
}
