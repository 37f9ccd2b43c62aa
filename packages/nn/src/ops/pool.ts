/**
 * Max and average pooling, global average pooling.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';

/** Options of the pooling functions (PyTorch's defaults: stride = kernel, padding 0). */
export interface PoolOptions {
  stride?: number;
  padding?: number;
}

function plan(fn: string, x: Variable, k: number, options: PoolOptions) {
  assertVariable(fn, 'x', x);
  if (x.shape.length !== 4)
    throw new ShapeError(`${fn}: x must be [N, C, H, W] (got [${x.shape.join(', ')}])`);
  const s = options.stride ?? k;
  const pad = options.padding ?? 0;
  if (
    ![k, s].every((v) => Number.isInteger(v) && v >= 1) ||
    !Number.isInteger(pad) ||
    pad < 0 ||
    pad > k / 2
  ) {
    throw new ShapeError(
      `${fn}: kernel and stride must be positive integers and padding in [0, kernel/2] (got ${k}, ${s}, ${pad})`,
    );
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const ho = Math.floor((h + 2 * pad - k) / s) + 1;
  const wo = Math.floor((w + 2 * pad - k) / s) + 1;
  if (ho <= 0 || wo <= 0)
    throw new ShapeError(`${fn}: the output would be empty for input ${h}x${w} and kernel ${k}`);
  return { n, c, h, w, s, pad, ho, wo };
}

/** Max pooling with a k×k window; the gradient goes to the (first) maximum of each window. */
export function maxPool2d(x: Variable, kernel: number, options: PoolOptions = {}): Variable {
  const { n, c, h, w, s, pad, ho, wo } = plan('maxPool2d', x, kernel, options);
  const out = alloc(n * c * ho * wo);
  const arg = new Int32Array(out.length);
  const d = x.data;
  for (let nc = 0; nc < n * c; nc++) {
    const base = nc * h * w;
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let best = Number.NEGATIVE_INFINITY;
        let bi = -1;
        for (let ki = 0; ki < kernel; ki++) {
          const ih = oh * s - pad + ki;
          if (ih < 0 || ih >= h) continue;
          for (let kj = 0; kj < kernel; kj++) {
            const iw = ow * s - pad + kj;
            if (iw < 0 || iw >= w) continue;
            const v = d[base + ih * w + iw]!;
            if (v > best || bi < 0) {
              best = v;
              bi = base + ih * w + iw;
            }
          }
        }
        const o = (nc * ho + oh) * wo + ow;
        out[o] = best;
        arg[o] = bi;
      }
    }
  }
  return record(out, [n, c, ho, wo], [x], (g) => {
    const gx = gradOf(x);
    for (let o = 0; o < g.length; o++) gx[arg[o]!] = gx[arg[o]!]! + g[o]!;
  });
}

/** Average pooling with a k×k window (padding counts as zeros, as PyTorch's count_include_pad). */
export function avgPool2d(x: Variable, kernel: number, options: PoolOptions = {}): Variable {
  const { n, c, h, w, s, pad, ho, wo } = plan('avgPool2d', x, kernel, options);
  const out = alloc(n * c * ho * wo);
  const d = x.data;
  const inv = 1 / (kernel * kernel);
  const visit = (f: (o: number, i: number) => void) => {
    for (let nc = 0; nc < n * c; nc++) {
      for (let oh = 0; oh < ho; oh++) {
        for (let ow = 0; ow < wo; ow++) {
          const o = (nc * ho + oh) * wo + ow;
          for (let ki = 0; ki < kernel; ki++) {
            const ih = oh * s - pad + ki;
            if (ih < 0 || ih >= h) continue;
            for (let kj = 0; kj < kernel; kj++) {
              const iw = ow * s - pad + kj;
              if (iw >= 0 && iw < w) f(o, nc * h * w + ih * w + iw);
            }
          }
        }
      }
    }
  };
  visit((o, i) => {
    out[o] = out[o]! + d[i]! * inv;
  });
  return record(out, [n, c, ho, wo], [x], (g) => {
    const gx = gradOf(x);
    visit((o, i) => {
      gx[i] = gx[i]! + g[o]! * inv;
    });
  });
}

/** The mean over H and W: [N, C, H, W] → [N, C]. */
export function globalAvgPool2d(x: Variable): Variable {
  assertVariable('globalAvgPool2d', 'x', x);
  if (x.shape.length !== 4)
    throw new ShapeError(`globalAvgPool2d: x must be [N, C, H, W] (got [${x.shape.join(', ')}])`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const hw = h * w;
  const out = alloc(n * c);
  for (let i = 0; i < n * c; i++) {
    let s = 0;
    for (let t = 0; t < hw; t++) s += x.data[i * hw + t]!;
    out[i] = s / hw;
  }
  return record(out, [n, c], [x], (g) => {
    const gx = gradOf(x);
    for (let i = 0; i < n * c; i++)
      for (let t = 0; t < hw; t++) gx[i * hw + t] = gx[i * hw + t]! + g[i]! / hw;
  });
}
