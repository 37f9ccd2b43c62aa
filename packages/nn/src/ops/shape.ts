/**
 * Shape operations: reshape, permute, concat and slice.
 *
 * @module
 */
import { ShapeError, shapeSize } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';

/** The same values with a new shape (one dimension may be −1). */
export function reshape(x: Variable, shape: readonly number[]): Variable {
  assertVariable('reshape', 'x', x);
  const s = [...shape];
  const free = s.indexOf(-1);
  if (free >= 0) {
    const known = s.reduce((p, d, i) => (i === free ? p : p * d), 1);
    s[free] = known === 0 ? 0 : x.size / known;
  }
  if (s.some((d) => !Number.isInteger(d) || d < 0) || shapeSize(s) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape [${x.shape.join(', ')}] (${x.size} elements) to [${shape.join(', ')}]`,
    );
  }
  const out = x.data.slice();
  return record(out, s, [x], (g) => {
    const gx = gradOf(x);
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]!;
  });
}

/** Row-major strides. */
function strides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    st[k] = s;
    s *= shape[k]!;
  }
  return st;
}

/** Dimensions reordered: output dimension k is input dimension perm[k] (a copy). */
export function permute(x: Variable, perm: readonly number[]): Variable {
  assertVariable('permute', 'x', x);
  const nd = x.shape.length;
  if (
    perm.length !== nd ||
    new Set(perm).size !== nd ||
    perm.some((p) => !Number.isInteger(p) || p < 0 || p >= nd)
  ) {
    throw new ShapeError(`permute: perm must be a permutation of 0..${nd - 1} (got [${perm.join(', ')}])`);
  }
  const shape = perm.map((p) => x.shape[p]!);
  const inSt = strides(x.shape);
  // Trailing dimensions that stay in place move as contiguous runs of `run` values (the head
  // split/merge of attention keeps the head dimension); the odometer walks the others once per run.
  let keep = 0;
  while (keep < nd && perm[nd - 1 - keep] === nd - 1 - keep) keep++;
  let run = 1;
  for (let k = nd - keep; k < nd; k++) run *= shape[k]!;
  const outerNd = nd - keep;
  const runs = run === 0 ? 0 : x.size / run;
  const src = new Int32Array(runs);
  const idx = new Array<number>(outerNd).fill(0);
  let p = 0;
  for (let r = 0; r < runs; r++) {
    src[r] = p;
    for (let k = outerNd - 1; k >= 0; k--) {
      idx[k]!++;
      p += inSt[perm[k]!]!;
      if (idx[k]! < shape[k]!) break;
      p -= inSt[perm[k]!]! * shape[k]!;
      idx[k] = 0;
    }
  }
  const xd = x.data;
  const out = alloc(x.size);
  for (let r = 0; r < runs; r++) {
    const from = src[r]!;
    const to = r * run;
    for (let t = 0; t < run; t++) out[to + t] = xd[from + t]!;
  }
  return record(out, shape, [x], (g) => {
    const gx = gradOf(x);
    for (let r = 0; r < runs; r++) {
      const at = src[r]!;
      const from = r * run;
      for (let t = 0; t < run; t++) gx[at + t] = gx[at + t]! + g[from + t]!;
    }
  });
}

/** Concatenation along `axis`; all other dimensions must agree. */
export function concat(xs: readonly Variable[], axis = 0): Variable {
  if (!Array.isArray(xs as unknown) || xs.length === 0)
    throw new ShapeError('concat: xs must be a non-empty array of Variables');
  xs.forEach((x, i) => {
    assertVariable('concat', `xs[${i}]`, x);
  });
  const first = xs[0]!;
  const nd = first.shape.length;
  const ax = axis < 0 ? axis + nd : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= nd)
    throw new ShapeError(`concat: axis must be in [−${nd}, ${nd - 1}] (got ${axis})`);
  xs.forEach((x, i) => {
    if (x.shape.length !== nd || x.shape.some((d, k) => k !== ax && d !== first.shape[k])) {
      throw new ShapeError(
        `concat: xs[${i}] has shape [${x.shape.join(', ')}], which does not match [${first.shape.join(', ')}] outside axis ${ax}`,
      );
    }
  });
  const outer = first.shape.slice(0, ax).reduce((a, b) => a * b, 1);
  const inner = first.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const total = xs.reduce((s, x) => s + x.shape[ax]!, 0);
  const shape = [...first.shape];
  shape[ax] = total;
  const out = alloc(outer * total * inner);
  let at = 0;
  const offsets: number[] = [];
  for (const x of xs) {
    const len = x.shape[ax]! * inner;
    offsets.push(at);
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * len, (o + 1) * len), o * total * inner + at);
    at += len;
  }
  return record(out, shape, [...xs], (g) => {
    xs.forEach((x, i) => {
      if (!x.requiresGrad) return;
      const gx = gradOf(x);
      const len = x.shape[ax]! * inner;
      for (let o = 0; o < outer; o++) {
        const base = o * total * inner + offsets[i]!;
        for (let t = 0; t < len; t++) gx[o * len + t] = gx[o * len + t]! + g[base + t]!;
      }
    });
  });
}

/** The sub-range [start, end) of `axis`. */
export function slice(x: Variable, axis: number, start: number, end: number): Variable {
  assertVariable('slice', 'x', x);
  const nd = x.shape.length;
  const ax = axis < 0 ? axis + nd : axis;
  const size = x.shape[ax];
  if (
    size === undefined ||
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    end > size ||
    end < start
  ) {
    throw new ShapeError(
      `slice: need 0 ≤ start ≤ end ≤ ${size ?? '?'} on axis ${axis} of [${x.shape.join(', ')}] (got ${start}..${end})`,
    );
  }
  const outer = x.shape.slice(0, ax).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const len = (end - start) * inner;
  const shape = [...x.shape];
  shape[ax] = end - start;
  const out = alloc(outer * len);
  for (let o = 0; o < outer; o++)
    out.set(
      x.data.subarray(o * size * inner + start * inner, o * size * inner + start * inner + len),
      o * len,
    );
  return record(out, shape, [x], (g) => {
    const gx = gradOf(x);
    for (let o = 0; o < outer; o++) {
      const base = o * size * inner + start * inner;
      for (let t = 0; t < len; t++) gx[base + t] = gx[base + t]! + g[o * len + t]!;
    }
  });
}
