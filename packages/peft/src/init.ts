/**
 * Initialisers and small Float64 helpers shared by the adapters.
 *
 * @module
 */
import { gemm, Matrix, type Rng } from '@numts/core';
import { Variable } from '@numts/nn';

/** PyTorch's kaiming_uniform(a = √5): U(−1/√fanIn, 1/√fanIn). */
export function kaimingUniform(rng: Rng, shape: number[], fanIn: number): Variable {
  const v = Variable.zeros(shape);
  const bound = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < v.size; i++) v.data[i] = rng.uniform(-bound, bound);
  return v;
}

/** Independent N(0, sd²) entries. */
export function normalVar(rng: Rng, shape: number[], sd: number): Variable {
  const v = Variable.zeros(shape);
  for (let i = 0; i < v.size; i++) v.data[i] = rng.normal(0, sd);
  return v;
}

/** A Variable filled with one value. */
export function filled(shape: number[], value: number): Variable {
  const v = Variable.zeros(shape);
  v.data.fill(value);
  return v;
}

/** A constant (no gradient) Variable holding a copy of `values`. */
export function constant(values: ArrayLike<number>, shape: number[]): Variable {
  return Variable.from(values, shape);
}

/** A Float64 Matrix copy of a row-major buffer. */
export function toMatrix(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  return new Matrix(rows, cols, Float64Array.from(data));
}

/** a (m×k) · b (k×n) for row-major buffers, through core's gemm; a new Float64Array m×n. */
export function matmulRaw(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  return gemm(toMatrix(a, m, k), toMatrix(b, k, n)).data;
}

/** The Euclidean norm of each row of an m×n buffer. */
export function rowNorms(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j]! ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}
