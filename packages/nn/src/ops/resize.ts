/**
 * Spatial resizing of [N, C, H, W] values: bilinear (either align-corners convention) and nearest.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';

function check(fn: string, x: Variable, size: readonly [number, number]): [number, number, number, number] {
  assertVariable(fn, 'x', x);
  if (x.shape.length !== 4)
    throw new ShapeError(`${fn}: x must be [N, C, H, W] (got [${x.shape.join(', ')}])`);
  if (size.length !== 2 || size.some((s) => !Number.isInteger(s) || s < 1))
    throw new ShapeError(`${fn}: size must be two positive integers (got ${JSON.stringify(size)})`);
  return x.shape as [number, number, number, number];
}

/** Source coordinate of output index i (PyTorch's conventions). */
function source(i: number, inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners) return outSize === 1 ? 0 : (i * (inSize - 1)) / (outSize - 1);
  return Math.max(0, ((i + 0.5) * inSize) / outSize - 0.5);
}

/**
 * Bilinear resize to `size` = [H', W'] as PyTorch's interpolate(mode='bilinear'): with
 * `alignCorners` the corner pixels map onto each other; without (the default) pixel centres do.
 */
export function resizeBilinear(
  x: Variable,
  size: readonly [number, number],
  options: { alignCorners?: boolean } = {},
): Variable {
  const [n, c, h, w] = check('resizeBilinear', x, size);
  const [ho, wo] = size;
  const ac = options.alignCorners ?? false;
  const taps: { i0: number; i1: number; f: number }[][] = [
    Array.from({ length: ho }, (_, i) => {
      const sy = source(i, h, ho, ac);
      const i0 = Math.min(Math.floor(sy), h - 1);
      return { i0, i1: Math.min(i0 + 1, h - 1), f: sy - i0 };
    }),
    Array.from({ length: wo }, (_, j) => {
      const sx = source(j, w, wo, ac);
      const j0 = Math.min(Math.floor(sx), w - 1);
      return { i0: j0, i1: Math.min(j0 + 1, w - 1), f: sx - j0 };
    }),
  ];
  const [ty, tx] = taps as [(typeof taps)[0], (typeof taps)[0]];
  const out = alloc(n * c * ho * wo);
  const d = x.data;
  for (let nc = 0; nc < n * c; nc++) {
    const base = nc * h * w;
    for (let i = 0; i < ho; i++) {
      const { i0, i1, f: fy } = ty[i]!;
      for (let j = 0; j < wo; j++) {
        const { i0: j0, i1: j1, f: fx } = tx[j]!;
        const top = d[base + i0 * w + j0]! * (1 - fx) + d[base + i0 * w + j1]! * fx;
        const bot = d[base + i1 * w + j0]! * (1 - fx) + d[base + i1 * w + j1]! * fx;
        out[(nc * ho + i) * wo + j] = top * (1 - fy) + bot * fy;
      }
    }
  }
  return record(out, [n, c, ho, wo], [x], (g) => {
    const gx = gradOf(x);
    for (let nc = 0; nc < n * c; nc++) {
      const base = nc * h * w;
      for (let i = 0; i < ho; i++) {
        const { i0, i1, f: fy } = ty[i]!;
        for (let j = 0; j < wo; j++) {
          const { i0: j0, i1: j1, f: fx } = tx[j]!;
          const gv = g[(nc * ho + i) * wo + j]!;
          gx[base + i0 * w + j0] = gx[base + i0 * w + j0]! + gv * (1 - fy) * (1 - fx);
          gx[base + i0 * w + j1] = gx[base + i0 * w + j1]! + gv * (1 - fy) * fx;
          gx[base + i1 * w + j0] = gx[base + i1 * w + j0]! + gv * fy * (1 - fx);
          gx[base + i1 * w + j1] = gx[base + i1 * w + j1]! + gv * fy * fx;
        }
      }
    }
  });
}

/** Nearest-neighbour resize (PyTorch's mode='nearest': source index ⌊i·in/out⌋). */
export function resizeNearest(x: Variable, size: readonly [number, number]): Variable {
  const [n, c, h, w] = check('resizeNearest', x, size);
  const [ho, wo] = size;
  const src = new Int32Array(ho * wo);
  for (let i = 0; i < ho; i++)
    for (let j = 0; j < wo; j++)
      src[i * wo + j] =
        Math.min(h - 1, Math.floor((i * h) / ho)) * w + Math.min(w - 1, Math.floor((j * w) / wo));
  const out = alloc(n * c * ho * wo);
  for (let nc = 0; nc < n * c; nc++)
    for (let t = 0; t < ho * wo; t++) out[nc * ho * wo + t] = x.data[nc * h * w + src[t]!]!;
  return record(out, [n, c, ho, wo], [x], (g) => {
    const gx = gradOf(x);
    for (let nc = 0; nc < n * c; nc++)
      for (let t = 0; t < ho * wo; t++)
        gx[nc * h * w + src[t]!] = gx[nc * h * w + src[t]!]! + g[nc * ho * wo + t]!;
  });
}
