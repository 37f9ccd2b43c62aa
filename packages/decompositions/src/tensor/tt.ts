/**
 * Tensor-train decomposition by TT-SVD (Oseledets 2011).
 *
 * @module
 */
import { DomainError, gemm, Matrix, ShapeError, type Tensor, type TensorLike } from '@numts/core';
import { powerOfTwoScale, scaleInPlace } from '../internal/scaling.js';
import { svd } from '../svd.js';
import { denseCopy, sumOfSquares, toTensor } from './dense.js';

/** A tensor train: X ≈ G₀ ×¹ G₁ ×¹ ⋯, core k of shape r_k × I_k × r_{k+1}, r₀ = r_d = 1. */
export interface TtResult {
  /** The cores G_k (r_k × I_k × r_{k+1}). */
  cores: Tensor<Float64Array>[];
  /** The TT ranks r₀ = 1, r₁, …, r_d = 1. */
  ranks: number[];
}

/** Options of {@link ttSvd}: give either `ranks` (the d−1 inner ranks, clipped to what the data allows) or `eps`. */
export interface TtOptions {
  /** Maximum inner ranks r₁ … r_{d−1}. */
  ranks?: readonly number[];
  /** Relative accuracy: the result satisfies ‖X − X̂‖ ≤ eps·‖X‖ (default 1e-10 when no ranks are given). */
  eps?: number;
}

/**
 * TT-SVD: sequential truncated SVDs of the reshaped remainder. With `eps`, each of the d−1
 * truncations discards at most (eps/√(d−1))·‖X‖ in Frobenius norm, so ‖X − X̂‖ ≤ eps·‖X‖; with
 * `ranks`, the k-th rank is min(ranks[k], the rank that the k-th unfolding has).
 * @throws ShapeError when ranks has the wrong length or non-positive entries
 * @throws DomainError when eps is negative
 * @throws NonFiniteError when X holds NaN or ±Infinity
 */
export function ttSvd(x: TensorLike | Tensor<never>, options: TtOptions = {}): TtResult {
  const t = denseCopy('ttSvd', 'x', x, 1);
  const d = t.shape.length;
  if (options.ranks !== undefined) {
    if (!Array.isArray(options.ranks) || options.ranks.length !== d - 1) {
      throw new ShapeError(
        `ttSvd: ranks must have d − 1 = ${d - 1} entries (got ${JSON.stringify(options.ranks)})`,
      );
    }
    options.ranks.forEach((r, k) => {
      if (!Number.isInteger(r) || r < 1)
        throw new ShapeError(`ttSvd: ranks[${k}] must be a positive integer (got ${r})`);
    });
  }
  const eps = options.eps ?? (options.ranks ? 0 : 1e-10);
  if (!(eps >= 0) || !Number.isFinite(eps))
    throw new DomainError(`ttSvd: eps must be a finite number ≥ 0 (got ${eps})`);
  // Work on X·s near 1 (s an exact power of two), so that the norm, the truncation threshold and
  // the singular values are clear of overflow and underflow; the last core takes back 1/s.
  const scale = powerOfTwoScale(t.data);
  scaleInPlace(t.data, scale);
  const delta = d > 1 ? (eps / Math.sqrt(d - 1)) * Math.sqrt(sumOfSquares(t.data)) : 0;
  const cores: Tensor<Float64Array>[] = [];
  const ranks = [1];
  let c = new Matrix(1, t.data.length, t.data);
  for (let k = 0; k < d - 1; k++) {
    const rk = ranks[k]!;
    const nk = t.shape[k]!;
    const rows = rk * nk;
    const cols = c.size / Math.max(1, rows);
    c = new Matrix(rows, cols, c.clone().data);
    const { u, s, vt } = svd(c);
    // Smallest r with √Σ_{j≥r} s_j² ≤ δ, then clipped by the requested rank.
    let r = s.length;
    let tail = 0;
    while (r > 1 && tail + s[r - 1]! ** 2 <= delta * delta) {
      tail += s[r - 1]! ** 2;
      r--;
    }
    if (options.ranks) r = Math.min(r, options.ranks[k]!);
    r = Math.max(1, Math.min(r, s.length));
    cores.push(toTensor({ data: u!.slice(0, rows, 0, r).clone().data, shape: [rk, nk, r] }));
    const sv = vt!.slice(0, r, 0, cols).clone();
    for (let i = 0; i < r; i++)
      for (let j = 0; j < cols; j++) sv.data[i * cols + j] = sv.data[i * cols + j]! * s[i]!;
    c = sv;
    ranks.push(r);
  }
  const last = c.clone().data;
  scaleInPlace(last, 1 / scale);
  cores.push(toTensor({ data: last, shape: [ranks[d - 1]!, t.shape[d - 1]!, 1] }));
  ranks.push(1);
  return { cores, ranks };
}

/** The full tensor of a tensor train (contracting the cores left to right). */
export function reconstructTt(cores: readonly (TensorLike | Tensor<never>)[]): Tensor<Float64Array> {
  if (!Array.isArray(cores) || cores.length === 0)
    throw new TypeError('reconstructTt: cores must be a non-empty array');
  const gs = cores.map((g, k) => {
    const c = denseCopy('reconstructTt', `cores[${k}]`, g, 3);
    if (c.shape.length !== 3)
      throw new ShapeError(`reconstructTt: cores[${k}] must be 3-d (got [${c.shape.join(', ')}])`);
    return c;
  });
  gs.forEach((g, k) => {
    const prev = k === 0 ? 1 : gs[k - 1]!.shape[2]!;
    if (g.shape[0] !== prev)
      throw new ShapeError(
        `reconstructTt: cores[${k}] must have ${prev} rows to follow cores[${k - 1}] (got shape [${g.shape.join(', ')}])`,
      );
  });
  if (gs[gs.length - 1]!.shape[2] !== 1)
    throw new ShapeError('reconstructTt: the last core must end with rank 1');
  // acc: (I₀⋯I_k) × r_{k+1}
  let acc = new Matrix(gs[0]!.shape[1]!, gs[0]!.shape[2]!, gs[0]!.data);
  for (let k = 1; k < gs.length; k++) {
    const g = gs[k]!;
    const [r0, nk, r1] = g.shape as [number, number, number];
    acc = gemm(acc, new Matrix(r0, nk * r1, g.data)); // (…)×r0 · r0×(nk·r1) = (…·nk)×r1 in C order
    acc = new Matrix(acc.rows * nk, r1, acc.data);
  }
  return toTensor({ data: acc.data, shape: gs.map((g) => g.shape[1]!) });
}
