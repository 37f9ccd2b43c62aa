/**
 * Argument checks of the multi-label learners: finite features (NonFiniteError with the shared
 * message of `@numts/core`'s `assertFiniteMatrix`), 0/1 labels with at least one row and one label
 * (ShapeError, DomainError). Options are checked with core's `assertPositive`.
 *
 * @module
 */
import {
  assertFiniteMatrix,
  assertFiniteScalar,
  assertPositive,
  CsrMatrix,
  DomainError,
  Matrix,
  ShapeError,
} from '@numts/core';

/** Checks a feature matrix: a finite Matrix (optionally with a given width). */
export function checkFeatures(fn: string, x: unknown, width?: number): Matrix {
  if (!(x instanceof Matrix)) throw new TypeError(`${fn}: x must be a Matrix`);
  if (width !== undefined && x.cols !== width)
    throw new ShapeError(`${fn}: x must have ${width} columns like the training data (got ${x.cols})`);
  assertFiniteMatrix(fn, 'x', x);
  return x;
}

/**
 * Checks a feature matrix that may be sparse: a CsrMatrix (finite by construction) or a finite
 * Matrix (optionally with a given width).
 */
export function checkSparseOrDenseFeatures(fn: string, x: unknown, width?: number): Matrix | CsrMatrix {
  if (!(x instanceof CsrMatrix)) {
    if (!(x instanceof Matrix)) throw new TypeError(`${fn}: x must be a Matrix or a CsrMatrix`);
    return checkFeatures(fn, x, width);
  }
  if (width !== undefined && x.cols !== width)
    throw new ShapeError(`${fn}: x must have ${width} columns like the training data (got ${x.cols})`);
  return x;
}

/** Checks a label matrix: entries 0/1, the same number of rows as x. */
export function checkLabels(fn: string, y: unknown, rows: number): Matrix {
  if (!(y instanceof Matrix)) throw new TypeError(`${fn}: y must be a Matrix`);
  if (y.rows !== rows)
    throw new ShapeError(`${fn}: x and y must have the same number of rows (got ${rows} and ${y.rows})`);
  if (y.cols === 0) throw new ShapeError(`${fn}: y must have at least one label column`);
  if (rows === 0) throw new ShapeError(`${fn}: x and y must have at least one row (got 0)`);
  for (let i = 0; i < y.rows; i++) {
    for (let j = 0; j < y.cols; j++) {
      const v = y.get(i, j);
      if (v !== 0 && v !== 1)
        throw new DomainError(`${fn}: y must hold only 0 and 1 (row ${i}, label ${j} is ${v})`);
    }
  }
  return y.clone();
}

/**
 * Checks the training pair of a learner: finite x (dense, or sparse with `sparse`), 0/1 y with as
 * many rows; returns a copy of y.
 */
export function checkTrainingSet(fn: string, x: Matrix | CsrMatrix, y: Matrix, sparse = false): Matrix {
  if (sparse) checkSparseOrDenseFeatures(fn, x);
  else checkFeatures(fn, x);
  return checkLabels(fn, y, x.rows);
}

/** The prediction threshold option (default 0.5), checked to be finite. */
export function thresholdOption(fn: string, threshold: number | undefined): number {
  const t = threshold ?? 0.5;
  assertFiniteScalar(fn, 'threshold', t);
  return t;
}

/**
 * The options of the logistic and ridge learners: λ (default 1; > 0, or ≥ 0 with `allowZero`)
 * and the prediction threshold (default 0.5).
 */
export function penaltyAndThreshold(
  fn: string,
  options: { lambda?: number; threshold?: number },
  allowZero = false,
): { lambda: number; threshold: number } {
  const lambda = options.lambda ?? 1;
  assertPositive(fn, 'lambda', lambda, { allowZero });
  return { lambda, threshold: thresholdOption(fn, options.threshold) };
}
