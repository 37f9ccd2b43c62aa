/**
 * Column standardisation (z-scores) with the conventions of the reference systems: the divisor of
 * the variance (n for numpy/scikit-learn, n − 1 for MATLAB/Octave `zscore`) and the spread below
 * which a column is only centred.
 *
 * @module
 */
import { ShapeError } from './errors.js';
import type { Matrix } from './matrix.js';
import { assertFiniteMatrix } from './validate.js';

/** Options of {@link standardizeColumns}. */
export interface StandardizeOptions {
  /** Delta degrees of freedom: the variance divides by n − ddof (default 0, as numpy; 1 as MATLAB). */
  ddof?: 0 | 1;
  /** A column whose standard deviation is below this is centred but not scaled (default: only an exactly constant column). */
  minStd?: number;
}

/** A standardised matrix with the column means and the divisors used (1 for unscaled columns). */
export interface Standardized {
  x: Matrix;
  mean: Float64Array;
  std: Float64Array;
}

/**
 * Column z-scores (x − mean)/std of a finite matrix.
 * @throws NonFiniteError for NaN/±Infinity entries; ShapeError when n ≤ ddof
 */
export function standardizeColumns(x: Matrix, options: StandardizeOptions = {}): Standardized {
  const fn = 'standardizeColumns';
  const ddof = options.ddof ?? 0;
  const minStd = options.minStd ?? Number.MIN_VALUE;
  assertFiniteMatrix(fn, 'x', x);
  const n = x.rows;
  const d = x.cols;
  if (n <= ddof) throw new ShapeError(`${fn}: x needs more than ${ddof} rows with ddof = ${ddof} (got ${n})`);
  const out = x.clone();
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += out.data[i * d + j]!;
    m /= Math.max(1, n);
    let v = 0;
    for (let i = 0; i < n; i++) v += (out.data[i * d + j]! - m) ** 2;
    const s = Math.sqrt(v / Math.max(1, n - ddof));
    mean[j] = m;
    std[j] = s < minStd ? 1 : s;
  }
  return { x: applyStandardization(out, mean, std), mean, std };
}

/** (x − mean)/std column by column, in place; returns x (for test rows with the training statistics). */
export function applyStandardization(x: Matrix, mean: ArrayLike<number>, std: ArrayLike<number>): Matrix {
  if (mean.length !== x.cols || std.length !== x.cols)
    throw new ShapeError(
      `applyStandardization: mean and std must have one entry per column (${x.cols}), got ${mean.length} and ${std.length}`,
    );
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < x.cols; j++) x.set(i, j, (x.get(i, j) - mean[j]!) / std[j]!);
  return x;
}
