import { readFileSync } from 'node:fs';
import { gemm32, Matrix32, Rng } from '@numts/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  add,
  affine,
  avgPool2d,
  batchNorm2d,
  bceWithLogits,
  concat,
  conv2d,
  crossEntropy,
  div,
  dropout,
  embedding,
  erf,
  exp,
  gelu,
  getDefaultDtype,
  globalAvgPool2d,
  groupNorm,
  klDiv,
  layerNorm,
  leakyRelu,
  linear,
  log,
  logSoftmax,
  matmul,
  maxPool2d,
  mean,
  mse,
  mul,
  noGrad,
  permute,
  pow,
  relu,
  reshape,
  resizeBilinear,
  resizeNearest,
  setDefaultDtype,
  sigmoid,
  slice,
  softmax,
  sqrt,
  square,
  sub,
  sum,
  tanh,
  Variable,
} from '../src/index.js';
import { gradCheck, randVar } from './gradcheck.js';

beforeAll(() => setDefaultDtype('float64'));
afterAll(() => setDefaultDtype('float32'));

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
const seedArb = fc.integer({ min: 0, max: 10_000 });

describe('elementwise and broadcasting gradients', () => {
  it('add, sub, mul, div with broadcasting', () => {
    fc.assert(
      fc.property(shapeArb, seedArb, fc.boolean(), (shape, seed, bcast) => {
        const rng = new Rng(seed);
        const a = randVar(rng, shape);
        const bShape = bcast ? shape.map((d, i) => (i === 0 ? 1 : d)).slice(rng.int(0, shape.length)) : shape;
        const b = randVar(rng, bShape.length ? bShape : [1]);
        for (let i = 0; i < b.size; i++) b.data[i] = b.data[i]! + (b.data[i]! > 0 ? 1 : -1); // keep |b| ≥ 1 for div
        gradCheck((x, y) => add(x!, y!), [a, b]);
        gradCheck((x, y) => sub(x!, y!), [a, b]);
        gradCheck((x, y) => mul(x!, y!), [a, b]);
        gradCheck((x, y) => div(x!, y!), [a, b]);
      }),
      { numRuns: 25 },
    );
  });

  it('the written-out loops (same shape; a block repeated over leading dimensions) give the values and gradients of plain loops, bit for bit', () => {
    const rng = new Rng(5);
    const a = randVar(rng, [3, 5, 4]);
    const b = randVar(rng, [1, 5, 4]);
    const c = randVar(rng, [3, 5, 4]);
    const total = add(a, b);
    const diff = sub(a, c);
    const prod = mul(a, c);
    for (let i = 0; i < a.size; i++) {
      expect(total.data[i]).toBe(a.data[i]! + b.data[i % 20]!);
      expect(diff.data[i]).toBe(a.data[i]! - c.data[i]!);
      expect(prod.data[i]).toBe(a.data[i]! * c.data[i]!);
    }
    // Gradients through each op: a weighted sum, so each gradient is a plain expression of the weights.
    const w = randVar(rng, [3, 5, 4], { requiresGrad: false });
    sum(add(add(mul(total, w), mul(diff, w)), mul(prod, w))).backward();
    for (let i = 0; i < a.size; i++) {
      // a: w (through a + b) + w (through a − c) + w·c (through a ⊙ c), accumulated in that order of the tape.
      expect(c.grad![i]).toBe(-w.data[i]! + w.data[i]! * a.data[i]!);
    }
    // b: the weights summed over the three repeats, repeat by repeat.
    for (let j = 0; j < 20; j++) expect(b.grad![j]).toBe(w.data[j]! + w.data[20 + j]! + w.data[40 + j]!);
  });

  it('unary functions and activations', () => {
    fc.assert(
      fc.property(shapeArb, seedArb, (shape, seed) => {
        const rng = new Rng(seed);
        const x = randVar(rng, shape, { awayFromZero: true });
        const pos = Variable.from(
          Array.from(x.data, (v) => Math.abs(v) + 0.5),
          shape,
          { requiresGrad: true },
        );
        for (const f of [
          exp,
          tanh,
          sigmoid,
          relu,
          (v: Variable) => leakyRelu(v, 0.2),
          gelu,
          (v: Variable) => gelu(v, { approximate: 'tanh' }),
          square,
          (v: Variable) => affine(v, 3, 1),
        ]) {
          gradCheck((v) => f(v!), [x]);
        }
        for (const f of [log, sqrt, (v: Variable) => pow(v, 1.7)]) gradCheck((v) => f(v!), [pos]);
      }),
      { numRuns: 20 },
    );
  });
});

describe('linear algebra, reductions and shapes', () => {
  it('matmul (all transposes) and linear', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.boolean(),
        seedArb,
        (m, k, n, ta, tb, seed) => {
          const rng = new Rng(seed);
          const a = randVar(rng, ta ? [k, m] : [m, k]);
          const b = randVar(rng, tb ? [n, k] : [k, n]);
          gradCheck((x, y) => matmul(x!, y!, { transA: ta, transB: tb }), [a, b]);
          const w = randVar(rng, [n, k]);
          const bias = randVar(rng, [n]);
          gradCheck((x, ww, bb) => linear(x!, ww!, bb), [randVar(rng, [m, k]), w, bias]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('sum and mean over axes, reshape, permute, concat, slice', () => {
    const rng = new Rng(3);
    const x = randVar(rng, [2, 3, 4]);
    gradCheck((v) => sum(v!, [0, 2]), [x]);
    gradCheck((v) => mean(v!, 1, { keepDims: true }), [x]);
    gradCheck((v) => mean(v!), [x]);
    gradCheck((v) => reshape(v!, [4, -1]), [x]);
    gradCheck((v) => permute(v!, [2, 0, 1]), [x]);
    gradCheck((v, w) => concat([v!, w!], 1), [x, randVar(rng, [2, 2, 4])]);
    gradCheck((v) => slice(v!, 2, 1, 3), [x]);
    expect(sum(x, [0, 2]).shape).toEqual([3]);
    expect(permute(x, [2, 0, 1]).shape).toEqual([4, 2, 3]);
  });

  it('property: permute moves every value to its permuted index and its gradient back (kept trailing dimensions, identity, empty)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
        seedArb,
        (dims, seed) => {
          const nd = dims.length;
          const rng = new Rng(seed);
          // A random permutation; half the time the last dimensions stay in place.
          const perm = Array.from({ length: nd }, (_, i) => i);
          const free = rng.uniform() < 0.5 ? nd : Math.max(0, nd - 1 - rng.int(0, nd));
          for (let i = free - 1; i > 0; i--) {
            const j = rng.int(0, i + 1);
            [perm[i], perm[j]] = [perm[j]!, perm[i]!];
          }
          const size = dims.reduce((a, b) => a * b, 1);
          const x = new Variable(
            Float64Array.from({ length: size }, (_, i) => i + 0.5),
            dims,
            true,
          );
          const y = permute(x, perm);
          expect(y.shape).toEqual(perm.map((p) => dims[p]!));
          const stride = (shape: readonly number[], k: number) =>
            shape.slice(k + 1).reduce((a, b) => a * b, 1);
          const g = Float64Array.from({ length: size }, (_, i) => 1000 + i);
          for (let o = 0; o < size; o++) {
            // The output multi-index of o, and the input element it reads.
            let at = 0;
            for (let k = 0; k < nd; k++) {
              const ik = Math.floor(o / stride(y.shape, k)) % y.shape[k]!;
              at += ik * stride(dims, perm[k]!);
            }
            expect(y.data[o]).toBe(at + 0.5);
          }
          if (size === 0) return;
          sum(mul(y, new Variable(g, y.shape))).backward();
          for (let o = 0; o < size; o++) expect(x.grad![y.data[o]! - 0.5]).toBe(g[o]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('softmax and log-softmax over every axis', () => {
    const rng = new Rng(4);
    const x = randVar(rng, [2, 3, 4]);
    for (const axis of [0, 1, 2, -1]) {
      gradCheck((v) => softmax(v!, axis), [x]);
      gradCheck((v) => logSoftmax(v!, axis), [x]);
    }
    const s = softmax(x, 1);
    for (let i = 0; i < 2; i++)
      for (let k = 0; k < 4; k++)
        expect(s.data[i * 12 + k]! + s.data[i * 12 + 4 + k]! + s.data[i * 12 + 8 + k]!).toBeCloseTo(1, 14);
  });
});

describe('losses', () => {
  it('cross-entropy with ignore index, class weights, label smoothing, spatial targets', () => {
    const rng = new Rng(5);
    const logits = randVar(rng, [4, 3]);
    gradCheck((v) => crossEntropy(v!, [0, 2, -100, 1]), [logits]);
    gradCheck((v) => crossEntropy(v!, [0, 2, 1, 1], { weight: [0.5, 2, 1], labelSmoothing: 0.1 }), [logits]);
    gradCheck((v) => crossEntropy(v!, [0, 2, 1, 1], { reduction: 'none' }), [logits]);
    const spatial = randVar(rng, [2, 3, 2, 2]);
    gradCheck(
      (v) =>
        crossEntropy(v!, [0, 1, 2, 255, 1, 1, 0, 2], {
          ignoreIndex: 255,
          labelSmoothing: 0.2,
          weight: [1, 2, 3],
        }),
      [spatial],
    );
    // Against a hand computation: −log softmax(z)_y averaged (row 2 is uniform: log 3).
    const z = Variable.from([1, 2, 3, 0, 0, 0], [2, 3]);
    const direct = (-(1 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))) + Math.log(3)) / 2;
    expect(crossEntropy(z, [0, 2]).item()).toBeCloseTo(direct, 14);
    expect(() => crossEntropy(z, [0, 3])).toThrow(
      'crossEntropy: target 1 is 3, outside [0, 3) and not the ignore index -100',
    );
    expect(() => crossEntropy(z, [-100, -100])).toThrow(
      'crossEntropy: every target is ignored, so the mean loss is undefined',
    );
  });

  it('BCE with logits (soft targets, weights, pos weight), MSE and KL', () => {
    const rng = new Rng(6);
    const x = randVar(rng, [3, 4], { scale: 3 });
    const t = Array.from({ length: 12 }, () => rng.uniform());
    const w = Array.from({ length: 12 }, () => rng.uniform(0.5, 2));
    gradCheck((v) => bceWithLogits(v!, t), [x]);
    gradCheck((v) => bceWithLogits(v!, t, { weight: w, posWeight: 3, reduction: 'sum' }), [x]);
    gradCheck((v) => mse(v!, t), [x]);
    gradCheck((v) => klDiv(logSoftmax(v!, 1), softmax(Variable.from(t, [3, 4]), 1).data), [x]);
    // Stable at extreme logits: no Infinity or NaN.
    const big = Variable.from([1000, -1000], [2]);
    expect(bceWithLogits(big, [1, 0]).item()).toBeCloseTo(0, 12);
    expect(Number.isFinite(bceWithLogits(big, [0, 1]).item())).toBe(true);
    expect(() => bceWithLogits(big, [2, 0])).toThrow('bceWithLogits: target 0 is 2, outside [0, 1]');
  });
});

describe('convolution, pooling, resizing', () => {
  it('conv2d over stride, padding, dilation and groups combinations', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 2 }),
          g: fc.constantFrom(1, 2),
          cpg: fc.integer({ min: 1, max: 2 }),
          opg: fc.integer({ min: 1, max: 2 }),
          k: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 2 }),
          p: fc.integer({ min: 0, max: 2 }),
          d: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 4, max: 6 }),
          seed: seedArb,
        }),
        ({ n, g, cpg, opg, k, s, p, d, h, seed }) => {
          const rng = new Rng(seed);
          const x = randVar(rng, [n, g * cpg, h, h + 1]);
          const w = randVar(rng, [g * opg, cpg, k, k]);
          const b = randVar(rng, [g * opg]);
          const opts = { stride: s, padding: p, dilation: d, groups: g };
          if (h + 2 * p - d * (k - 1) - 1 < 0) {
            expect(() => conv2d(x, w, b, opts)).toThrow(/conv2d: the output would be empty/);
            return;
          }
          gradCheck((xx, ww, bb) => conv2d(xx!, ww!, bb, opts), [x, w, b], { maxChecks: 30 });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('conv2d agrees with a direct sum on a small case', () => {
    const x = Variable.from([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const w = Variable.from([1, 0, 0, -1], [1, 1, 2, 2]);
    expect(Array.from(conv2d(x, w).data)).toEqual([1 - 5, 2 - 6, 4 - 8, 5 - 9]);
    expect(() => conv2d(x, Variable.from([1, 1], [1, 2, 1, 1]))).toThrow(
      /conv2d: groups \(1\) must divide C \(1\) and O \(1\), and w must have C\/groups = 1 input channels \(got 2\)/,
    );
  });

  it('conv2d’s weight gradient is the im2col product gt·colsᵀ, bit for bit (float32, packed path)', () => {
    // The gradient is computed as the transpose (cols·gtᵀ) written into w.grad transposed: the same
    // products summed in the same order, so exactly the bits of the plain orientation.
    // Float32 throughout (this file's default is float64): the path the benchmarks train on.
    setDefaultDtype('float32');
    try {
      const [n, c, h, o] = [2, 6, 12, 10];
      const x = new Variable(
        Float32Array.from({ length: n * c * h * h }, (_, i) => Math.sin(0.7 * i)),
        [n, c, h, h],
      );
      const w = new Variable(
        Float32Array.from({ length: o * c * 9 }, (_, i) => Math.cos(0.3 * i)),
        [o, c, 3, 3],
        true,
      );
      const r = Float32Array.from({ length: n * o * h * h }, (_, i) => Math.sin(1.3 * i + 0.2));
      sum(mul(conv2d(x, w, undefined, { padding: 1 }), new Variable(r, [n, o, h, h]))).backward();
      // cols [c·9][n·h·h] and gt [o][n·h·h] (the output gradient r in gemm layout), as conv2d lays them out.
      const p = h * h;
      const cols = new Float32Array(c * 9 * n * p);
      for (let ci = 0; ci < c; ci++)
        for (let ki = 0; ki < 3; ki++)
          for (let kj = 0; kj < 3; kj++)
            for (let s = 0; s < n; s++)
              for (let oh = 0; oh < h; oh++)
                for (let ow = 0; ow < h; ow++) {
                  const [ih, iw] = [oh + ki - 1, ow + kj - 1];
                  if (ih >= 0 && ih < h && iw >= 0 && iw < h)
                    cols[((ci * 3 + ki) * 3 + kj) * n * p + s * p + oh * h + ow] =
                      x.data[((s * c + ci) * h + ih) * h + iw]!;
                }
      const gt = new Float32Array(o * n * p);
      for (let oc = 0; oc < o; oc++)
        for (let s = 0; s < n; s++)
          gt.set(r.subarray((s * o + oc) * p, (s * o + oc + 1) * p), oc * n * p + s * p);
      const expected = gemm32(
        Matrix32.view(o, n * p, gt, 0, n * p, 1),
        Matrix32.view(c * 9, n * p, cols, 0, n * p, 1),
        {
          transB: true,
        },
      );
      expect(Array.from(w.grad!)).toEqual(Array.from(expected.clone().data));
    } finally {
      setDefaultDtype('float64');
    }
  });

  it('pooling and resizing gradients', () => {
    const rng = new Rng(8);
    const x = randVar(rng, [2, 2, 5, 6]);
    gradCheck((v) => maxPool2d(v!, 2), [x]);
    gradCheck((v) => maxPool2d(v!, 3, { stride: 2, padding: 1 }), [x]);
    gradCheck((v) => avgPool2d(v!, 2, { stride: 1 }), [x]);
    gradCheck((v) => globalAvgPool2d(v!), [x]);
    gradCheck((v) => resizeBilinear(v!, [7, 4]), [x]);
    gradCheck((v) => resizeBilinear(v!, [9, 11], { alignCorners: true }), [x]);
    gradCheck((v) => resizeNearest(v!, [10, 3]), [x]);
    // align_corners=True maps corners onto corners.
    const r = resizeBilinear(Variable.from([0, 1, 2, 3], [1, 1, 2, 2]), [3, 3], { alignCorners: true });
    expect(Array.from(r.data)).toEqual([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
    const r2 = resizeBilinear(Variable.from([0, 1, 2, 3], [1, 1, 2, 2]), [4, 4]);
    expect(Array.from(r2.data.slice(0, 4))).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('normalisation, dropout, embedding', () => {
  it('layer norm, group norm, batch norm (train and eval)', () => {
    const rng = new Rng(9);
    const x = randVar(rng, [3, 4, 2, 2]);
    const g = randVar(rng, [4]);
    const b = randVar(rng, [4]);
    gradCheck((v, w, c) => layerNorm(v!, 4, w, c), [randVar(rng, [3, 4]), g, b]);
    gradCheck((v, w, c) => groupNorm(v!, 2, w, c), [x, g, b]);
    const state = () => ({ runningMean: new Float64Array(4), runningVar: new Float64Array(4).fill(1) });
    gradCheck((v, w, c) => batchNorm2d(v!, state(), w, c, { training: true }), [x, g, b]);
    gradCheck(
      (v, w, c) =>
        batchNorm2d(
          v!,
          { runningMean: Float64Array.of(0.1, 0.2, 0.3, 0.4), runningVar: Float64Array.of(1, 2, 3, 4) },
          w,
          c,
          { training: false },
        ),
      [x, g, b],
    );
    const s = state();
    batchNorm2d(x, s, undefined, undefined, { training: true, momentum: 1 });
    const m0 = mean(slice(permute(x, [1, 0, 2, 3]), 0, 0, 1)).item();
    expect(s.runningMean[0]).toBeCloseTo(m0, 12);
  });

  it('dropout scales the kept elements and is reproducible from the seed', () => {
    const rng = new Rng(10);
    const x = randVar(rng, [50]);
    gradCheck((v) => dropout(v!, 0.3, new Rng(5), true), [x]);
    const y = dropout(x, 0.3, new Rng(5), true);
    for (let i = 0; i < 50; i++)
      expect([0, x.data[i]! / 0.7].some((v) => Math.abs(v - y.data[i]!) < 1e-12)).toBe(true);
    expect(dropout(x, 0.3, new Rng(5), false)).toBe(x);
  });

  it('embedding gathers rows and scatters gradients', () => {
    const rng = new Rng(11);
    const w = randVar(rng, [5, 3]);
    gradCheck((ww) => embedding([1, 4, 1, 0], [2, 2], ww!), [w]);
    expect(embedding([2], [1], w).shape).toEqual([1, 3]);
    expect(() => embedding([5], [1], w)).toThrow('embedding: index 0 is 5, outside [0, 5)');
  });
});

describe('graph control', () => {
  it('detach and noGrad stop gradients', () => {
    const x = Variable.from([1, 2], [2], { requiresGrad: true });
    const y = sum(mul(x.detach(), x));
    y.backward();
    expect(Array.from(x.grad!)).toEqual([1, 2]); // only the non-detached factor contributes
    const z = noGrad(() => sum(square(x)));
    expect(z.requiresGrad).toBe(false);
    expect(z.backwardFn).toBeNull();
  });

  it('gradients of leaves accumulate across backward calls; intermediates do not', () => {
    const x = Variable.from([3], [1], { requiresGrad: true });
    const y = square(x);
    y.backward();
    y.backward();
    expect(x.grad![0]).toBe(12);
    expect(() => mul(x, x).backward()).not.toThrow();
    expect(() => square(Variable.from([1, 2], [2], { requiresGrad: true })).backward()).toThrow(
      'backward: the value has shape [2]; pass its gradient or call backward on a scalar',
    );
  });

  it('shape errors name the shapes', () => {
    expect(() => add(Variable.zeros([2, 3]), Variable.zeros([4]))).toThrow(
      'add: shapes [2, 3] and [4] do not broadcast (dimension 1: 3 vs 4)',
    );
    expect(() => matmul(Variable.zeros([2, 3]), Variable.zeros([2, 3]))).toThrow(
      'matmul: inner dimensions differ (op(a) is 2x3, op(b) is 2x3)',
    );
    expect(() => reshape(Variable.zeros([2, 3]), [4, 2])).toThrow(
      'reshape: cannot reshape [2, 3] (6 elements) to [4, 2]',
    );
  });
});

describe('erf and GELU against the C library (test-data/nn/make_fixtures.py)', () => {
  const fixtures = JSON.parse(
    readFileSync(new URL('../../../test-data/nn/fixtures.json', import.meta.url), 'utf8'),
  ) as { erf: [number, number][]; gelu: [number, number][] };

  it('erf is within a few units in the last place everywhere, exact ±1 beyond 6, odd, NaN in NaN out', () => {
    for (const [x, want] of fixtures.erf) {
      const got = erf(x);
      const ulp = Math.max(Number.EPSILON * Math.abs(want), 5e-324);
      expect(Math.abs(got - want) / ulp, `erf(${x})`).toBeLessThanOrEqual(8);
      expect(erf(-x)).toBe(-got);
    }
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
  });

  it('GELU (exact form) matches x·Φ(x) in float64', () => {
    const xs = fixtures.gelu.map(([x]) => x);
    const prev = getDefaultDtype();
    setDefaultDtype('float64');
    try {
      const y = gelu(new Variable(Float64Array.from(xs), [xs.length])).data;
      fixtures.gelu.forEach(([x, want], i) => {
        expect(Math.abs(y[i]! - want), `gelu(${x})`).toBeLessThanOrEqual(
          4 * Number.EPSILON * Math.max(1, Math.abs(want)),
        );
      });
    } finally {
      setDefaultDtype(prev);
    }
  });
});
