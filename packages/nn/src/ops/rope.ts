/**
 * Rotary position embedding (RoPE), as LLaMA and transformers apply it: the last axis of size D is
 * split into halves (x₁, x₂) and rotated pairwise, x' = x·cos + rotate_half(x)·sin with
 * rotate_half(x) = (−x₂, x₁), angles posᵢ·θ^(−2j/D) for j < D/2, repeated for both halves.
 *
 * @module
 */
import { DomainError, ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';

/** Options of {@link rotaryEmbedding}. */
export interface RopeOptions {
  /** Base θ of the frequencies (default 10000). */
  theta?: number;
  /** Position of each of the T sequence elements (default 0, 1, …, T − 1). */
  positions?: ArrayLike<number>;
}

/**
 * Applies RoPE to x of shape [B, H, T, D] (D even). The rotation is orthogonal, so the gradient is
 * the inverse rotation of the incoming one.
 * @throws ShapeError for a shape that is not 4-d with an even last axis, or positions of the wrong length
 */
export function rotaryEmbedding(x: Variable, options: RopeOptions = {}): Variable {
  const fn = 'rotaryEmbedding';
  assertVariable(fn, 'x', x);
  if (x.shape.length !== 4 || x.shape[3]! % 2 !== 0)
    throw new ShapeError(
      `${fn}: x must be [batch, heads, length, dim] with an even dim (got [${x.shape.join(', ')}])`,
    );
  const [B, H, T, D] = x.shape as [number, number, number, number];
  const theta = options.theta ?? 10000;
  if (!(theta > 0) || !Number.isFinite(theta))
    throw new DomainError(`${fn}: theta must be a positive number (got ${theta})`);
  const pos = options.positions;
  if (pos !== undefined && pos.length !== T)
    throw new ShapeError(
      `${fn}: positions must have one value per sequence element (${T}; got ${pos.length})`,
    );
  const half = D / 2;
  // cos/sin tables [T, half], computed in float64 and rounded once (as the float32 tables of torch).
  const cos = alloc(T * half);
  const sin = alloc(T * half);
  for (let t = 0; t < T; t++) {
    const p = pos === undefined ? t : pos[t]!;
    for (let j = 0; j < half; j++) {
      const invFreq = Math.fround(1 / theta ** ((2 * j) / D));
      const angle = Math.fround(p * invFreq);
      cos[t * half + j] = Math.cos(angle);
      sin[t * half + j] = Math.sin(angle);
    }
  }
  const rotate = (
    src: ArrayLike<number>,
    dst: Float32Array | Float64Array,
    sign: number,
    accumulate: boolean,
  ) => {
    for (let bh = 0; bh < B * H; bh++) {
      for (let t = 0; t < T; t++) {
        const base = (bh * T + t) * D;
        for (let j = 0; j < half; j++) {
          const c = cos[t * half + j]!;
          const s = sign * sin[t * half + j]!;
          const a = src[base + j]!;
          const b = src[base + j + half]!;
          const ra = a * c - b * s;
          const rb = b * c + a * s;
          if (accumulate) {
            dst[base + j] = dst[base + j]! + ra;
            dst[base + j + half] = dst[base + j + half]! + rb;
          } else {
            dst[base + j] = ra;
            dst[base + j + half] = rb;
          }
        }
      }
    }
  };
  const out = alloc(x.size);
  rotate(x.data, out, 1, false);
  return record(out, x.shape, [x], (g) => rotate(g, gradOf(x), -1, true));
}
