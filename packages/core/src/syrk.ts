/**
 * Symmetric rank-k products: the Gram matrices A·Aᵀ and Aᵀ·A.
 *
 * @module
 */
import { getBackend } from './backend.js';
import { ShapeError } from './errors.js';
import { copyInto, mayOverlap } from './gemm.js';
import { gemmKernel } from './kernels/gemm.js';
import { Matrix } from './matrix.js';
import { assertFiniteScalar } from './validate.js';
import { gemmKernelWasm } from './wasm/gemm-wasm.js';

/** Options of {@link syrk}. */
export interface SyrkOptions {
  /** false: C = α·A·Aᵀ (rows × rows); true: C = α·Aᵀ·A (cols × cols). Default false, as BLAS 'N'. */
  trans?: boolean;
  /** Scale. Default 1. */
  alpha?: number;
  /**
   * Where to write the result (n×n, any strides; its old values are not read), to reuse storage in
   * a loop. When it overlaps A the product goes through a temporary first, as in gemm.
   */
  c?: Matrix;
}

/** Block size of the triangle: only blocks on or above the diagonal are multiplied. */
const SYRK_BLOCK = 128;

/**
 * The Gram matrix α·A·Aᵀ (or α·Aᵀ·A with `trans: true`), exactly symmetric. Only the blocks on
 * and above the diagonal are computed (with the packed gemm kernel of the current backend, so the
 * result is the same on both) and then mirrored, so it costs about half of the corresponding `gemm`.
 *
 * @example
 * ```ts
 * syrk(from2D([[1, 2], [3, 4]]), { trans: true }).toArray(); // [[10, 14], [14, 20]]
 * ```
 */
export function syrk(a: Matrix, options: SyrkOptions = {}): Matrix {
  if (!(a instanceof Matrix)) throw new TypeError('syrk: a must be a Matrix');
  const trans = options.trans ?? false;
  const alpha = options.alpha ?? 1;
  assertFiniteScalar('syrk', 'alpha', alpha);
  // X is op(A) with n rows and k columns; C = α·X·Xᵀ.
  const n = trans ? a.cols : a.rows;
  const k = trans ? a.rows : a.cols;
  const rs = trans ? a.colStride : a.rowStride;
  const cs = trans ? a.rowStride : a.colStride;
  const given = options.c;
  if (given !== undefined) {
    if (!(given instanceof Matrix)) throw new TypeError('syrk: c must be a Matrix');
    if (given.rows !== n || given.cols !== n)
      throw new ShapeError(`syrk: c must be ${n}x${n} (got ${given.rows}x${given.cols})`);
  }
  const direct =
    given !== undefined && given.rowStride === n && given.colStride === 1 && !mayOverlap(given, a);
  const c = direct ? given : new Matrix(n, n);
  const kernel = getBackend() === 'wasm' ? gemmKernelWasm : gemmKernel;
  for (let i0 = 0; i0 < n; i0 += SYRK_BLOCK) {
    const bi = Math.min(SYRK_BLOCK, n - i0);
    for (let j0 = i0; j0 < n; j0 += SYRK_BLOCK) {
      const bj = Math.min(SYRK_BLOCK, n - j0);
      // C[i0.., j0..] = α · X[i0.., :] · X[j0.., :]ᵀ
      kernel(
        bi,
        bj,
        k,
        alpha,
        a.data,
        a.offset + i0 * rs,
        rs,
        cs,
        a.data,
        a.offset + j0 * rs,
        cs,
        rs,
        0,
        c.data,
        c.offset + i0 * n + j0,
        n,
        1,
      );
    }
  }
  // Mirror the strict upper triangle; diagonal blocks are symmetrised from their upper half too.
  const cd = c.data;
  const co = c.offset;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) cd[co + i * n + j] = cd[co + j * n + i]!;
  if (given !== undefined && given !== c) {
    copyInto(c, given);
    return given;
  }
  return c;
}
