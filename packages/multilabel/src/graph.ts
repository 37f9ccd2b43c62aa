/**
 * HOMI's instance graph: Pearson correlation between instances, s strongest neighbours per row
 * (ties kept), symmetrised; and the d×d matrix XᵀLX of its Laplacian L = D − S.
 *
 * @module
 */
import { gemm, Matrix, syrk } from '@numts/core';
import { symmetrizeInPlace } from './symmetric.js';

/**
 * The s-th largest value of v (as numpy's partition(v, len − s)[len − s]), by keeping the s
 * largest values seen in a sorted buffer: O(len·s) at worst, O(len) when few values enter.
 */
function kthLargest(v: Float64Array, s: number): number {
  const k = Math.min(s, v.length);
  // top[0] is the smallest of the k largest values so far, top[k − 1] the largest.
  const top = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    // Not larger than the current s-th largest: it cannot change the answer.
    if (!(x > top[0]!)) continue;
    let j = 0;
    while (j + 1 < k && top[j + 1]! < x) {
      top[j] = top[j + 1]!;
      j++;
    }
    top[j] = x;
  }
  return top[0]!;
}

/**
 * The n×n graph S of HOMI (authors' test.py): S = corrcoef of the rows of X, zero diagonal, in each
 * row every entry below the row's s-th largest value set to 0 (so ties can keep more than s), then
 * (S + Sᵀ)/2. Weights are the raw correlations.
 */
export function instanceGraph(x: Matrix, s: number): Matrix {
  const n = x.rows;
  const d = x.cols;
  const z = x.clone();
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < d; j++) m += z.data[i * d + j]!;
    m /= d;
    let ss = 0;
    for (let j = 0; j < d; j++) {
      const v = z.data[i * d + j]! - m;
      z.data[i * d + j] = v;
      ss += v * v;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < d; j++) z.data[i * d + j] = z.data[i * d + j]! * inv;
  }
  const c = syrk(z); // n×n correlations
  for (let i = 0; i < n; i++) {
    c.data[i * n + i] = 0;
    const row = c.data.subarray(i * n, (i + 1) * n);
    const t = kthLargest(row, s);
    for (let j = 0; j < n; j++) if (row[j]! < t) row[j] = 0;
  }
  return symmetrizeInPlace(c);
}

/**
 * XᵀLX for the Laplacian L = D − S of a graph S (D = diag of the row sums), without forming L:
 * LX = D·X − S·X row by row over the nonzeros of S (the graph keeps about s per row), then one
 * d×n by n×d product.
 */
export function laplacianGram(x: Matrix, graph: Matrix): Matrix {
  const n = x.rows;
  const d = x.cols;
  const lx = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    const out = lx.data.subarray(i * d, (i + 1) * d);
    let deg = 0;
    for (let j = 0; j < n; j++) {
      const w = graph.data[i * n + j]!;
      if (w === 0) continue;
      deg += w;
      const xj = x.data.subarray(j * d, (j + 1) * d);
      for (let k = 0; k < d; k++) out[k] = out[k]! - w * xj[k]!;
    }
    const xi = x.data.subarray(i * d, (i + 1) * d);
    for (let k = 0; k < d; k++) out[k] = out[k]! + deg * xi[k]!;
  }
  const xtlx = gemm(x, lx, { transA: true });
  // Exact symmetry (the two halves are computed in different orders).
  return symmetrizeInPlace(xtlx);
}
