/**
 * Argument checks shared by every PLL learner: finite features, a 0/1 candidate matrix with no
 * empty candidate set, matching row counts. Option checks use `@numts/core`'s
 * `assertIntegerInRange` / `assertPositive`.
 *
 * @module
 */
import type { Matrix } from '@numts/core';
import { assertFiniteMatrix, DomainError, ShapeError } from '@numts/core';

/**
 * Validates a training pair: x (n×d, finite, n ≥ 2) and candidates (n×l, entries 0 or 1, every row
 * with at least one candidate). Returns dense row-major copies.
 */
export function checkTrainingSet(fn: string, x: Matrix, candidates: Matrix): { x: Matrix; y: Matrix } {
  if (x.rows !== candidates.rows)
    throw new ShapeError(
      `${fn}: x has ${x.rows} rows but candidates has ${candidates.rows}; they must describe the same instances`,
    );
  if (x.rows < 2) throw new ShapeError(`${fn}: need at least 2 training instances, got ${x.rows}`);
  if (candidates.cols < 2)
    throw new ShapeError(`${fn}: candidates must have at least 2 label columns, got ${candidates.cols}`);
  const xc = x.clone();
  const y = candidates.clone();
  assertFiniteMatrix(fn, 'x', xc);
  const l = y.cols;
  for (let i = 0; i < y.rows; i++) {
    let count = 0;
    for (let c = 0; c < l; c++) {
      const v = y.data[i * l + c]!;
      if (v !== 0 && v !== 1) throw new DomainError(`${fn}: candidates[${i}][${c}] must be 0 or 1, got ${v}`);
      count += v;
    }
    if (count === 0)
      throw new DomainError(
        `${fn}: instance ${i} has an empty candidate set (candidates row ${i} is all zero)`,
      );
  }
  return { x: xc, y };
}

/** Validates test features against the training dimension. */
export function checkTestSet(fn: string, x: Matrix, d: number): Matrix {
  if (x.cols !== d)
    throw new ShapeError(`${fn}: x has ${x.cols} columns but the model was trained on ${d} features`);
  const xc = x.clone();
  assertFiniteMatrix(fn, 'x', xc);
  return xc;
}
