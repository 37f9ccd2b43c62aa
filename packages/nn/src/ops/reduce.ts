/**
 * Sums and means over all elements or over chosen axes.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';

function normalizeAxes(fn: string, axes: number | readonly number[] | undefined, nd: number): number[] {
  if (axes === undefined) return Array.from({ length: nd }, (_, i) => i);
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => (a < 0 ? a + nd : a));
  if (list.some((a) => !Number.isInteger(a) || a < 0 || a >= nd) || new Set(list).size !== list.length) {
    throw new ShapeError(
      `${fn}: axes must be distinct integers in [−${nd}, ${nd - 1}] (got ${JSON.stringify(axes)})`,
    );
  }
  return list.sort((a, b) => a - b);
}

/** Shape bookkeeping: for each input index, the output index after summing `axes`. */
function reducePlan(
  shape: readonly number[],
  axes: number[],
): { outShape: number[]; map: (i: number) => number; total: number } {
  const keep = shape.map((_, k) => !axes.includes(k));
  const outShape = shape.filter((_, k) => keep[k]);
  const outStrides = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    if (keep[k]) {
      outStrides[k] = s;
      s *= shape[k]!;
    }
  }
  const inStrides = new Array<number>(shape.length);
  s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    inStrides[k] = s;
    s *= shape[k]!;
  }
  const total = s;
  const map = (i: number): number => {
    let o = 0;
    for (let k = 0; k < shape.length; k++) {
      const ik = Math.floor(i / inStrides[k]!) % shape[k]!;
      o += ik * outStrides[k]!;
    }
    return o;
  };
  return { outShape, map, total };
}

/**
 * Σ over `axes` (all by default). `keepDims` keeps the reduced axes with size 1.
 * @throws ShapeError for invalid axes
 */
export function sum(
  x: Variable,
  axes?: number | readonly number[],
  options: { keepDims?: boolean } = {},
): Variable {
  assertVariable('sum', 'x', x);
  const ax = normalizeAxes('sum', axes, x.shape.length);
  const keepDims = options.keepDims ?? false;
  if (ax.length === x.shape.length) {
    let s = 0;
    for (let i = 0; i < x.data.length; i++) s += x.data[i]!;
    const out = alloc(1);
    out[0] = s;
    const shape = keepDims ? x.shape.map(() => 1) : [];
    return record(out, shape, [x], (g) => {
      const gx = gradOf(x);
      const gv = g[0]!;
      for (let i = 0; i < gx.length; i++) gx[i] = gx[i]! + gv;
    });
  }
  const { outShape, map, total } = reducePlan(x.shape, ax);
  const index = new Int32Array(total);
  for (let i = 0; i < total; i++) index[i] = map(i);
  const out = alloc(outShape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < total; i++) out[index[i]!] = out[index[i]!]! + x.data[i]!;
  const shape = keepDims ? x.shape.map((d, k) => (ax.includes(k) ? 1 : d)) : outShape;
  return record(out, shape, [x], (g) => {
    const gx = gradOf(x);
    for (let i = 0; i < total; i++) gx[i] = gx[i]! + g[index[i]!]!;
  });
}

/** The mean over `axes` (all by default). */
export function mean(
  x: Variable,
  axes?: number | readonly number[],
  options: { keepDims?: boolean } = {},
): Variable {
  const ax = normalizeAxes('mean', axes, x.shape.length);
  const count = ax.reduce((p, k) => p * x.shape[k]!, 1);
  if (count === 0)
    throw new ShapeError(`mean: cannot average over an empty axis (shape [${x.shape.join(', ')}])`);
  const s = sum(x, ax, options);
  const out = alloc(s.data.length);
  for (let i = 0; i < out.length; i++) out[i] = s.data[i]! / count;
  return record(out, s.shape, [s], (g) => {
    const gs = gradOf(s);
    for (let i = 0; i < g.length; i++) gs[i] = gs[i]! + g[i]! / count;
  });
}
