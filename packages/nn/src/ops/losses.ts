/**
 * Loss functions with PyTorch's conventions: cross-entropy (ignore index, class weights, label
 * smoothing), binary cross-entropy with logits (soft targets, element weights, positive weight),
 * mean squared error and KL divergence. Targets are constants (no gradient flows into them).
 *
 * @module
 */
import { DomainError, ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, Variable } from '../variable.js';
import { sigmoidValue } from './activations.js';
import { logSumExp } from './softmax.js';

/** How per-element losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

function assertReduction(fn: string, r: unknown): asserts r is Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none')
    throw new DomainError(`${fn}: reduction must be "mean", "sum" or "none" (got ${JSON.stringify(r)})`);
}

function values(fn: string, name: string, t: Variable | ArrayLike<number>, size: number): ArrayLike<number> {
  const d = t instanceof Variable ? t.data : t;
  if (d.length !== size)
    throw new ShapeError(`${fn}: ${name} must have ${size} elements like the input (got ${d.length})`);
  return d;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Targets equal to this are ignored (default −100). */
  ignoreIndex?: number;
  /** Per-class weights (length C). */
  weight?: ArrayLike<number>;
  /** ε in [0, 1): the target becomes (1 − ε)·one-hot + ε/C. */
  labelSmoothing?: number;
  /** Default `'mean'`: Σ losses / Σ weights of the counted targets. */
  reduction?: Reduction;
}

/**
 * Cross-entropy between logits [N, C] (or [N, C, d₁, …]) and integer targets [N] (or [N, d₁, …]),
 * through a fused, stable log-softmax over the class axis.
 * @throws ShapeError when the targets do not fit; DomainError for a target outside [0, C) that is
 *   not the ignore index, or when every target is ignored with reduction 'mean'
 */
export function crossEntropy(
  logits: Variable,
  targets: ArrayLike<number>,
  options: CrossEntropyOptions = {},
): Variable {
  const fn = 'crossEntropy';
  assertVariable(fn, 'logits', logits);
  if (logits.shape.length < 2)
    throw new ShapeError(`${fn}: logits must be [N, C, …] (got [${logits.shape.join(', ')}])`);
  const reduction = options.reduction ?? 'mean';
  assertReduction(fn, reduction);
  const ignore = options.ignoreIndex ?? -100;
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) throw new DomainError(`${fn}: labelSmoothing must lie in [0, 1) (got ${eps})`);
  const n = logits.shape[0]!;
  const c = logits.shape[1]!;
  const inner = logits.shape.slice(2).reduce((a, b) => a * b, 1);
  if (targets.length !== n * inner)
    throw new ShapeError(`${fn}: targets must have ${n * inner} entries (N·spatial) (got ${targets.length})`);
  const w = options.weight;
  if (w !== undefined && w.length !== c)
    throw new ShapeError(`${fn}: weight must have one entry per class (${c}) (got ${w.length})`);
  let wSum = 0;
  for (let k = 0; k < c; k++) wSum += w ? w[k]! : 1;
  const d = logits.data;
  const m = n * inner;
  const losses = new Float64Array(m);
  const lsm = new Float64Array(n * c * inner);
  let denom = 0;
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < inner; s++) {
      const pos = i * inner + s;
      const y = targets[pos]!;
      if (y === ignore) continue;
      if (!Number.isInteger(y) || y < 0 || y >= c)
        throw new DomainError(
          `${fn}: target ${pos} is ${y}, outside [0, ${c}) and not the ignore index ${ignore}`,
        );
      const base = i * c * inner + s;
      const lse = logSumExp(d, base, c, inner);
      let smooth = 0;
      for (let k = 0; k < c; k++) {
        const l = d[base + k * inner]! - lse;
        lsm[base + k * inner] = l;
        smooth += (w ? w[k]! : 1) * l;
      }
      const wy = w ? w[y]! : 1;
      losses[pos] = -(1 - eps) * wy * lsm[base + y * inner]! - (eps / c) * smooth;
      denom += wy;
    }
  }
  if (reduction === 'mean' && denom === 0)
    throw new DomainError(`${fn}: every target is ignored, so the mean loss is undefined`);
  const out = reduction === 'none' ? alloc(m) : alloc(1);
  if (reduction === 'none') for (let p = 0; p < m; p++) out[p] = losses[p]!;
  else {
    let s = 0;
    for (let p = 0; p < m; p++) s += losses[p]!;
    out[0] = reduction === 'mean' ? s / denom : s;
  }
  const shape = reduction === 'none' ? [n, ...logits.shape.slice(2)] : [];
  return record(out, shape, [logits], (g) => {
    const gx = gradOf(logits);
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < inner; s++) {
        const pos = i * inner + s;
        const y = targets[pos]!;
        if (y === ignore) continue;
        const up = reduction === 'none' ? g[pos]! : reduction === 'mean' ? g[0]! / denom : g[0]!;
        const base = i * c * inner + s;
        const a = (1 - eps) * (w ? w[y]! : 1);
        const b = eps / c;
        for (let k = 0; k < c; k++) {
          const p = Math.exp(lsm[base + k * inner]!);
          const grad = a * (p - (k === y ? 1 : 0)) + b * (wSum * p - (w ? w[k]! : 1));
          gx[base + k * inner] = gx[base + k * inner]! + up * grad;
        }
      }
    }
  });
}

/** Options of {@link bceWithLogits}. */
export interface BceOptions {
  /** Per-element weights (same size as the logits). */
  weight?: ArrayLike<number>;
  /** Weight of the positive term (a scalar), as PyTorch's pos_weight. */
  posWeight?: number;
  /** Default `'mean'` over all elements. */
  reduction?: Reduction;
}

/**
 * Binary cross-entropy on logits with soft targets t ∈ [0, 1]:
 * ℓ = w·[(1 − t)·x + (1 + (p − 1)t)·log(1 + e⁻ˣ)], computed stably.
 * @throws ShapeError when targets or weights do not match the logits; DomainError for targets outside [0, 1]
 */
export function bceWithLogits(
  logits: Variable,
  targets: Variable | ArrayLike<number>,
  options: BceOptions = {},
): Variable {
  const fn = 'bceWithLogits';
  assertVariable(fn, 'logits', logits);
  const reduction = options.reduction ?? 'mean';
  assertReduction(fn, reduction);
  const n = logits.size;
  const t = values(fn, 'targets', targets, n);
  const w = options.weight === undefined ? undefined : values(fn, 'weight', options.weight, n);
  const pw = options.posWeight ?? 1;
  const x = logits.data;
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    if (!(ti >= 0 && ti <= 1)) throw new DomainError(`${fn}: target ${i} is ${ti}, outside [0, 1]`);
    const xi = x[i]!;
    const softplusNeg = Math.max(-xi, 0) + Math.log1p(Math.exp(-Math.abs(xi))); // log(1 + e^{−x})
    losses[i] = (w ? w[i]! : 1) * ((1 - ti) * xi + (1 + (pw - 1) * ti) * softplusNeg);
  }
  const out = reduction === 'none' ? alloc(n) : alloc(1);
  if (reduction === 'none') for (let i = 0; i < n; i++) out[i] = losses[i]!;
  else {
    let s = 0;
    for (let i = 0; i < n; i++) s += losses[i]!;
    out[0] = reduction === 'mean' ? s / Math.max(1, n) : s;
  }
  return record(out, reduction === 'none' ? logits.shape : [], [logits], (g) => {
    const gx = gradOf(logits);
    for (let i = 0; i < n; i++) {
      const up = reduction === 'none' ? g[i]! : reduction === 'mean' ? g[0]! / n : g[0]!;
      const ti = t[i]!;
      const grad = 1 - ti - (1 + (pw - 1) * ti) * sigmoidValue(-x[i]!);
      gx[i] = gx[i]! + up * (w ? w[i]! : 1) * grad;
    }
  });
}

/** Mean squared error (or sum / per element). */
export function mse(
  pred: Variable,
  target: Variable | ArrayLike<number>,
  options: { reduction?: Reduction } = {},
): Variable {
  const fn = 'mse';
  assertVariable(fn, 'pred', pred);
  const reduction = options.reduction ?? 'mean';
  assertReduction(fn, reduction);
  const n = pred.size;
  const t = values(fn, 'target', target, n);
  const p = pred.data;
  const out = reduction === 'none' ? alloc(n) : alloc(1);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i]! - t[i]!;
    if (reduction === 'none') out[i] = d * d;
    else s += d * d;
  }
  if (reduction !== 'none') out[0] = reduction === 'mean' ? s / Math.max(1, n) : s;
  return record(out, reduction === 'none' ? pred.shape : [], [pred], (g) => {
    const gp = gradOf(pred);
    for (let i = 0; i < n; i++) {
      const up = reduction === 'none' ? g[i]! : reduction === 'mean' ? g[0]! / n : g[0]!;
      gp[i] = gp[i]! + up * 2 * (p[i]! - t[i]!);
    }
  });
}

/**
 * KL(target ‖ q) for log-probabilities `input` = log q and probabilities `target` (PyTorch's
 * kl_div): Σ t·(log t − input), with 0·log 0 = 0. `'batchmean'` divides by the first dimension.
 */
export function klDiv(
  input: Variable,
  target: Variable | ArrayLike<number>,
  options: { reduction?: Reduction | 'batchmean' } = {},
): Variable {
  const fn = 'klDiv';
  assertVariable(fn, 'input', input);
  const reduction = options.reduction ?? 'batchmean';
  if (reduction !== 'batchmean') assertReduction(fn, reduction);
  const n = input.size;
  const t = values(fn, 'target', target, n);
  const x = input.data;
  let s = 0;
  const out = reduction === 'none' ? alloc(n) : alloc(1);
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    if (ti < 0) throw new DomainError(`${fn}: target ${i} is ${ti}; probabilities must be ≥ 0`);
    const v = ti > 0 ? ti * (Math.log(ti) - x[i]!) : 0;
    if (reduction === 'none') out[i] = v;
    else s += v;
  }
  const divisor =
    reduction === 'batchmean' ? Math.max(1, input.shape[0] ?? 1) : reduction === 'mean' ? Math.max(1, n) : 1;
  if (reduction !== 'none') out[0] = s / divisor;
  return record(out, reduction === 'none' ? input.shape : [], [input], (g) => {
    const gi = gradOf(input);
    for (let i = 0; i < n; i++) {
      const up = reduction === 'none' ? g[i]! : g[0]! / divisor;
      gi[i] = gi[i]! - up * t[i]!;
    }
  });
}
