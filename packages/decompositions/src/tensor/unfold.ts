/**
 * Unfolding (matricization) and folding of tensors, in TensorLy's C order or Kolda–Bader's order.
 *
 * @module
 */
import { DomainError, Matrix, ShapeError, type Tensor, type TensorLike } from '@numts/core';
import { assertMode, type DenseTensor, denseCopy, splitAt, toTensor } from './dense.js';

/**
 * Column order of an unfolding.
 * - `'tensorly'` (default): row iₙ, columns the remaining indices in their original order with the
 *   **last varying fastest** (numpy's C order; TensorLy's `unfold`). For X = arange(24)·reshape(2,3,4),
 *   row 0 of the mode-1 unfolding is [0, 1, 2, 3, 12, 13, 14, 15].
 * - `'kolda'`: Kolda & Bader (2009): the **first** remaining index varies fastest. The same row is
 *   [0, 12, 1, 13, 2, 14, 3, 15].
 */
export type UnfoldOrder = 'tensorly' | 'kolda';

function assertOrder(fn: string, order: unknown): asserts order is UnfoldOrder {
  if (order !== 'tensorly' && order !== 'kolda') {
    throw new DomainError(`${fn}: order must be "tensorly" or "kolda" (got ${JSON.stringify(order)})`);
  }
}

/** Unchecked C-order unfolding of a dense tensor: Iₙ × Π_{k≠n} I_k. */
export function unfoldDense(t: DenseTensor, n: number): Matrix {
  const { p, q } = splitAt(t.shape, n);
  const In = t.shape[n]!;
  const out = new Matrix(In, p * q);
  const d = t.data;
  const o = out.data;
  const cols = p * q;
  // Element (a, i, b) of the (P, Iₙ, Q) view goes to row i, column a·Q + b.
  for (let a = 0; a < p; a++) {
    for (let i = 0; i < In; i++) {
      const src = (a * In + i) * q;
      const dst = i * cols + a * q;
      for (let b = 0; b < q; b++) o[dst + b] = d[src + b]!;
    }
  }
  return out;
}

/** Unchecked inverse of {@link unfoldDense}. */
export function foldDense(m: Matrix, n: number, shape: readonly number[]): DenseTensor {
  const { p, q } = splitAt(shape, n);
  const In = shape[n]!;
  const out = new Float64Array(p * In * q);
  const md = m.data;
  for (let a = 0; a < p; a++) {
    for (let i = 0; i < In; i++) {
      const dst = (a * In + i) * q;
      const src = m.offset + i * m.rowStride + a * q * m.colStride;
      for (let b = 0; b < q; b++) out[dst + b] = md[src + b * m.colStride]!;
    }
  }
  return { data: out, shape: [...shape] };
}

/** Permutation of columns from Kolda–Bader order to C order for mode n (index = Kolda column → C column). */
function koldaToC(shape: readonly number[], n: number): Int32Array {
  const others = shape.filter((_, k) => k !== n);
  const total = others.reduce((x, y) => x * y, 1);
  const perm = new Int32Array(total);
  const idx = new Array<number>(others.length).fill(0);
  for (let kc = 0; kc < total; kc++) {
    // idx is the multi-index with the first index fastest (Kolda column kc).
    let c = 0;
    for (let k = 0; k < others.length; k++) c = c * others[k]! + idx[k]!;
    perm[kc] = c;
    for (let k = 0; k < others.length; k++) {
      idx[k]!++;
      if (idx[k]! < others[k]!) break;
      idx[k] = 0;
    }
  }
  return perm;
}

/**
 * The mode-n unfolding of a tensor: an Iₙ × Π_{k≠n} I_k matrix whose rows are indexed by iₙ (see
 * {@link UnfoldOrder} for the column order).
 * @throws ShapeError when mode is not a valid mode index or the tensor layout is invalid
 * @throws NonFiniteError when the tensor holds NaN or ±Infinity
 * @example
 * ```ts
 * const x = new Tensor(Float64Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
 * unfold(x, 1).toArray()[0]; // [0, 1, 2, 3, 12, 13, 14, 15]
 * ```
 */
export function unfold(
  t: TensorLike | Tensor<never>,
  mode: number,
  options: { order?: UnfoldOrder } = {},
): Matrix {
  const order = options.order ?? 'tensorly';
  assertOrder('unfold', order);
  const x = denseCopy('unfold', 't', t);
  assertMode('unfold', mode, x.shape.length);
  const c = unfoldDense(x, mode);
  if (order === 'tensorly') return c;
  const perm = koldaToC(x.shape, mode);
  const out = new Matrix(c.rows, c.cols);
  for (let i = 0; i < c.rows; i++)
    for (let k = 0; k < c.cols; k++) out.data[i * c.cols + k] = c.data[i * c.cols + perm[k]!]!;
  return out;
}

/**
 * The inverse of {@link unfold}: rebuilds the tensor of `shape` from its mode-n unfolding.
 * @throws ShapeError when the matrix does not have Iₙ rows and Π_{k≠n} I_k columns
 */
export function fold(
  m: Matrix,
  mode: number,
  shape: readonly number[],
  options: { order?: UnfoldOrder } = {},
): Tensor<Float64Array> {
  const order = options.order ?? 'tensorly';
  assertOrder('fold', order);
  if (!(m instanceof Matrix)) throw new TypeError('fold: m must be a Matrix');
  if (!Array.isArray(shape) || shape.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new ShapeError(
      `fold: shape must be an array of non-negative integers (got ${JSON.stringify(shape)})`,
    );
  }
  assertMode('fold', mode, shape.length);
  const rows = shape[mode]!;
  const cols = shape.reduce((x, y) => x * y, 1) / Math.max(1, rows);
  if (m.rows !== rows || (rows > 0 && m.cols !== cols)) {
    throw new ShapeError(
      `fold: m must be ${rows}x${cols} to fold into shape [${shape.join(', ')}] along mode ${mode} (got ${m.rows}x${m.cols})`,
    );
  }
  let c = m;
  if (order === 'kolda') {
    const perm = koldaToC(shape, mode);
    c = new Matrix(m.rows, m.cols);
    for (let i = 0; i < m.rows; i++)
      for (let k = 0; k < m.cols; k++) c.data[i * m.cols + perm[k]!] = m.get(i, k);
  }
  return toTensor(foldDense(c, mode, shape));
}
