/**
 * BLAS level-1 operations on Float64Array vectors: {@link dot}, {@link axpy}, {@link scal},
 * {@link norm2}. NaN and ±Infinity propagate (they are not rejected).
 *
 * @module
 */
import { ShapeError } from './errors.js';
import { assertFiniteScalar } from './validate.js';

function assertVector(fn: string, name: string, x: unknown): asserts x is Float64Array {
  if (!(x instanceof Float64Array)) throw new TypeError(`${fn}: ${name} must be a Float64Array`);
}

function assertSameLength(fn: string, x: Float64Array, y: Float64Array): void {
  if (x.length !== y.length) {
    throw new ShapeError(`${fn}: x and y must have the same length (got ${x.length} and ${y.length})`);
  }
}

/** Unchecked dot product of n strided elements, with four partial sums. */
export function dotKernel(
  n: number,
  x: Float64Array,
  xOff: number,
  xInc: number,
  y: Float64Array,
  yOff: number,
  yInc: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  let px = xOff;
  let py = yOff;
  if (xInc === 1 && yInc === 1) {
    for (; i + 3 < n; i += 4, px += 4, py += 4) {
      s0 += x[px]! * y[py]!;
      s1 += x[px + 1]! * y[py + 1]!;
      s2 += x[px + 2]! * y[py + 2]!;
      s3 += x[px + 3]! * y[py + 3]!;
    }
  }
  for (; i < n; i++, px += xInc, py += yInc) s0 += x[px]! * y[py]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * xᵀy.
 * @throws ShapeError when the lengths differ
 */
export function dot(x: Float64Array, y: Float64Array): number {
  assertVector('dot', 'x', x);
  assertVector('dot', 'y', y);
  assertSameLength('dot', x, y);
  return dotKernel(x.length, x, 0, 1, y, 0, 1);
}

/** Unchecked y ← αx + y over n strided elements. */
export function axpyKernel(
  n: number,
  alpha: number,
  x: Float64Array,
  xOff: number,
  xInc: number,
  y: Float64Array,
  yOff: number,
  yInc: number,
): void {
  for (let i = 0, px = xOff, py = yOff; i < n; i++, px += xInc, py += yInc) y[py] = y[py]! + alpha * x[px]!;
}

/**
 * y ← αx + y, in place; returns y.
 * @throws ShapeError when the lengths differ
 * @throws NonFiniteError when α is not finite
 */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): Float64Array {
  assertFiniteScalar('axpy', 'alpha', alpha);
  assertVector('axpy', 'x', x);
  assertVector('axpy', 'y', y);
  assertSameLength('axpy', x, y);
  axpyKernel(x.length, alpha, x, 0, 1, y, 0, 1);
  return y;
}

/**
 * x ← αx, in place; returns x.
 * @throws NonFiniteError when α is not finite
 */
export function scal(alpha: number, x: Float64Array): Float64Array {
  assertFiniteScalar('scal', 'alpha', alpha);
  assertVector('scal', 'x', x);
  for (let i = 0; i < x.length; i++) x[i] = alpha * x[i]!;
  return x;
}

/** Largest |xᵢ| over strided elements; NaN when any element is NaN. */
export function maxAbsKernel(n: number, x: Float64Array | Float32Array, off: number, inc: number): number {
  let m = 0;
  for (let i = 0, p = off; i < n; i++, p += inc) {
    const v = Math.abs(x[p]!);
    if (v > m) m = v;
    else if (Number.isNaN(v)) return Number.NaN;
  }
  return m;
}

/** Below this or above its inverse the sum of squares is scaled to avoid underflow or overflow. */
const SQUARE_SAFE = 2 ** -480;

/**
 * Scaled sum of squares √Σxᵢ² over strided elements, free of overflow and underflow (the
 * approach of LAPACK's dnrm2: scale by the largest magnitude only when it is extreme).
 */
export function norm2Kernel(n: number, x: Float64Array | Float32Array, off: number, inc: number): number {
  const m = maxAbsKernel(n, x, off, inc);
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  if (m > SQUARE_SAFE && m < 1 / SQUARE_SAFE) {
    for (let i = 0, p = off; i < n; i++, p += inc) {
      const v = x[p]!;
      s += v * v;
    }
    return Math.sqrt(s);
  }
  // Power-of-two scaling is exact, and 2^±600 brings every extreme magnitude into range.
  const scale = m <= SQUARE_SAFE ? 2 ** 600 : 2 ** -600;
  for (let i = 0, p = off; i < n; i++, p += inc) {
    const v = x[p]! * scale;
    s += v * v;
  }
  return Math.sqrt(s) / scale;
}

/** Euclidean norm ‖x‖₂ without overflow or underflow; NaN when x holds NaN, Infinity when it holds ±Infinity. */
export function norm2(x: Float64Array): number {
  assertVector('norm2', 'x', x);
  return norm2Kernel(x.length, x, 0, 1);
}
