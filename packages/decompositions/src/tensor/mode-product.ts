/**
 * Mode-n products T ×ₙ M and their chains, without forming unfoldings.
 *
 * @module
 */
import {
  assertFiniteMatrix,
  DomainError,
  gemm,
  Matrix,
  ShapeError,
  type Tensor,
  type TensorLike,
} from '@numts/core';
import { assertMode, type DenseTensor, denseCopy, splitAt, toTensor } from './dense.js';

/**
 * Unchecked T ×ₙ op(M) for a dense tensor, op(M) = M (J×Iₙ) or Mᵀ (M is Iₙ×J). The tensor is viewed
 * as (P, Iₙ, Q) and each of the P slices (Iₙ×Q) is multiplied by op(M) with one gemm.
 */
export function modeProductDense(t: DenseTensor, m: Matrix, n: number, transpose: boolean): DenseTensor {
  const { p, q } = splitAt(t.shape, n);
  const In = t.shape[n]!;
  const j = transpose ? m.cols : m.rows;
  const shape = [...t.shape];
  shape[n] = j;
  const out = new Float64Array(p * j * q);
  if (q === 1) {
    // Last mode: Y (P×J) = X (P×Iₙ) · op(M)ᵀ, one gemm.
    const x = Matrix.view(p, In, t.data, 0, In, 1);
    gemm(x, m, { transB: !transpose, c: Matrix.view(p, j, out, 0, j, 1) });
  } else {
    for (let a = 0; a < p; a++) {
      const x = Matrix.view(In, q, t.data, a * In * q, q, 1);
      gemm(m, x, { transA: transpose, c: Matrix.view(j, q, out, a * j * q, q, 1) });
    }
  }
  return { data: out, shape };
}

/** Options of {@link modeProduct}. */
export interface ModeProductOptions {
  /** Multiply by Mᵀ instead of M (M is then Iₙ×J). Default false. */
  transpose?: boolean;
}

function checkFactor(fn: string, name: string, m: unknown, size: number, transpose: boolean): Matrix {
  if (!(m instanceof Matrix)) throw new TypeError(`${fn}: ${name} must be a Matrix`);
  assertFiniteMatrix(fn, name, m);
  const inner = transpose ? m.rows : m.cols;
  if (inner !== size) {
    const rule = transpose ? 'rows' : 'columns';
    throw new ShapeError(
      `${fn}: ${name} must have ${size} ${rule} to multiply a mode of size ${size} (got ${m.rows}x${m.cols}${transpose ? ', transposed' : ''})`,
    );
  }
  return m;
}

/**
 * The mode-n product Y = T ×ₙ M: yᵢ₀…ⱼ…ᵢₖ = Σ_{iₙ} tᵢ₀…ᵢₙ…ᵢₖ·m_{j,iₙ}, i.e.
 * unfold(Y, n) = M·unfold(T, n). M is J×Iₙ (or Iₙ×J with `transpose`).
 * @throws ShapeError when M does not fit mode n
 * @throws NonFiniteError when T or M holds NaN or ±Infinity
 * @example
 * ```ts
 * const y = modeProduct(x, eye(3), 1); // equals x
 * ```
 */
export function modeProduct(
  t: TensorLike | Tensor<never>,
  m: Matrix,
  mode: number,
  options: ModeProductOptions = {},
): Tensor<Float64Array> {
  const x = denseCopy('modeProduct', 't', t);
  assertMode('modeProduct', mode, x.shape.length);
  const transpose = options.transpose ?? false;
  checkFactor('modeProduct', 'm', m, x.shape[mode]!, transpose);
  return toTensor(modeProductDense(x, m, mode, transpose));
}

/** Options of {@link multiModeProduct}. */
export interface MultiModeProductOptions {
  /** The mode of each matrix; default 0, 1, …. */
  modes?: readonly number[];
  /** Index (into the list) of a matrix to leave out, as TensorLy's `skip`. */
  skip?: number;
  /** Multiply by each Mᵀ (each M is then Iₙ×Jₙ). Default false. */
  transpose?: boolean;
}

/**
 * T ×ₙ₁ M₁ ×ₙ₂ M₂ ⋯ applied in ascending mode order (the products commute across distinct modes).
 * @throws ShapeError when a matrix does not fit its mode or modes repeat
 */
export function multiModeProduct(
  t: TensorLike | Tensor<never>,
  matrices: readonly Matrix[],
  options: MultiModeProductOptions = {},
): Tensor<Float64Array> {
  const x = denseCopy('multiModeProduct', 't', t);
  if (!Array.isArray(matrices)) throw new TypeError('multiModeProduct: matrices must be an array of Matrix');
  const modes = options.modes ?? matrices.map((_, i) => i);
  if (modes.length !== matrices.length) {
    throw new ShapeError(
      `multiModeProduct: modes must have one entry per matrix (got ${modes.length} modes, ${matrices.length} matrices)`,
    );
  }
  if (new Set(modes).size !== modes.length)
    throw new ShapeError(`multiModeProduct: modes must be distinct (got [${modes.join(', ')}])`);
  const transpose = options.transpose ?? false;
  if (
    options.skip !== undefined &&
    (!Number.isInteger(options.skip) || options.skip < 0 || options.skip >= matrices.length)
  ) {
    throw new DomainError(
      `multiModeProduct: skip must be an index into matrices in [0, ${matrices.length - 1}] (got ${options.skip})`,
    );
  }
  const order = modes.map((mode, i) => ({ mode, i })).sort((a, b) => a.mode - b.mode);
  let y = x;
  for (const { mode, i } of order) {
    if (i === options.skip) continue;
    assertMode('multiModeProduct', mode, x.shape.length);
    const m = checkFactor('multiModeProduct', `matrices[${i}]`, matrices[i], y.shape[mode]!, transpose);
    y = modeProductDense(y, m, mode, transpose);
  }
  return toTensor(y);
}
