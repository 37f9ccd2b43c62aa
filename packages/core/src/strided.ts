/**
 * Bounds of strided storage: which flat indices a (shape, stride, offset) triple can address.
 *
 * @module
 */
import { ShapeError } from './errors.js';
import { assertInteger, assertSize, describeValue } from './validate.js';

/** Number of elements of a shape (1 for a 0-d shape). */
export function shapeSize(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** Row-major (C-order) strides of a shape: the last index is the fastest. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = s;
    s *= Math.max(1, shape[i]!);
  }
  return stride;
}

/**
 * Validates a strided layout: integer sizes and strides, and every addressable flat index
 * `offset + Σ iₖ·strideₖ` (0 ≤ iₖ < shapeₖ) inside `[0, length)`. An empty shape (some dimension 0)
 * addresses nothing and is always valid.
 */
export function assertStridedLayout(
  fn: string,
  name: string,
  length: number,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
): void {
  if (stride.length !== shape.length) {
    throw new ShapeError(
      `${fn}: ${name}.stride must have one entry per dimension (shape ${describeValue([...shape])}, stride ${describeValue([...stride])})`,
    );
  }
  for (let i = 0; i < shape.length; i++) {
    assertSize(fn, `${name}.shape[${i}]`, shape[i]);
    assertInteger(fn, `${name}.stride[${i}]`, stride[i]);
  }
  assertInteger(fn, `${name}.offset`, offset);
  if (shapeSize(shape) === 0) return;
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < shape.length; i++) {
    const span = (shape[i]! - 1) * stride[i]!;
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= length) {
    throw new ShapeError(
      `${fn}: ${name} addresses flat indices ${lo}..${hi} but its data has length ${length} (shape ${describeValue([...shape])}, stride ${describeValue([...stride])}, offset ${offset})`,
    );
  }
}
