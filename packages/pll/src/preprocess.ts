/**
 * Feature standardisation as in the PLL reference protocol.
 *
 * @module
 */
import { type Matrix, ShapeError } from '@numts/core';
import { checkFinite } from './validate.js';

/**
 * Column z-scores (x − mean)/std with the N − 1 standard deviation (MATLAB/Octave `zscore`).
 * Constant columns are left centred (divided by 1), as MATLAB does.
 */
export function zscore(x: Matrix): Matrix {
  checkFinite('zscore', 'x', x);
  const n = x.rows;
  const d = x.cols;
  if (n < 2) throw new ShapeError(`zscore: x needs at least 2 rows, got ${n}`);
  const out = x.clone();
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += out.data[i * d + j]!;
    m /= n;
    let s = 0;
    for (let i = 0; i < n; i++) s += (out.data[i * d + j]! - m) ** 2;
    let sd = Math.sqrt(s / (n - 1));
    if (sd === 0) sd = 1;
    for (let i = 0; i < n; i++) out.data[i * d + j] = (out.data[i * d + j]! - m) / sd;
  }
  return out;
}
