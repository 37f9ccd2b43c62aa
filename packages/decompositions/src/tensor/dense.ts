/**
 * Validation and the contiguous C-order working form shared by the tensor functions.
 *
 * @module
 */
import { forEachIndex, NonFiniteError, ShapeError, shapeSize, Tensor, type TensorLike } from '@numts/core';

/** A contiguous row-major (C-order) Float64 tensor: the working form of every tensor algorithm. */
export interface DenseTensor {
  data: Float64Array;
  shape: number[];
}

/**
 * Validates a tensor argument (a numts Tensor, an ndarray object, or any `{data, shape, stride?,
 * offset?}` with a typed array) and returns a contiguous Float64 copy.
 * @throws ShapeError for a bad layout or too few modes; NonFiniteError for NaN/±Infinity
 */
export function denseCopy(fn: string, name: string, t: unknown, minModes = 1): DenseTensor {
  if (t === null || typeof t !== 'object' || !ArrayBuffer.isView((t as TensorLike).data)) {
    throw new TypeError(
      `${fn}: ${name} must be a Tensor or an ndarray-like object with a typed-array data field`,
    );
  }
  let tensor: Tensor<never>;
  try {
    tensor = Tensor.from(t as TensorLike<never>);
  } catch (e) {
    if (e instanceof ShapeError)
      throw new ShapeError(e.message.replace(/^Tensor(\.from)?:/, `${fn}: ${name}:`));
    throw e;
  }
  if (tensor.shape.length < minModes) {
    throw new ShapeError(
      `${fn}: ${name} must have at least ${minModes} modes (got shape [${tensor.shape.join(', ')}])`,
    );
  }
  const out = new Float64Array(shapeSize(tensor.shape));
  const src = tensor.data as ArrayLike<number>;
  forEachIndex(tensor, (p, w) => {
    const v = src[p]!;
    if (v - v !== 0)
      throw new NonFiniteError(`${fn}: ${name} must be finite (element ${w} in C order is ${v})`, w);
    out[w] = v;
  });
  return { data: out, shape: [...tensor.shape] };
}

/** Wraps a dense working tensor as a public Tensor (shares the data). */
export function toTensor(t: DenseTensor): Tensor<Float64Array> {
  return new Tensor(t.data, t.shape);
}

/** Validates a mode index for a tensor of `order` modes. */
export function assertMode(fn: string, mode: unknown, order: number): asserts mode is number {
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode >= order) {
    throw new ShapeError(`${fn}: mode must be an integer in [0, ${order - 1}] (got ${String(mode)})`);
  }
}

/** P = Π_{k<n} I_k and Q = Π_{k>n} I_k: a C-order tensor is a (P, Iₙ, Q) array. */
export function splitAt(shape: readonly number[], n: number): { p: number; q: number } {
  let p = 1;
  let q = 1;
  for (let k = 0; k < n; k++) p *= shape[k]!;
  for (let k = n + 1; k < shape.length; k++) q *= shape[k]!;
  return { p, q };
}

/** Squared Frobenius norm of a dense array (for data already scaled near 1: no overflow guard). */
export function sumOfSquares(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}
