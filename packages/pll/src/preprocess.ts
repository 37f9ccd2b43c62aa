/**
 * Feature standardisation as in the PLL reference protocol.
 *
 * @module
 */
import type { Matrix } from '@numts/core';
import { ShapeError, standardizeColumns } from '@numts/core';

/**
 * Column z-scores (x − mean)/std with the N − 1 standard deviation (MATLAB/Octave `zscore`).
 * Constant columns are left centred (divided by 1), as MATLAB does.
 */
export function zscore(x: Matrix): Matrix {
  if (x.rows < 2) throw new ShapeError(`zscore: x needs at least 2 rows, got ${x.rows}`);
  return standardizeColumns(x, { ddof: 1 }).x;
}
