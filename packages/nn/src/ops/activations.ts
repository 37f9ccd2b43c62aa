/**
 * Activation functions.
 *
 * @module
 */
import { alloc, assertVariable, type Buf, gradOf, record, type Variable } from '../variable.js';
import { unary } from './broadcast.js';

/** max(x, 0). */
export function relu(x: Variable): Variable {
  // The loops of `unary` with f(v) = max(v, 0) and f′ = [v > 0] written out (same bits: the
  // gradient still adds g·1 or g·0, so NaN and −0 behave as before; no closure call per element).
  assertVariable('relu', 'x', x);
  const xd = x.data;
  const out = alloc(xd.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(xd[i]!, 0);
  return record(out, x.shape, [x], (g: Buf) => {
    const gx = gradOf(x);
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]! * (xd[i]! > 0 ? 1 : 0);
  });
}

/** x for x > 0, slope·x otherwise (default slope 0.01, as PyTorch). */
export function leakyRelu(x: Variable, slope = 0.01): Variable {
  return unary(
    'leakyRelu',
    x,
    (v) => (v > 0 ? v : slope * v),
    (v) => (v > 0 ? 1 : slope),
  );
}

/** 1/(1 + e⁻ˣ), computed without overflow. */
export function sigmoid(x: Variable): Variable {
  return unary('sigmoid', x, sigmoidValue, (_v, y) => y * (1 - y));
}

/** The logistic function for one number, stable for large |x|. */
export function sigmoidValue(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** tanh x. */
export function tanh(x: Variable): Variable {
  return unary('tanh', x, Math.tanh, (_v, y) => 1 - y * y);
}

/**
 * erf(x) by its Taylor series for |x| < 2 and the continued fraction of erfc beyond (60 terms): the
 * table's values (within 4.4e-16 of the C library's erf on a grid over [−6, 6]).
 */
function erfSeries(x: number): number {
  const a = Math.abs(x);
  if (a < 2) {
    let term = a;
    let sum = a;
    const a2 = a * a;
    for (let n = 1; n < 100; n++) {
      term *= -a2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  // erfc(a) = exp(−a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …)))) evaluated bottom-up.
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** Nodes x_k = k/32 of the erf table, up to 6 (beyond, erf rounds to ±1 in double precision). */
const ERF_NODES = 193;
const ERF_AT = Float64Array.from({ length: ERF_NODES }, (_, k) => erfSeries(k / 32));
/** erf′(x_k) = 2/√π · e^(−x_k²). */
const ERF_SLOPE = Float64Array.from(
  { length: ERF_NODES },
  (_, k) => (2 / Math.sqrt(Math.PI)) * Math.exp(-((k / 32) ** 2)),
);
const INV_FACTORIAL = Float64Array.from({ length: 24 }, (_, n) => {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return 1 / f;
});

/**
 * erf(x) to a few units in the last place: from the nearest node x_k = k/32 of a table (|h| = |x − x_k| ≤ 1/64) by
 * the Taylor series erf(x_k + h) = erf(x_k) + erf′(x_k)·Σ_{n≥1} (−1)^(n−1) H_(n−1)(x_k) hⁿ/n!, with
 * the Hermite polynomials H by their recurrence — a few multiplications per call; ±1 for |x| ≥ 6.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a === 0) return x; // ±0, as the C library
  if (!(a < 6)) return Number.isNaN(x) ? Number.NaN : x < 0 ? -1 : 1;
  const k = Math.round(a * 32);
  const xk = k / 32;
  const h = a - xk;
  let sum = h;
  let power = h;
  let hPrev = 1; // H_(n−2)
  let hPrev2 = 0; // H_(n−3)
  let small = 0; // consecutive negligible terms (a Hermite value can vanish at a node, e.g. H_1(0))
  for (let n = 2; n < 24; n++) {
    const hn = 2 * xk * hPrev - 2 * (n - 2) * hPrev2; // H_(n−1)
    hPrev2 = hPrev;
    hPrev = hn;
    power *= h;
    const t = (n % 2 === 0 ? -hn : hn) * power * INV_FACTORIAL[n]!;
    sum += t;
    small = Math.abs(t) <= 1e-17 * Math.abs(sum) ? small + 1 : 0;
    if (small === 2) break;
  }
  const r = ERF_AT[k]! + ERF_SLOPE[k]! * sum;
  return x < 0 ? -r : r;
}

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TANH_C = Math.sqrt(2 / Math.PI);

/**
 * GELU: x·Φ(x) with the exact normal CDF (PyTorch's default), or the tanh approximation
 * 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) with `approximate: 'tanh'`.
 */
export function gelu(x: Variable, options: { approximate?: 'none' | 'tanh' } = {}): Variable {
  if ((options.approximate ?? 'none') === 'tanh') {
    return unary(
      'gelu',
      x,
      (v) => 0.5 * v * (1 + Math.tanh(TANH_C * (v + 0.044715 * v * v * v))),
      (v) => {
        const u = TANH_C * (v + 0.044715 * v * v * v);
        const t = Math.tanh(u);
        return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * TANH_C * (1 + 3 * 0.044715 * v * v);
      },
    );
  }
  // The derivative Φ(v) + v·φ(v) takes Φ(v) = y/v from the stored output y = v·Φ(v) (½ at 0)
  // instead of a second erf.
  // The loops of `unary` written out (same bits, no closure call per element).
  assertVariable('gelu', 'x', x);
  const xd = x.data;
  const out = alloc(xd.length);
  for (let i = 0; i < out.length; i++) {
    const v = xd[i]!;
    out[i] = 0.5 * v * (1 + erf(v * INV_SQRT2));
  }
  return record(out, x.shape, [x], (g: Buf) => {
    const gx = gradOf(x);
    for (let i = 0; i < g.length; i++) {
      const v = xd[i]!;
      const d = (v === 0 ? 0.5 : out[i]! / v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
      gx[i] = gx[i]! + g[i]! * d;
    }
  });
}

/** SiLU (swish): x·σ(x), the activation of LLaMA's gated MLP. */
export function silu(x: Variable): Variable {
  // The loops of `unary` written out (same bits, no closure call per element); the backward pass
  // keeps σ(v) from the forward pass instead of computing it again.
  assertVariable('silu', 'x', x);
  const xd = x.data;
  const out = alloc(xd.length);
  const sig = new Float64Array(xd.length);
  for (let i = 0; i < out.length; i++) {
    const v = xd[i]!;
    const s = sigmoidValue(v);
    sig[i] = s;
    out[i] = v * s;
  }
  return record(out, x.shape, [x], (g: Buf) => {
    const gx = gradOf(x);
    for (let i = 0; i < g.length; i++) {
      const v = xd[i]!;
      const s = sig[i]!;
      gx[i] = gx[i]! + g[i]! * (s * (1 + v * (1 - s)));
    }
  });
}
