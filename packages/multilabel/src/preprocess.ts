/**
 * Feature preprocessing: PCA whitening with scikit-learn's conventions, and standardisation.
 *
 * @module
 */
import type { Standardized } from '@numts/core';
import { assertFiniteMatrix, Matrix, ShapeError, standardizeColumns } from '@numts/core';
import { svd } from '@numts/decompositions';

const EPS = 2 ** -52;

/**
 * Column standardisation, (x − mean)/std with the population std (ddof 0), as
 * sklearn.preprocessing.scale: a column whose std is below 10·ε is centred but not scaled.
 */
export function standardize(x: Matrix): Standardized {
  if (!(x instanceof Matrix)) throw new TypeError('standardize: x must be a Matrix');
  return standardizeColumns(x, { ddof: 0, minStd: 10 * EPS });
}

/** Options of {@link pcaWhiten}. */
export interface PcaWhitenOptions {
  /**
   * Drop components whose singular value is below this fraction of the largest before whitening
   * (default 0: keep all min(n, d) components, as the HOMI authors' code does; the kept
   * rounding-level components then become pure-noise features on rank-deficient data such as
   * genbase or medical — 1e-8 is a sensible value there).
   */
  dropBelow?: number;
}

/**
 * PCA whitening as `scale(PCA(n_components=min(n, d)).fit_transform(X))` in scikit-learn 1.2.1:
 * the scores U·Σ of the column-centred X on all components, each standardised, i.e. √n·U. The
 * sign rule is sklearn 1.2.1's: in every column of U the entry of largest magnitude is positive.
 * @throws NonFiniteError when x holds NaN or ±Infinity; ShapeError when it is empty
 */
export function pcaWhiten(x: Matrix, options: PcaWhitenOptions = {}): Matrix {
  if (!(x instanceof Matrix)) throw new TypeError('pcaWhiten: x must be a Matrix');
  assertFiniteMatrix('pcaWhiten', 'x', x);
  const n = x.rows;
  const d = x.cols;
  if (n === 0 || d === 0) throw new ShapeError(`pcaWhiten: x must not be empty (got ${n}x${d})`);
  const c = x.clone();
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += c.data[i * d + j]!;
    m /= n;
    for (let i = 0; i < n; i++) c.data[i * d + j] = c.data[i * d + j]! - m;
  }
  const { u, s } = svd(c); // thin: u is n×k, k = min(n, d); svd signs u's columns as sklearn 1.2.1 does
  const k = s.length;
  let kept = k;
  const dropBelow = options.dropBelow ?? 0;
  if (dropBelow > 0) while (kept > 0 && s[kept - 1]! < dropBelow * s[0]!) kept--;
  const scores = new Matrix(n, kept);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < kept; j++) scores.data[i * kept + j] = u!.data[i * k + j]! * s[j]!;
  return standardize(scores).x;
}
