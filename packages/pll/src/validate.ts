/**
 * Argument checks shared by every PLL learner: finite features, a 0/1 candidate matrix with no
 * empty candidate set, matching row counts.
 *
 * @module
 */
import { DomainError, type Matrix, NonFiniteError, ShapeError } from '@numts/core';

/** Throws unless every entry of `x` is finite; names the argument and the first bad entry. */
export function checkFinite(fn: string, name: string, x: Matrix): void {
  const d = x.data;
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < x.cols; j++) {
      const v = d[i * x.cols + j]!;
      if (!Number.isFinite(v))
        throw new NonFiniteError(`${fn}: ${name}[${i}][${j}] must be finite, got ${v}`, i * x.cols + j);
    }
}

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
  checkFinite(fn, 'x', xc);
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
  checkFinite(fn, 'x', xc);
  return xc;
}

/** Throws unless `value` is an integer in [lo, hi]. */
export function checkInteger(fn: string, name: string, value: number, lo: number, hi: number): void {
  if (!Number.isInteger(value) || value < lo || value > hi)
    throw new DomainError(`${fn}: ${name} must be an integer in [${lo}, ${hi}], got ${value}`);
}

/** Throws unless `value` is finite and ≥ 0 (or > 0 when `strict`). */
export function checkNonNegative(fn: string, name: string, value: number, strict = false): void {
  if (!Number.isFinite(value) || value < 0 || (strict && value === 0))
    throw new DomainError(`${fn}: ${name} must be a finite number ${strict ? '> 0' : '≥ 0'}, got ${value}`);
}
