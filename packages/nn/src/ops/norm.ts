/**
 * Normalisation layers' functions: layer norm, RMS norm, group norm and 2-d batch norm.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, type Buf, gradOf, record, type Variable } from '../variable.js';

/**
 * Normalises groups of `len` consecutive elements and applies a per-channel affine map; shared by
 * layer and group norm. Elements come in runs of `run` consecutive elements sharing a channel,
 * channel (i / run) mod `channels` (layer norm: run 1; group norm: run = the spatial size); every
 * loop walks the runs, so the channel is found once per run.
 */
function normalizeGroups(
  x: Variable,
  groups: number,
  len: number,
  eps: number,
  weight: Variable | undefined,
  bias: Variable | undefined,
  run: number,
  channels: number,
): Variable {
  const d = x.data;
  const xhat = alloc(x.size);
  const invStd = new Float64Array(groups);
  const wd = weight?.data;
  const bd = bias?.data;
  const channelAt = (i0: number) => Math.floor(i0 / run) % channels;
  for (let gi = 0; gi < groups; gi++) {
    const base = gi * len;
    let m = 0;
    for (let t = 0; t < len; t++) m += d[base + t]!;
    m /= len;
    let v = 0;
    for (let t = 0; t < len; t++) v += (d[base + t]! - m) ** 2;
    v /= len;
    const is = 1 / Math.sqrt(v + eps);
    invStd[gi] = is;
    for (let t = 0; t < len; t++) xhat[base + t] = (d[base + t]! - m) * is;
  }
  const out = alloc(x.size);
  // The channel of each run is counted along (no division per run: layer norm's runs are single values).
  for (let i0 = 0, ch = 0; i0 < out.length; i0 += run, ch = ch + 1 === channels ? 0 : ch + 1) {
    const wv = wd ? wd[ch]! : 1;
    const bv = bd ? bd[ch]! : 0;
    for (let i = i0; i < i0 + run; i++) out[i] = xhat[i]! * wv + bv;
  }
  const parents = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(out, x.shape, parents, (g) => {
    if (weight?.requiresGrad || bias?.requiresGrad) {
      const gw = weight?.requiresGrad ? gradOf(weight) : null;
      const gb = bias?.requiresGrad ? gradOf(bias) : null;
      for (let i0 = 0, ch = 0; i0 < g.length; i0 += run, ch = ch + 1 === channels ? 0 : ch + 1) {
        for (let i = i0; i < i0 + run; i++) {
          if (gw) gw[ch] = gw[ch]! + g[i]! * xhat[i]!;
          if (gb) gb[ch] = gb[ch]! + g[i]!;
        }
      }
    }
    if (!x.requiresGrad) return;
    const gx = gradOf(x);
    for (let gi = 0; gi < groups; gi++) {
      const base = gi * len;
      let s1 = 0;
      let s2 = 0;
      const ch0 = channelAt(base);
      for (let i0 = base, ch = ch0; i0 < base + len; i0 += run, ch = ch + 1 === channels ? 0 : ch + 1) {
        const wv = wd ? wd[ch]! : 1;
        for (let i = i0; i < i0 + run; i++) {
          const gy = g[i]! * wv;
          s1 += gy;
          s2 += gy * xhat[i]!;
        }
      }
      const is = invStd[gi]!;
      for (let i0 = base, ch = ch0; i0 < base + len; i0 += run, ch = ch + 1 === channels ? 0 : ch + 1) {
        const wv = wd ? wd[ch]! : 1;
        for (let i = i0; i < i0 + run; i++) {
          const gy = g[i]! * wv;
          gx[i] = gx[i]! + (is / len) * (len * gy - s1 - xhat[i]! * s2);
        }
      }
    }
  });
}

/**
 * RMS norm over groups of `normalizedSize` consecutive elements (the last dimensions):
 * y = x / √(mean(x²) + ε) · w, as LLaMA's RMSNorm (no mean subtraction, no bias).
 * @throws ShapeError when normalizedSize does not divide x or the weight has another size
 */
export function rmsNorm(x: Variable, normalizedSize: number, weight?: Variable, eps = 1e-6): Variable {
  assertVariable('rmsNorm', 'x', x);
  if (!Number.isInteger(normalizedSize) || normalizedSize < 1 || x.size % normalizedSize !== 0)
    throw new ShapeError(`rmsNorm: normalizedSize ${normalizedSize} must divide the ${x.size} elements of x`);
  if (weight && weight.size !== normalizedSize)
    throw new ShapeError(`rmsNorm: weight must have ${normalizedSize} elements (got ${weight.size})`);
  const len = normalizedSize;
  const groups = x.size / len;
  const d = x.data;
  const inv = new Float64Array(groups);
  const xhat = alloc(x.size);
  const out = alloc(x.size);
  for (let gi = 0; gi < groups; gi++) {
    const base = gi * len;
    let ss = 0;
    for (let t = 0; t < len; t++) ss += d[base + t]! * d[base + t]!;
    const r = 1 / Math.sqrt(ss / len + eps);
    inv[gi] = r;
    for (let t = 0; t < len; t++) {
      xhat[base + t] = d[base + t]! * r;
      out[base + t] = xhat[base + t]! * (weight ? weight.data[t]! : 1);
    }
  }
  return record(out, x.shape, weight ? [x, weight] : [x], (g) => {
    if (weight?.requiresGrad) {
      const gw = gradOf(weight);
      for (let i = 0; i < g.length; i++) gw[i % len] = gw[i % len]! + g[i]! * xhat[i]!;
    }
    if (!x.requiresGrad) return;
    const gx = gradOf(x);
    // dx = r·(gy − x̂·mean(gy ⊙ x̂)) with gy = g ⊙ w.
    for (let gi = 0; gi < groups; gi++) {
      const base = gi * len;
      let dot = 0;
      for (let t = 0; t < len; t++) dot += g[base + t]! * (weight ? weight.data[t]! : 1) * xhat[base + t]!;
      dot /= len;
      const r = inv[gi]!;
      for (let t = 0; t < len; t++) {
        const gy = g[base + t]! * (weight ? weight.data[t]! : 1);
        gx[base + t] = gx[base + t]! + r * (gy - xhat[base + t]! * dot);
      }
    }
  });
}

/**
 * Layer norm over the last `normalized` dimensions (their product D): y = (x − μ)/√(σ² + ε)·γ + β
 * with γ, β of D elements.
 */
export function layerNorm(
  x: Variable,
  normalizedSize: number,
  weight?: Variable,
  bias?: Variable,
  eps = 1e-5,
): Variable {
  assertVariable('layerNorm', 'x', x);
  if (!Number.isInteger(normalizedSize) || normalizedSize < 1 || x.size % normalizedSize !== 0) {
    throw new ShapeError(
      `layerNorm: normalizedSize ${normalizedSize} must divide the ${x.size} elements of x`,
    );
  }
  for (const [name, p] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (p && p.size !== normalizedSize)
      throw new ShapeError(`layerNorm: ${name} must have ${normalizedSize} elements (got ${p.size})`);
  }
  return normalizeGroups(x, x.size / normalizedSize, normalizedSize, eps, weight, bias, 1, normalizedSize);
}

/** Group norm of x [N, C, …] with C/groups channels per group, and per-channel γ, β. */
export function groupNorm(
  x: Variable,
  groups: number,
  weight?: Variable,
  bias?: Variable,
  eps = 1e-5,
): Variable {
  assertVariable('groupNorm', 'x', x);
  const [n, c] = x.shape as [number, number];
  if (x.shape.length < 2 || !Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw new ShapeError(
      `groupNorm: groups (${groups}) must divide the channels of x [N, C, …] (got [${x.shape.join(', ')}])`,
    );
  }
  for (const [name, p] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (p && p.size !== c) throw new ShapeError(`groupNorm: ${name} must have ${c} elements (got ${p.size})`);
  }
  const spatial = x.size / (n * c);
  return normalizeGroups(x, n * groups, (c / groups) * spatial, eps, weight, bias, spatial, c);
}

/** Running statistics of a batch norm layer (updated in place in training mode). */
export interface BatchNormState {
  runningMean: Float64Array;
  runningVar: Float64Array;
}

/**
 * Batch norm over N, H, W of x [N, C, H, W]. In training mode the batch statistics normalise
 * (biased variance) and the running ones are updated with `momentum` (unbiased variance, as
 * PyTorch); otherwise the running statistics are used as constants.
 */
export function batchNorm2d(
  x: Variable,
  state: BatchNormState,
  weight: Variable | undefined,
  bias: Variable | undefined,
  options: { training: boolean; momentum?: number; eps?: number },
): Variable {
  assertVariable('batchNorm2d', 'x', x);
  if (x.shape.length !== 4)
    throw new ShapeError(`batchNorm2d: x must be [N, C, H, W] (got [${x.shape.join(', ')}])`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (state.runningMean.length !== c || state.runningVar.length !== c)
    throw new ShapeError(`batchNorm2d: running statistics must have ${c} entries`);
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  const hw = h * w;
  const count = n * hw;
  const mean = new Float64Array(c);
  const invStd = new Float64Array(c);
  const d = x.data;
  for (let ch = 0; ch < c; ch++) {
    if (options.training) {
      let m = 0;
      for (let s = 0; s < n; s++) for (let t = 0; t < hw; t++) m += d[(s * c + ch) * hw + t]!;
      m /= count;
      let v = 0;
      for (let s = 0; s < n; s++) for (let t = 0; t < hw; t++) v += (d[(s * c + ch) * hw + t]! - m) ** 2;
      v /= count;
      mean[ch] = m;
      invStd[ch] = 1 / Math.sqrt(v + eps);
      state.runningMean[ch] = (1 - momentum) * state.runningMean[ch]! + momentum * m;
      state.runningVar[ch] =
        (1 - momentum) * state.runningVar[ch]! + momentum * (count > 1 ? (v * count) / (count - 1) : v);
    } else {
      mean[ch] = state.runningMean[ch]!;
      invStd[ch] = 1 / Math.sqrt(state.runningVar[ch]! + eps);
    }
  }
  const xhat: Buf = alloc(x.size);
  const out = alloc(x.size);
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      const gw = weight ? weight.data[ch]! : 1;
      const gb = bias ? bias.data[ch]! : 0;
      for (let t = 0; t < hw; t++) {
        const i = (s * c + ch) * hw + t;
        xhat[i] = (d[i]! - mean[ch]!) * invStd[ch]!;
        out[i] = xhat[i]! * gw + gb;
      }
    }
  }
  const parents = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(out, x.shape, parents, (g) => {
    const gwb = weight?.requiresGrad ? gradOf(weight) : null;
    const gbb = bias?.requiresGrad ? gradOf(bias) : null;
    const gx = x.requiresGrad ? gradOf(x) : null;
    for (let ch = 0; ch < c; ch++) {
      const gw = weight ? weight.data[ch]! : 1;
      let s1 = 0;
      let s2 = 0;
      for (let s = 0; s < n; s++) {
        for (let t = 0; t < hw; t++) {
          const i = (s * c + ch) * hw + t;
          s1 += g[i]!;
          s2 += g[i]! * xhat[i]!;
        }
      }
      if (gwb) gwb[ch] = gwb[ch]! + s2;
      if (gbb) gbb[ch] = gbb[ch]! + s1;
      if (!gx) continue;
      const is = invStd[ch]!;
      for (let s = 0; s < n; s++) {
        for (let t = 0; t < hw; t++) {
          const i = (s * c + ch) * hw + t;
          gx[i] = options.training
            ? gx[i]! + ((gw * is) / count) * (count * g[i]! - s1 - xhat[i]! * s2)
            : gx[i]! + gw * is * g[i]!;
        }
      }
    }
  });
}
