/**
 * Leading left singular vectors of a tensor unfolding, computed without forming the unfolding.
 *
 * @module
 */
import { gemm, Matrix, syrk } from '@numts/core';
import { eigh } from '../eigh.js';
import { svd } from '../svd.js';
import { type DenseTensor, splitAt } from './dense.js';
import { unfoldDense } from './unfold.js';

/** How leading singular vectors are computed: eigh of the Gram matrix Xₙ·Xₙᵀ, or a direct SVD of Xₙ. */
export type SvdMethod = 'gram' | 'direct';

/** Gram matrix Xₙ·Xₙᵀ (Iₙ×Iₙ) of the mode-n unfolding, from the (P, Iₙ, Q) slices. */
export function unfoldingGram(t: DenseTensor, n: number): Matrix {
  const { p, q } = splitAt(t.shape, n);
  const In = t.shape[n]!;
  if (q === 1) return syrk(Matrix.view(p, In, t.data, 0, In, 1), { trans: true });
  if (p === 1) return syrk(Matrix.view(In, q, t.data, 0, q, 1));
  const g = new Matrix(In, In);
  for (let a = 0; a < p; a++) {
    const x = Matrix.view(In, q, t.data, a * In * q, q, 1);
    gemm(x, x, { transB: true, beta: 1, c: g });
  }
  return g;
}

/**
 * The first r left singular vectors (Iₙ×r) and singular values of unfold(t, n), with the sign rule
 * of TensorLy's svd_flip (largest-magnitude entry of each vector positive).
 *
 * The Gram route squares the condition number: singular vectors whose singular values are
 * separated by a relative gap g are accurate to about ε/g² instead of ε/g. It is much cheaper when
 * the unfolding is wide (Iₙ ≪ Π others), which is the usual case.
 */
export function leadingLeftVectors(
  t: DenseTensor,
  n: number,
  r: number,
  method: SvdMethod,
): { u: Matrix; s: Float64Array } {
  const In = t.shape[n]!;
  if (method === 'direct') {
    const f = svd(unfoldDense(t, n));
    const k = Math.min(r, f.s.length);
    return { u: f.u!.slice(0, In, 0, k).clone(), s: f.s.slice(0, k) };
  }
  const { values, vectors } = eigh(unfoldingGram(t, n));
  const k = Math.min(r, In);
  const u = new Matrix(In, k);
  const s = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const src = In - 1 - j; // eigenvalues ascend; take the largest first
    s[j] = Math.sqrt(Math.max(0, values[src]!));
    for (let i = 0; i < In; i++) u.data[i * k + j] = vectors!.data[i * In + src]!;
  }
  return { u, s };
}
