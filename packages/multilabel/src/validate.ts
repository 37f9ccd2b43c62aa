/**
 * Argument checks of the multi-label learners: finite features (NonFiniteError), 0/1 labels with
 * at least one row and one label (ShapeError, DomainError), positive options (DomainError).
 *
 * @module
 */
import { DomainError, Matrix, NonFiniteError, ShapeError } from '@numts/core';

/** Checks a feature matrix: a finite Matrix (optionally with a given width). */
export function checkFeatures(fn: string, x: unknown, width?: number): Matrix {
  if (!(x instanceof Matrix)) throw new TypeError(`${fn}: x must be a Matrix`);
  if (width !== undefined && x.cols !== width)
    throw new ShapeError(`${fn}: x must have ${width} columns like the training data (got ${x.cols})`);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      const v = x.get(i, j);
      if (!Number.isFinite(v))
        throw new NonFiniteError(`${fn}: x must be finite (row ${i}, column ${j} is ${v})`, i * x.cols + j);
    }
  }
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

/** Checks a positive-number option. */
export function checkPositive(
  fn: string,
  name: string,
  v: number,
  { allowZero = false, integer = false } = {},
): void {
  const ok = Number.isFinite(v) && (allowZero ? v >= 0 : v > 0) && (!integer || Number.isInteger(v));
  if (!ok)
    throw new DomainError(
      `${fn}: ${name} must be a ${integer ? 'integer' : 'number'} ${allowZero ? '≥' : '>'} 0 (got ${v})`,
    );
}
