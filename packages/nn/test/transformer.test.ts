/**
 * The transformer building blocks: gradients against float64 central differences (properties
 * over shapes and seeds), and values against naive reference formulas written out here.
 */
import { Rng } from '@numts/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Conv1D,
  MultiHeadAttention,
  noGrad,
  RMSNorm,
  rmsNorm,
  rotaryEmbedding,
  scaledDotProductAttention,
  setDefaultDtype,
  silu,
  swiGlu,
  Variable,
} from '../src/index.js';
import { gradCheck, randVar } from './gradcheck.js';

beforeAll(() => setDefaultDtype('float64'));
afterAll(() => setDefaultDtype('float32'));

/** Naive attention for one batch and head: softmax over allowed keys, then the weighted values. */
function naiveAttention(
  q: Variable,
  k: Variable,
  v: Variable,
  opts: { causal?: boolean; keyMask?: number[] },
): number[] {
  const [B, H, T, D] = q.shape as number[];
  const [, Hkv, S] = k.shape as number[];
  const Dv = v.shape[3]!;
  const out: number[] = [];
  for (let b = 0; b < B!; b++)
    for (let h = 0; h < H!; h++) {
      const kh = Math.floor(h / (H! / Hkv!));
      for (let t = 0; t < T!; t++) {
        const scores: number[] = [];
        for (let s = 0; s < S!; s++) {
          let dot = 0;
          for (let d = 0; d < D!; d++)
            dot += q.data[((b * H! + h) * T! + t) * D! + d]! * k.data[((b * Hkv! + kh) * S! + s) * D! + d]!;
          const allowed = (!opts.causal || s <= t + S! - T!) && opts.keyMask?.[b * S! + s] !== 0;
          scores.push(allowed ? dot / Math.sqrt(D!) : Number.NEGATIVE_INFINITY);
        }
        const m = Math.max(...scores);
        const e = scores.map((x) => Math.exp(x - m));
        const z = e.reduce((a, c) => a + c, 0);
        for (let d = 0; d < Dv; d++) {
          let acc = 0;
          for (let s = 0; s < S!; s++) acc += (e[s]! / z) * v.data[((b * Hkv! + kh) * S! + s) * Dv + d]!;
          out.push(acc);
        }
      }
    }
  return out;
}

const dims = fc.record({
  B: fc.integer({ min: 1, max: 2 }),
  Hkv: fc.integer({ min: 1, max: 2 }),
  group: fc.integer({ min: 1, max: 2 }),
  T: fc.integer({ min: 1, max: 4 }),
  D: fc.constantFrom(2, 4),
  causal: fc.boolean(),
  masked: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1000 }),
});

describe('scaledDotProductAttention', () => {
  it('equals the naive formula (causal, key padding, grouped-query heads)', () => {
    fc.assert(
      fc.property(dims, ({ B, Hkv, group, T, D, causal, masked, seed }) => {
        const rng = new Rng(seed);
        const H = Hkv * group;
        const q = randVar(rng, [B, H, T, D]);
        const k = randVar(rng, [B, Hkv, T, D]);
        const v = randVar(rng, [B, Hkv, T, 3]);
        const keyMask = masked
          ? Array.from({ length: B * T }, (_, i) => (i % T === T - 1 && T > 1 ? 0 : 1))
          : undefined;
        const got = Array.from(
          scaledDotProductAttention(q, k, v, { causal, ...(keyMask ? { keyMask } : {}) }).data,
        );
        const want = naiveAttention(q, k, v, { causal, ...(keyMask ? { keyMask } : {}) });
        for (const [i, x] of got.entries()) expect(Math.abs(x - want[i]!)).toBeLessThan(1e-12);
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('gradients of q, k and v equal central differences', () => {
    fc.assert(
      fc.property(dims, ({ B, Hkv, group, T, D, causal, masked, seed }) => {
        const rng = new Rng(seed);
        const H = Hkv * group;
        const q = randVar(rng, [B, H, T, D]);
        const k = randVar(rng, [B, Hkv, T, D]);
        const v = randVar(rng, [B, Hkv, T, 2]);
        const keyMask = masked
          ? Array.from({ length: B * T }, (_, i) => (i % T === 0 && T > 1 ? 0 : 1))
          : undefined;
        gradCheck(
          (a, b, c) => scaledDotProductAttention(a!, b!, c!, { causal, ...(keyMask ? { keyMask } : {}) }),
          [q, k, v],
          {
            seed,
            maxChecks: 20,
          },
        );
      }),
      { numRuns: 25, seed: 4 },
    );
  });

  it('a query whose keys are all masked attends uniformly (as an additive float32-min mask does)', () => {
    const rng = new Rng(2);
    const q = randVar(rng, [1, 1, 1, 2], { requiresGrad: false });
    const k = randVar(rng, [1, 1, 3, 2], { requiresGrad: false });
    const v = Variable.from([1, 2, 3], [1, 1, 3, 1]);
    expect(scaledDotProductAttention(q, k, v, { keyMask: [0, 0, 0] }).data[0]).toBeCloseTo(2, 12);
  });

  it('rejects shapes that do not fit, naming them', () => {
    const a = Variable.zeros([1, 3, 2, 4]);
    expect(() =>
      scaledDotProductAttention(a, Variable.zeros([1, 2, 2, 4]), Variable.zeros([1, 2, 2, 4])),
    ).toThrow(/the 3 query heads must be a multiple of the 2 key\/value heads/);
    expect(() => scaledDotProductAttention(a, a, a, { keyMask: [1, 1, 1] })).toThrow(
      /keyMask must have batch × keys = 2 values/,
    );
  });
});

describe('rmsNorm, rotaryEmbedding, silu, swiGlu, Conv1D', () => {
  it('rmsNorm equals x / √(mean x² + ε) · w, with gradients', () => {
    const rng = new Rng(5);
    const x = randVar(rng, [3, 4]);
    const w = randVar(rng, [4]);
    const y = rmsNorm(x, 4, w, 1e-6);
    for (let r = 0; r < 3; r++) {
      const row = Array.from(x.data.subarray(r * 4, r * 4 + 4));
      const rms = Math.sqrt(row.reduce((a, b) => a + b * b, 0) / 4 + 1e-6);
      for (const [j, v] of row.entries()) expect(y.data[r * 4 + j]).toBeCloseTo((v / rms) * w.data[j]!, 12);
    }
    gradCheck((a, b) => rmsNorm(a!, 4, b!, 1e-6), [x, w]);
    gradCheck((a) => new RMSNorm(4).forward(a!), [randVar(rng, [2, 4])]);
  });

  it('rotaryEmbedding rotates the half-split pairs by pos·θ^(−2j/D), keeps norms, and has the inverse as gradient', () => {
    const rng = new Rng(6);
    const x = randVar(rng, [1, 2, 3, 4]);
    const y = rotaryEmbedding(x, { theta: 100 });
    // Position 2, pair j = 1 of head 0: angle 2·100^(−1/2).
    const a = Math.fround(2 * Math.fround(1 / 100 ** 0.5));
    const [x1, x2] = [x.data[2 * 4 + 1]!, x.data[2 * 4 + 3]!];
    expect(y.data[2 * 4 + 1]).toBeCloseTo(x1 * Math.cos(a) - x2 * Math.sin(a), 12);
    expect(y.data[2 * 4 + 3]).toBeCloseTo(x2 * Math.cos(a) + x1 * Math.sin(a), 12);
    for (let t = 0; t < 6; t++) {
      const n0 = Math.hypot(...x.data.subarray(t * 4, t * 4 + 4));
      const n1 = Math.hypot(...y.data.subarray(t * 4, t * 4 + 4));
      expect(n1).toBeCloseTo(n0, 12);
    }
    gradCheck((v) => rotaryEmbedding(v!, { positions: [3, 7, 11] }), [x]);
  });

  it('gradients of rmsNorm, rotaryEmbedding and swiGlu over random shapes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(2, 4, 6),
        fc.constantFrom(10, 100, 10000),
        fc.integer({ min: 0, max: 1000 }),
        (rows, t, d, theta, seed) => {
          const rng = new Rng(seed);
          gradCheck((a, w) => rmsNorm(a!, d, w!, 1e-6), [randVar(rng, [rows, d]), randVar(rng, [d])], {
            seed,
            maxChecks: 12,
          });
          const positions = Array.from({ length: t }, () => rng.int(0, 50));
          gradCheck((a) => rotaryEmbedding(a!, { theta, positions }), [randVar(rng, [1, rows, t, d])], {
            seed,
            maxChecks: 12,
          });
          gradCheck((a, b) => swiGlu(a!, b!), [randVar(rng, [rows, d]), randVar(rng, [rows, d])], {
            seed,
            maxChecks: 12,
          });
        },
      ),
      { numRuns: 30, seed: 11 },
    );
  });

  it('silu and swiGlu have the formulas and gradients', () => {
    const rng = new Rng(7);
    const x = randVar(rng, [5]);
    const y = silu(x);
    for (const [i, v] of x.data.entries()) expect(y.data[i]).toBeCloseTo(v / (1 + Math.exp(-v)), 12);
    gradCheck((a) => silu(a!), [x]);
    gradCheck((a, b) => swiGlu(a!, b!), [randVar(rng, [2, 3]), randVar(rng, [2, 3])]);
  });

  it('Conv1D computes x·W + b with W stored [in, out]', () => {
    const layer = new Conv1D(3, 2, { seed: 1 });
    const rng = new Rng(8);
    const x = randVar(rng, [4, 3]);
    const y = layer.forward(x);
    expect(y.shape).toEqual([4, 2]);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 2; j++) {
        let acc = layer.bias.data[j]!;
        for (let k = 0; k < 3; k++) acc += x.data[i * 3 + k]! * layer.weight.data[k * 2 + j]!;
        expect(y.data[i * 2 + j]).toBeCloseTo(acc, 12);
      }
    gradCheck(
      (a, w, b) => {
        layer.weight = w!;
        layer.bias = b!;
        return layer.forward(a!);
      },
      [x, layer.weight, layer.bias],
    );
  });

  it('MultiHeadAttention (GQA + RoPE + causal) has the gradients of its input and weights', () => {
    const mha = new MultiHeadAttention(8, 4, { kvHeads: 2, bias: false, ropeTheta: 10000, seed: 3 });
    const rng = new Rng(9);
    const x = randVar(rng, [2, 3, 8]);
    const y = noGrad(() => mha.forward(x, { causal: true }));
    expect(y.shape).toEqual([2, 3, 8]);
    gradCheck((a) => mha.forward(a!, { causal: true }), [x], { maxChecks: 30 });
    const w = mha.k_proj.weight;
    gradCheck(() => mha.forward(x, { causal: true }), [w], { maxChecks: 30 });
  });
});
