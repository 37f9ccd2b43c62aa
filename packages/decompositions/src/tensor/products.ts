/**
 * Khatri–Rao and Kronecker products, and tensor inner products and norms.
 *
 * @module
 */
import { assertFiniteMatrix, Matrix, norm2, ShapeError, type Tensor, type TensorLike } from '@numts/core';
import { denseCopy } from './dense.js';

/**
 * The column-wise Kronecker (Khatri–Rao) product A₀ ⊙ A₁ ⊙ ⋯ in natural order (TensorLy's
 * convention): row index (i₀, i₁, …) with i₀ slowest; column r is a₀ᵣ ⊗ a₁ᵣ ⊗ ⋯, optionally
 * scaled by weights[r]. With it, unfold(X, n) = Aₙ·diag(w)·khatriRao(others)ᵀ for a CP tensor.
 * @throws ShapeError when the matrices do not all have the same number of columns
 */
export function khatriRao(
  matrices: readonly Matrix[],
  options: { skip?: number; weights?: ArrayLike<number> } = {},
): Matrix {
  if (!Array.isArray(matrices) || matrices.length === 0)
    throw new ShapeError('khatriRao: matrices must be a non-empty array');
  const used = matrices.filter((_, i) => i !== options.skip);
  if (used.length === 0) throw new ShapeError('khatriRao: nothing left after skipping');
  used.forEach((m, i) => {
    if (!(m instanceof Matrix)) throw new TypeError(`khatriRao: matrices[${i}] must be a Matrix`);
    assertFiniteMatrix('khatriRao', `matrices[${i}]`, m);
  });
  const r = used[0]!.cols;
  used.forEach((m, i) => {
    if (m.cols !== r)
      throw new ShapeError(
        `khatriRao: every matrix must have ${r} columns like the first (matrix ${i} is ${m.rows}x${m.cols})`,
      );
  });
  if (options.weights !== undefined && options.weights.length !== r) {
    throw new ShapeError(`khatriRao: weights must have ${r} entries (got ${options.weights.length})`);
  }
  let acc = new Matrix(
    1,
    r,
    Float64Array.from({ length: r }, (_, k) => (options.weights ? options.weights[k]! : 1)),
  );
  for (const m of used) {
    const next = new Matrix(acc.rows * m.rows, r);
    for (let i = 0; i < acc.rows; i++) {
      for (let j = 0; j < m.rows; j++) {
        const row = (i * m.rows + j) * r;
        for (let k = 0; k < r; k++) next.data[row + k] = acc.data[i * r + k]! * m.get(j, k);
      }
    }
    acc = next;
  }
  return acc;
}

/** The Kronecker product A ⊗ B ((mₐ·m_b) × (nₐ·n_b)). */
export function kronecker(a: Matrix, b: Matrix): Matrix {
  if (!(a instanceof Matrix) || !(b instanceof Matrix))
    throw new TypeError('kronecker: a and b must be Matrix instances');
  const out = new Matrix(a.rows * b.rows, a.cols * b.cols);
  const cols = out.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const s = a.get(i, j);
      for (let k = 0; k < b.rows; k++) {
        for (let l = 0; l < b.cols; l++) out.data[(i * b.rows + k) * cols + j * b.cols + l] = s * b.get(k, l);
      }
    }
  }
  return out;
}

/** ⟨X, Y⟩ = Σ xᵢ·yᵢ for two tensors of the same shape. @throws ShapeError when the shapes differ */
export function tensorInner(x: TensorLike | Tensor<never>, y: TensorLike | Tensor<never>): number {
  const a = denseCopy('tensorInner', 'x', x);
  const b = denseCopy('tensorInner', 'y', y);
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(
      `tensorInner: x and y must have the same shape (got [${a.shape.join(', ')}] and [${b.shape.join(', ')}])`,
    );
  }
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

/** The Frobenius norm ‖X‖ = √Σxᵢ² of a tensor. */
export function tensorNorm(x: TensorLike | Tensor<never>): number {
  return norm2(denseCopy('tensorNorm', 'x', x).data); // scaled: no overflow or underflow
}
