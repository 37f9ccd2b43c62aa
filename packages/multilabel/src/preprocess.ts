/**
 * Feature preprocessing: PCA whitening with scikit-learn's conventions, and standardisation.
 *
 * @module
 */
import { DomainError, Matrix, ShapeError } from '@numts/core';
import { svd } from '@numts/decompositions';

const EPS = 2 ** -52;

function assertFinite(fn: string, x: Matrix): void {
  if (!(x instanceof Matrix)) throw new TypeError(`${fn}: x must be a Matrix`);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      const v = x.get(i, j);
      if (!Number.isFinite(v))
        throw new DomainError(`${fn}: x must be finite (row ${i}, column ${j} is ${v})`);
    }
  }
}

/**
 * Column standardisation, (x − mean)/std with the population std (ddof 0), as
 * sklearn.preprocessing.scale: a column whose std is below 10·ε is centred but not scaled.
 */
export function standardize(x: Matrix): { x: Matrix; mean: Float64Array; std: Float64Array } {
  assertFinite('standardize', x);
  const n = x.rows;
  const d = x.cols;
  const out = x.clone();
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += out.data[i * d + j]!;
    m /= Math.max(1, n);
    let v = 0;
    for (let i = 0; i < n; i++) v += (out.data[i * d + j]! - m) ** 2;
    const s = Math.sqrt(v / Math.max(1, n));
    mean[j] = m;
    std[j] = s < 10 * EPS ? 1 : s;
    for (let i = 0; i < n; i++) out.data[i * d + j] = (out.data[i * d + j]! - m) / std[j]!;
  }
  return { x: out, mean, std };
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
 * @throws DomainError when x holds NaN or ±Infinity; ShapeError when it is empty
 */
export function pcaWhiten(x: Matrix, options: PcaWhitenOptions = {}): Matrix {
  assertFinite('pcaWhiten', x);
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
