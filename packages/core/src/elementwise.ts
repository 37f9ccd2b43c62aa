/**
 * Elementwise arithmetic on matrices of equal shape, and scalar maps. All return new contiguous
 * matrices (except {@link addRowVector}, which works in place); NaN and ±Infinity propagate by IEEE rules.
 *
 * @module
 */
import { ShapeError } from './errors.js';
import { Matrix } from './matrix.js';

function assertSameShape(fn: string, a: Matrix, b: Matrix): void {
  if (!(a instanceof Matrix) || !(b instanceof Matrix))
    throw new TypeError(`${fn}: a and b must be Matrix instances`);
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(
      `${fn}: a and b must have the same shape (got ${a.rows}x${a.cols} and ${b.rows}x${b.cols})`,
    );
  }
}

/** out[i,j] = f(a[i,j], b[i,j]) for two equally shaped matrices. */
export function zipWith(a: Matrix, b: Matrix, f: (x: number, y: number) => number, fn = 'zipWith'): Matrix {
  assertSameShape(fn, a, b);
  const out = new Matrix(a.rows, a.cols);
  let w = 0;
  for (let i = 0; i < a.rows; i++) {
    let p = a.offset + i * a.rowStride;
    let q = b.offset + i * b.rowStride;
    for (let j = 0; j < a.cols; j++, p += a.colStride, q += b.colStride)
      out.data[w++] = f(a.data[p]!, b.data[q]!);
  }
  return out;
}

/** out[i,j] = f(a[i,j], i, j). */
export function map(a: Matrix, f: (x: number, i: number, j: number) => number): Matrix {
  if (!(a instanceof Matrix)) throw new TypeError('map: a must be a Matrix');
  const out = new Matrix(a.rows, a.cols);
  let w = 0;
  for (let i = 0; i < a.rows; i++) {
    let p = a.offset + i * a.rowStride;
    for (let j = 0; j < a.cols; j++, p += a.colStride) out.data[w++] = f(a.data[p]!, i, j);
  }
  return out;
}

/** A + B. @throws ShapeError when the shapes differ */
export function add(a: Matrix, b: Matrix): Matrix {
  return zipWith(a, b, (x, y) => x + y, 'add');
}

/** A − B. @throws ShapeError when the shapes differ */
export function sub(a: Matrix, b: Matrix): Matrix {
  return zipWith(a, b, (x, y) => x - y, 'sub');
}

/** Elementwise (Hadamard) product A ∘ B. @throws ShapeError when the shapes differ */
export function mul(a: Matrix, b: Matrix): Matrix {
  return zipWith(a, b, (x, y) => x * y, 'mul');
}

/** Elementwise quotient A ⊘ B (x/0 gives ±Infinity or NaN by IEEE rules). @throws ShapeError when the shapes differ */
export function div(a: Matrix, b: Matrix): Matrix {
  return zipWith(a, b, (x, y) => x / y, 'div');
}

/** s·A. */
export function scale(a: Matrix, s: number): Matrix {
  return map(a, (x) => s * x);
}

/** True when every element is finite (no NaN, no ±Infinity). */
export function isAllFinite(a: Matrix): boolean {
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0, p = a.offset + i * a.rowStride; j < a.cols; j++, p += a.colStride) {
      const v = a.data[p]!;
      if (v - v !== 0) return false;
    }
  }
  return true;
}

/**
 * Adds `v[j]` to column j of every row of `m`, in place (the bias of a linear model:
 * O = XW + 1vᵀ); returns `m`.
 * @throws ShapeError when v does not have one entry per column
 */
export function addRowVector(m: Matrix, v: ArrayLike<number>): Matrix {
  if (v.length !== m.cols)
    throw new ShapeError(`addRowVector: v must have one entry per column (${m.cols}), got ${v.length}`);
  if (m.isContiguous) {
    const d = m.data;
    const cols = m.cols;
    for (let i = 0, p = m.offset; i < m.rows; i++) for (let j = 0; j < cols; j++, p++) d[p] = d[p]! + v[j]!;
  } else {
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) m.set(i, j, m.get(i, j) + v[j]!);
  }
  return m;
}
