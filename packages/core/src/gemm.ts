/**
 * General matrix multiply: C ← α·op(A)·op(B) + β·C, for Float64 ({@link gemm}) and Float32
 * ({@link gemm32}) matrices with any strides.
 *
 * @module
 */

import { getBackend } from './backend.js';
import { DomainError, ShapeError } from './errors.js';
import { gemmKernel } from './kernels/gemm.js';
import { gemmKernel as gemmKernel32 } from './kernels/gemm-f32.generated.js';
import { type FloatArray, Matrix, Matrix32 } from './matrix.js';
import { assertFiniteScalar } from './validate.js';
import { gemmKernelWasm, gemmKernelWasm32 } from './wasm/gemm-wasm.js';

/** Options of {@link gemm} and {@link gemm32}. */
export interface GemmOptions<M> {
  /** Use Aᵀ instead of A. Default false. */
  transA?: boolean;
  /** Use Bᵀ instead of B. Default false. */
  transB?: boolean;
  /** Scale of the product. Default 1. */
  alpha?: number;
  /** Scale of the existing C. Default 0 (C is overwritten, even where it held NaN). */
  beta?: number;
  /** Output matrix, updated in place and returned. A fresh zero matrix when omitted. */
  c?: M;
}

interface StridedOperand {
  data: FloatArray;
  rows: number;
  cols: number;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** Flat index range [lo, hi] that a matrix addresses (empty matrices address nothing). */
function addressRange(x: StridedOperand): [number, number] {
  let lo = x.offset;
  let hi = x.offset;
  for (const span of [(x.rows - 1) * x.rowStride, (x.cols - 1) * x.colStride]) {
    if (span < 0) lo += span;
    else hi += span;
  }
  return [lo, hi];
}

/** True when two matrices share storage and their address ranges intersect. */
export function mayOverlap(x: StridedOperand, y: StridedOperand): boolean {
  if (x.data.buffer !== y.data.buffer || x.rows * x.cols === 0 || y.rows * y.cols === 0) return false;
  const [xl, xh] = addressRange(x);
  const [yl, yh] = addressRange(y);
  const xs = x.data.byteOffset / x.data.BYTES_PER_ELEMENT;
  const ys = y.data.byteOffset / y.data.BYTES_PER_ELEMENT;
  // Two row-major windows of one matrix (the blocks of a blocked factorization): rectangles on the
  // grid of its rows and columns, which overlap only when both their row and column ranges do.
  const r = x.rowStride;
  if (x.colStride === 1 && y.colStride === 1 && y.rowStride === r && r > 0) {
    const xo = xs + x.offset;
    const yo = ys + y.offset;
    const xRow = Math.floor(xo / r);
    const yRow = Math.floor(yo / r);
    const xCol = xo - xRow * r;
    const yCol = yo - yRow * r;
    if (xCol + x.cols <= r && yCol + y.cols <= r)
      return xRow < yRow + y.rows && yRow < xRow + x.rows && xCol < yCol + y.cols && yCol < xCol + x.cols;
  }
  return xs + xl <= ys + yh && ys + yl <= xs + xh;
}

/** Sizes, scalars and effective strides of a validated gemm call. */
export interface GemmPlan {
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  aRs: number;
  aCs: number;
  bRs: number;
  bCs: number;
}

/**
 * Validates the arguments of a gemm call and resolves transposes into strides.
 * @internal shared by `gemm`, `gemm32` and the worker pool
 */
export function planGemm(
  fn: string,
  a: StridedOperand,
  b: StridedOperand,
  opts: GemmOptions<unknown>,
  cGiven: StridedOperand | undefined,
): GemmPlan {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const alpha = opts.alpha ?? 1;
  const beta = opts.beta ?? 0;
  assertFiniteScalar(fn, 'alpha', alpha);
  assertFiniteScalar(fn, 'beta', beta);
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (k !== kb) {
    throw new ShapeError(
      `${fn}: inner dimensions differ (op(a) is ${m}x${k}, op(b) is ${kb}x${n}; transA=${transA}, transB=${transB})`,
    );
  }
  if (cGiven === undefined) {
    if (beta !== 0) throw new DomainError(`${fn}: beta must be 0 when no c is given (got ${beta})`);
  } else if (cGiven.rows !== m || cGiven.cols !== n) {
    throw new ShapeError(
      `${fn}: c must be ${m}x${n} to hold op(a)·op(b) (got ${cGiven.rows}x${cGiven.cols})`,
    );
  }
  return {
    m,
    n,
    k,
    alpha,
    beta,
    aRs: transA ? a.colStride : a.rowStride,
    aCs: transA ? a.rowStride : a.colStride,
    bRs: transB ? b.colStride : b.rowStride,
    bCs: transB ? b.rowStride : b.colStride,
  };
}

/**
 * C ← α·op(A)·op(B) + β·C with a packed, register-tiled kernel.
 *
 * NaN and ±Infinity in A and B propagate as IEEE arithmetic makes them (they are not rejected).
 * With `alpha = 0` A and B are not read; with `beta = 0` C is not read. When C shares storage with
 * A or B, the product is computed into a temporary first, so aliasing is safe.
 *
 * @param a - left operand (any strides)
 * @param b - right operand (any strides)
 * @param options - transposes, α, β and an optional output C
 * @returns C (the given one, updated, or a new matrix)
 * @throws ShapeError when the inner dimensions differ or C has the wrong shape
 * @throws NonFiniteError when α or β is not finite
 * @throws DomainError when β ≠ 0 and no C is given
 *
 * @example
 * ```ts
 * const a = from2D([[1, 2], [3, 4]]);
 * gemm(a, a, { transA: true }).toArray(); // [[10, 14], [14, 20]]
 * ```
 */
export function gemm(a: Matrix, b: Matrix, options: GemmOptions<Matrix> = {}): Matrix {
  if (!(a instanceof Matrix)) throw new TypeError('gemm: a must be a Matrix (use gemm32 for Matrix32)');
  if (!(b instanceof Matrix)) throw new TypeError('gemm: b must be a Matrix (use gemm32 for Matrix32)');
  const cGiven = options.c;
  if (cGiven !== undefined && !(cGiven instanceof Matrix)) throw new TypeError('gemm: c must be a Matrix');
  const p = planGemm('gemm', a, b, options, cGiven);
  const c = cGiven ?? new Matrix(p.m, p.n);
  const aliased = cGiven !== undefined && (mayOverlap(c, a) || mayOverlap(c, b));
  const target = aliased ? c.clone() : c;
  (getBackend() === 'wasm' ? gemmKernelWasm : gemmKernel)(
    p.m,
    p.n,
    p.k,
    p.alpha,
    a.data,
    a.offset,
    p.aRs,
    p.aCs,
    b.data,
    b.offset,
    p.bRs,
    p.bCs,
    p.beta,
    target.data,
    target.offset,
    target.rowStride,
    target.colStride,
  );
  if (aliased) copyInto(target, c);
  return c;
}

/**
 * Float32 version of {@link gemm} (same options and rules). On the `'js'` backend, and for small
 * products (m·n·k ≤ 24³) on either backend, products are accumulated in double precision and
 * rounded once when stored. On the `'wasm'` backend larger products accumulate in float32 SIMD
 * lanes, as a BLAS sgemm does: each element is within k·2⁻²⁴·Σ|α·aᵢₚ·bₚⱼ| of the exact value.
 */
export function gemm32(a: Matrix32, b: Matrix32, options: GemmOptions<Matrix32> = {}): Matrix32 {
  if (!(a instanceof Matrix32)) throw new TypeError('gemm32: a must be a Matrix32 (use gemm for Matrix)');
  if (!(b instanceof Matrix32)) throw new TypeError('gemm32: b must be a Matrix32 (use gemm for Matrix)');
  const cGiven = options.c;
  if (cGiven !== undefined && !(cGiven instanceof Matrix32))
    throw new TypeError('gemm32: c must be a Matrix32');
  const p = planGemm('gemm32', a, b, options, cGiven);
  const c = cGiven ?? new Matrix32(p.m, p.n);
  const aliased = cGiven !== undefined && (mayOverlap(c, a) || mayOverlap(c, b));
  const target = aliased ? c.clone() : c;
  (getBackend() === 'wasm' ? gemmKernelWasm32 : gemmKernel32)(
    p.m,
    p.n,
    p.k,
    p.alpha,
    a.data,
    a.offset,
    p.aRs,
    p.aCs,
    b.data,
    b.offset,
    p.bRs,
    p.bCs,
    p.beta,
    target.data,
    target.offset,
    target.rowStride,
    target.colStride,
  );
  if (aliased) copyInto(target, c);
  return c;
}

/** Copies a contiguous source of the same shape into a strided destination. */
export function copyInto(src: StridedOperand, dst: StridedOperand): void {
  for (let i = 0; i < dst.rows; i++) {
    for (let j = 0; j < dst.cols; j++) {
      dst.data[dst.offset + i * dst.rowStride + j * dst.colStride] =
        src.data[src.offset + i * src.rowStride + j * src.colStride]!;
    }
  }
}

/**
 * The matrix product A·B (a shorthand for `gemm(a, b)`).
 * @throws ShapeError when `a.cols !== b.rows`
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  return gemm(a, b);
}
