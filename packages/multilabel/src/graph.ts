/**
 * HOMI's instance graph: Pearson correlation between instances, s strongest neighbours per row
 * (ties kept), symmetrised; and the d×d matrix XᵀLX of its Laplacian L = D − S.
 *
 * @module
 */
import type { Matrix } from '@numts/core';
import { gemm, syrk } from '@numts/core';

/** The s-th largest value of v (as numpy's partition(v, len − s)[len − s]). */
function kthLargest(v: Float64Array, s: number): number {
  const sorted = Float64Array.from(v).sort();
  return sorted[sorted.length - Math.min(s, sorted.length)]!;
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
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = (c.data[i * n + j]! + c.data[j * n + i]!) / 2;
      c.data[i * n + j] = v;
      c.data[j * n + i] = v;
    }
  }
  return c;
}

/** XᵀLX for the Laplacian L = D − S of a graph S (D = diag of the row sums), without forming L. */
export function laplacianGram(x: Matrix, graph: Matrix): Matrix {
  const n = x.rows;
  const d = x.cols;
  const dx = x.clone();
  for (let i = 0; i < n; i++) {
    let deg = 0;
    for (let j = 0; j < n; j++) deg += graph.data[i * n + j]!;
    for (let k = 0; k < d; k++) dx.data[i * d + k] = dx.data[i * d + k]! * deg;
  }
  const xtdx = gemm(x, dx, { transA: true });
  const sx = gemm(graph, x);
  gemm(x, sx, { transA: true, alpha: -1, beta: 1, c: xtdx });
  // Exact symmetry (the two halves are computed in different orders).
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const v = (xtdx.data[i * d + j]! + xtdx.data[j * d + i]!) / 2;
      xtdx.data[i * d + j] = v;
      xtdx.data[j * d + i] = v;
    }
  }
  return xtdx;
}
