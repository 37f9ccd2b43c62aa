/**
 * Softmax and log-softmax over any axis, computed with the max subtracted (no overflow).
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';

function plan(fn: string, x: Variable, axis: number): { outer: number; len: number; inner: number } {
  const nd = x.shape.length;
  const ax = axis < 0 ? axis + nd : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= nd)
    throw new ShapeError(`${fn}: axis must be in [−${nd}, ${nd - 1}] (got ${axis})`);
  return {
    outer: x.shape.slice(0, ax).reduce((a, b) => a * b, 1),
    len: x.shape[ax]!,
    inner: x.shape.slice(ax + 1).reduce((a, b) => a * b, 1),
  };
}

/**
 * log Σ_k exp(d[base + k·stride]) over `len` strided entries, with the maximum subtracted first
 * (no overflow; −∞ when every entry is −∞).
 */
export function logSumExp(d: ArrayLike<number>, base: number, len: number, stride: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < len; k++) m = Math.max(m, d[base + k * stride]!);
  let s = 0;
  for (let k = 0; k < len; k++) s += Math.exp(d[base + k * stride]! - m);
  return m + Math.log(s);
}

/** log softmax along `axis` (default the last). */
export function logSoftmax(x: Variable, axis = -1): Variable {
  assertVariable('logSoftmax', 'x', x);
  const { outer, len, inner } = plan('logSoftmax', x, axis);
  const out = alloc(x.size);
  const d = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      const lse = logSumExp(d, base, len, inner);
      for (let k = 0; k < len; k++) out[base + k * inner] = d[base + k * inner]! - lse;
    }
  }
  return record(out, x.shape, [x], (g) => {
    const gx = gradOf(x);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let gs = 0;
        for (let k = 0; k < len; k++) gs += g[base + k * inner]!;
        for (let k = 0; k < len; k++) {
          const p = base + k * inner;
          gx[p] = gx[p]! + g[p]! - Math.exp(out[p]!) * gs;
        }
      }
    }
  });
}

/** softmax along `axis` (default the last). */
export function softmax(x: Variable, axis = -1): Variable {
  assertVariable('softmax', 'x', x);
  const { outer, len, inner } = plan('softmax', x, axis);
  const out = alloc(x.size);
  const d = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let m = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < len; k++) m = Math.max(m, d[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < len; k++) {
        const e = Math.exp(d[base + k * inner]! - m);
        out[base + k * inner] = e;
        s += e;
      }
      for (let k = 0; k < len; k++) out[base + k * inner] = out[base + k * inner]! / s;
    }
  }
  return record(out, x.shape, [x], (g) => {
    const gx = gradOf(x);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let dot = 0;
        for (let k = 0; k < len; k++) dot += g[base + k * inner]! * out[base + k * inner]!;
        for (let k = 0; k < len; k++) {
          const p = base + k * inner;
          gx[p] = gx[p]! + out[p]! * (g[p]! - dot);
        }
      }
    }
  });
}
