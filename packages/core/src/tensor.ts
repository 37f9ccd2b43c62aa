/**
 * N-dimensional strided arrays with the field names of scijs/ndarray (`data`, `shape`, `stride`,
 * `offset`), so that an ndarray object can be passed wherever a {@link Tensor} is expected.
 *
 * @module
 */
import { ShapeError } from './errors.js';
import { Matrix } from './matrix.js';
import { assertStridedLayout, rowMajorStrides, shapeSize } from './strided.js';
import { describeValue } from './validate.js';

/** Typed arrays a tensor may hold. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/** Anything with ndarray's fields: an ndarray object, a numts Tensor, or a plain object. */
export interface TensorLike<D extends ArrayLike<number> = ArrayLike<number>> {
  readonly data: D;
  readonly shape: readonly number[];
  readonly stride?: readonly number[];
  readonly offset?: number;
}

/**
 * An n-dimensional strided array. Element (i₀, …, iₖ) is `data[offset + Σ iⱼ·stride[j]]`.
 *
 * @example
 * ```ts
 * const t = new Tensor(Float64Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
 * t.get(1, 2, 3); // 23
 * t.transpose(2, 0, 1).shape; // [4, 2, 3]
 * ```
 */
export class Tensor<D extends NumericArray = Float64Array> {
  /** Backing storage; may be shared with other views. */
  readonly data: D;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Distance in `data` between consecutive indices of each dimension. */
  readonly stride: readonly number[];
  /** Flat index of element (0, …, 0). */
  readonly offset: number;

  /**
   * @param data - storage
   * @param shape - dimension sizes (non-negative integers)
   * @param stride - strides; row-major (last index fastest) when omitted
   * @param offset - flat index of the first element, default 0
   * @throws ShapeError when sizes are not non-negative integers, `stride` has the wrong length, or
   *   any addressable index lies outside `data`
   */
  constructor(data: D, shape: readonly number[], stride?: readonly number[], offset = 0) {
    if (!Array.isArray(shape))
      throw new ShapeError(`Tensor: shape must be an array of sizes (got ${describeValue(shape)})`);
    const st = stride ?? rowMajorStrides(shape);
    if (
      stride === undefined &&
      offset === 0 &&
      shape.every((s) => Number.isSafeInteger(s) && s >= 0) &&
      data.length !== shapeSize(shape)
    ) {
      throw new ShapeError(
        `Tensor: data length must equal the product of shape ${describeValue([...shape])} = ${shapeSize(shape)} (got ${data.length})`,
      );
    }
    assertStridedLayout('Tensor', 'tensor', data.length, shape, st, offset);
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.stride = Object.freeze([...st]);
    this.offset = offset;
  }

  /**
   * Wraps an ndarray object (or anything with `data`, `shape`, optional `stride`/`offset`) after
   * validating it. The data is shared, not copied.
   */
  static from<D extends NumericArray>(like: TensorLike<D>): Tensor<D> {
    if (like === null || typeof like !== 'object' || !ArrayBuffer.isView(like.data)) {
      throw new ShapeError(
        `Tensor.from: argument must have a typed-array data field (got ${describeValue(like)})`,
      );
    }
    return new Tensor(
      like.data,
      [...like.shape],
      like.stride ? [...like.stride] : undefined,
      like.offset ?? 0,
    );
  }

  /** Number of dimensions (ndarray's `dimension`). */
  get dimension(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** Flat index of a multi-index; throws `ShapeError` when it is out of range. */
  index(...idx: number[]): number {
    if (idx.length !== this.shape.length) {
      throw new ShapeError(`Tensor.index: expected ${this.shape.length} indices (got ${idx.length})`);
    }
    let p = this.offset;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[k]!) {
        throw new ShapeError(
          `Tensor.index: index ${k} must lie in [0, ${this.shape[k]}) (got ${describeValue(i)})`,
        );
      }
      p += i * this.stride[k]!;
    }
    return p;
  }

  /** Element at a multi-index. */
  get(...idx: number[]): number {
    return this.data[this.index(...idx)]!;
  }

  /** Sets the element at a multi-index: `t.set(i, j, k, value)`. */
  set(...args: number[]): void {
    const value = args.pop()!;
    this.data[this.index(...args)] = value;
  }

  /** True when the elements are laid out row-major without gaps starting at `offset`. */
  get isContiguous(): boolean {
    const rm = rowMajorStrides(this.shape);
    for (let k = 0; k < this.shape.length; k++)
      if (this.shape[k]! > 1 && this.stride[k] !== rm[k]) return false;
    return true;
  }

  /** A view with the dimensions permuted: `perm[k]` is the source dimension of result dimension k. */
  transpose(...perm: number[]): Tensor<D> {
    const n = this.shape.length;
    const seen = new Set(perm);
    if (perm.length !== n || seen.size !== n || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= n)) {
      throw new ShapeError(
        `Tensor.transpose: perm must be a permutation of 0..${n - 1} (got ${describeValue(perm)})`,
      );
    }
    return new Tensor(
      this.data,
      perm.map((p) => this.shape[p]!),
      perm.map((p) => this.stride[p]!),
      this.offset,
    );
  }

  /** Copies the elements in row-major order into a fresh contiguous tensor of the same type. */
  clone(): Tensor<D> {
    const out = new (this.data.constructor as new (n: number) => D)(this.size);
    forEachIndex(this, (p, w) => {
      out[w] = this.data[p]!;
    });
    return new Tensor(out, [...this.shape]);
  }

  /** The elements in row-major order as a plain array. */
  toFlatArray(): number[] {
    const out = new Array<number>(this.size);
    forEachIndex(this, (p, w) => {
      out[w] = this.data[p]!;
    });
    return out;
  }

  /**
   * A reshaped tensor with the same elements in row-major order. Shares `data` when the tensor is
   * contiguous, copies otherwise.
   */
  reshape(...shape: number[]): Tensor<D> {
    if (shapeSize(shape) !== this.size || shape.some((s) => !Number.isSafeInteger(s) || s < 0)) {
      throw new ShapeError(
        `Tensor.reshape: new shape ${describeValue(shape)} must have ${this.size} elements like ${describeValue([...this.shape])}`,
      );
    }
    const src = this.isContiguous ? this : this.clone();
    return new Tensor(src.data, shape, rowMajorStrides(shape), src.offset);
  }

  /** A 2-d Float64 tensor as a {@link Matrix} view sharing its data. */
  toMatrix(): Matrix {
    if (this.shape.length !== 2 || !(this.data instanceof Float64Array)) {
      throw new ShapeError(
        `Tensor.toMatrix: tensor must be 2-d Float64 (got shape ${describeValue([...this.shape])}, ${this.data.constructor.name})`,
      );
    }
    return new Matrix(this.shape[0]!, this.shape[1]!, this.data, {
      offset: this.offset,
      rowStride: this.stride[0]!,
      colStride: this.stride[1]!,
    });
  }
}

/**
 * Calls `visit(flatIndex, rowMajorPosition)` for every element of a strided tensor, last index
 * fastest. Unchecked: the layout must be valid.
 */
export function forEachIndex(t: TensorLike, visit: (flat: number, position: number) => void): void {
  const shape = t.shape;
  const n = shape.length;
  const size = shapeSize(shape);
  if (size === 0) return;
  const stride = t.stride ?? rowMajorStrides(shape);
  const idx = new Array<number>(n).fill(0);
  let p = t.offset ?? 0;
  for (let w = 0; w < size; w++) {
    visit(p, w);
    for (let k = n - 1; k >= 0; k--) {
      idx[k]!++;
      p += stride[k]!;
      if (idx[k]! < shape[k]!) break;
      p -= shape[k]! * stride[k]!;
      idx[k] = 0;
    }
  }
}

/** A 2-d {@link Matrix} as a Tensor view sharing its data. */
export function matrixToTensor(m: Matrix): Tensor<Float64Array> {
  return new Tensor(m.data, [m.rows, m.cols], [m.rowStride, m.colStride], m.offset);
}
