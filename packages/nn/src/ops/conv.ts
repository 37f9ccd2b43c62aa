/**
 * 2-d convolution (stride, padding, dilation, groups) by im2col and one gemm per group over the
 * whole batch, with a direct path for 1×1 kernels.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, type Buf, gradOf, record, type Variable } from '../variable.js';
import { gemmBuf } from './blas.js';

/** Options of {@link conv2d}: single numbers apply to both directions. */
export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

function pair(
  fn: string,
  name: string,
  v: number | [number, number] | undefined,
  dflt: number,
  min: number,
): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;
  if (p.length !== 2 || p.some((x) => !Number.isInteger(x) || x < min))
    throw new ShapeError(
      `${fn}: ${name} must be an integer ≥ ${min} or a pair of them (got ${JSON.stringify(v)})`,
    );
  return p;
}

/**
 * Cross-correlation of x [N, C, H, W] with weights w [O, C/groups, kh, kw] (+ bias [O]), as
 * PyTorch's conv2d. Output [N, O, H', W'] with H' = ⌊(H + 2p − d(kh − 1) − 1)/s⌋ + 1.
 * @throws ShapeError for inconsistent shapes, groups that do not divide C and O, or an empty output
 */
export function conv2d(x: Variable, w: Variable, b?: Variable, options: Conv2dOptions = {}): Variable {
  const fn = 'conv2d';
  assertVariable(fn, 'x', x);
  assertVariable(fn, 'w', w);
  if (x.shape.length !== 4 || w.shape.length !== 4) {
    throw new ShapeError(
      `${fn}: x must be [N, C, H, W] and w [O, C/groups, kh, kw] (got [${x.shape.join(', ')}] and [${w.shape.join(', ')}])`,
    );
  }
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  const [sh, sw] = pair(fn, 'stride', options.stride, 1, 1);
  const [ph, pw] = pair(fn, 'padding', options.padding, 0, 0);
  const [dh, dw] = pair(fn, 'dilation', options.dilation, 1, 1);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0 || c / groups !== cg) {
    throw new ShapeError(
      `${fn}: groups (${groups}) must divide C (${c}) and O (${o}), and w must have C/groups = ${c / groups} input channels (got ${cg})`,
    );
  }
  if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== o))
    throw new ShapeError(`${fn}: b must be [${o}] (got [${b.shape.join(', ')}])`);
  const ho = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const wo = Math.floor((wd + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (ho <= 0 || wo <= 0)
    throw new ShapeError(
      `${fn}: the output would be empty (${ho}x${wo}) for input ${h}x${wd}, kernel ${kh}x${kw}`,
    );
  const og = o / groups;
  const kSize = cg * kh * kw;
  const p = ho * wo;
  const np = n * p;
  const xd = x.data;
  // cols[g][k][n·P + q]
  const cols = alloc(groups * kSize * np);
  for (let g = 0; g < groups; g++) {
    for (let ci = 0; ci < cg; ci++) {
      const chan = g * cg + ci;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const row = ((g * cg + ci) * kh + ki) * kw + kj;
          const rbase = row * np;
          const [owLo, owHi] = validOutputs(kj * dw - pw, sw, wd, wo);
          const shift = kj * dw - pw;
          for (let s = 0; s < n; s++) {
            const xbase = (s * c + chan) * h * wd;
            for (let oh = 0; oh < ho; oh++) {
              const ih = oh * sh - ph + ki * dh;
              const dst = rbase + s * p + oh * wo;
              if (ih < 0 || ih >= h) continue; // stays 0
              const xrow = xbase + ih * wd;
              // Outputs outside [owLo, owHi) read padding and stay 0. A plain loop: rows are short
              // (tens of values), and a subarray view per row cost more than the copy.
              const from = xrow + shift;
              if (sw === 1) for (let ow = owLo; ow < owHi; ow++) cols[dst + ow] = xd[from + ow]!;
              else for (let ow = owLo; ow < owHi; ow++) cols[dst + ow] = xd[from + ow * sw]!;
            }
          }
        }
      }
    }
  }
  const tmp = scratch(0, o * np, xd); // [g][og][n·P + q] = [O][n·P + q]
  for (let g = 0; g < groups; g++)
    gemmBuf(
      og,
      np,
      kSize,
      w.data,
      g * og * kSize,
      kSize,
      false,
      cols,
      g * kSize * np,
      np,
      false,
      tmp,
      g * og * np,
      np,
      0,
    );
  const out = alloc(n * o * p);
  for (let oc = 0; oc < o; oc++) {
    const bias = b ? b.data[oc]! : 0;
    for (let s = 0; s < n; s++) {
      const src = oc * np + s * p;
      const dst = (s * o + oc) * p;
      for (let q = 0; q < p; q++) out[dst + q] = tmp[src + q]! + bias;
    }
  }
  const parents = b ? [x, w, b] : [x, w];
  return record(out, [n, o, ho, wo], parents, (gOut) => {
    const gt = scratch(1, o * np, gOut);
    for (let oc = 0; oc < o; oc++)
      for (let s = 0; s < n; s++)
        gt.set(gOut.subarray((s * o + oc) * p, (s * o + oc + 1) * p), oc * np + s * p);
    if (b?.requiresGrad) {
      const gb = gradOf(b);
      for (let oc = 0; oc < o; oc++) {
        let acc = 0;
        for (let t = 0; t < np; t++) acc += gt[oc * np + t]!;
        gb[oc] = gb[oc]! + acc;
      }
    }
    if (w.requiresGrad) {
      // gw += gt·colsᵀ, computed as its transpose cols·gtᵀ written into gw transposed: the same
      // products summed in the same order (the same bits), with the short operand gt packed
      // instead of the long im2col block.
      const gw = gradOf(w);
      for (let g = 0; g < groups; g++)
        gemmBuf(
          kSize,
          og,
          np,
          cols,
          g * kSize * np,
          np,
          false,
          gt,
          g * og * np,
          np,
          true,
          gw,
          g * og * kSize,
          kSize,
          1,
          1,
          true,
        );
    }
    if (x.requiresGrad) {
      const dcols = scratch(2, groups * kSize * np, gOut);
      for (let g = 0; g < groups; g++)
        gemmBuf(
          kSize,
          np,
          og,
          w.data,
          g * og * kSize,
          kSize,
          true,
          gt,
          g * og * np,
          np,
          false,
          dcols,
          g * kSize * np,
          np,
          0,
        );
      col2im(dcols, gradOf(x), { n, c, h, wd, groups, cg, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo });
    }
  });
}

/**
 * Reused storage for conv2d's three temporaries (the gemm output before its transpose to NCHW, the
 * output gradient in gemm layout, the column gradient), each filled completely before it is read
 * and never held past the call that fills it: allocating them afresh, tens of MB per call at
 * segmentation sizes, kept the garbage collector busy. Slot i keeps the largest buffer asked of it.
 */
const scratchSlots: (Buf | undefined)[] = [];

function scratch(slot: number, n: number, like: Buf): Buf {
  const cur = scratchSlots[slot];
  if (cur && cur.constructor === like.constructor && cur.length >= n) return cur.subarray(0, n);
  const fresh = like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  scratchSlots[slot] = fresh;
  return fresh;
}

/**
 * The outputs ow in [lo, hi) whose input column ow·stride + shift lies inside [0, width) (the
 * others read padding).
 */
function validOutputs(shift: number, stride: number, width: number, outputs: number): [number, number] {
  const lo = Math.min(outputs, Math.max(0, Math.ceil(-shift / stride)));
  const hi = Math.max(lo, Math.min(outputs, Math.ceil((width - shift) / stride)));
  return [lo, hi];
}

function col2im(
  dcols: Buf,
  gx: Buf,
  s: {
    n: number;
    c: number;
    h: number;
    wd: number;
    groups: number;
    cg: number;
    kh: number;
    kw: number;
    sh: number;
    sw: number;
    ph: number;
    pw: number;
    dh: number;
    dw: number;
    ho: number;
    wo: number;
  },
): void {
  const { n, c, h, wd, groups, cg, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo } = s;
  const p = ho * wo;
  const np = n * p;
  for (let g = 0; g < groups; g++) {
    for (let ci = 0; ci < cg; ci++) {
      const chan = g * cg + ci;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const rbase = (((g * cg + ci) * kh + ki) * kw + kj) * np;
          const shift = kj * dw - pw;
          const [owLo, owHi] = validOutputs(shift, sw, wd, wo);
          for (let b = 0; b < n; b++) {
            const xbase = (b * c + chan) * h * wd;
            for (let oh = 0; oh < ho; oh++) {
              const ih = oh * sh - ph + ki * dh;
              if (ih < 0 || ih >= h) continue;
              const src = rbase + b * p + oh * wo;
              const to = xbase + ih * wd + shift;
              for (let ow = owLo; ow < owHi; ow++) {
                const at = to + ow * sw;
                gx[at] = gx[at]! + dcols[src + ow]!;
              }
            }
          }
        }
      }
    }
  }
}
