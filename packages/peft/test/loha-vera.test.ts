/** LoHa, LoKr and VeRA: ΔW from the definitions, LoKr's factorization, VeRA's shared projections, parameter counts, errors. */

import { Matrix } from '@numts/core';
import { svd } from '@numts/decompositions';
import { Linear, Sequential } from '@numts/nn';
import { describe, expect, it } from 'vitest';
import {
  adaptersOf,
  injectAdapters,
  type LohaAdapter,
  type LokrAdapter,
  loadAdapter,
  lokrFactorization,
  saveAdapter,
  type VeraAdapter,
} from '../src/index.js';
import { perturbAdapters, relErr, TinyMlp } from './helpers.js';

function deltaOf(a: LohaAdapter | LokrAdapter | VeraAdapter, w: ArrayLike<number>): Float64Array {
  return Float64Array.from(a.effectiveWeight(), (v, i) => v - w[i]!);
}

describe('LoHa', () => {
  it('ΔW = (α/r)·(W1a·W1b) ⊙ (W2a·W2b), element by element; its rank can exceed r', () => {
    const model = new TinyMlp(6, 8, 3, 2);
    const w = Float64Array.from(model.fc1.weight.data);
    injectAdapters(model, { method: 'loha', targetModules: ['fc1'], rank: 2, alpha: 5 });
    perturbAdapters(model, 3, 0.5);
    const a = adaptersOf(model)[0]![1] as LohaAdapter;
    const [out, inn, r] = [8, 6, 2];
    const at = (v: { data: ArrayLike<number> }, i: number, j: number, cols: number) => v.data[i * cols + j]!;
    const expected = new Float64Array(out * inn);
    for (let i = 0; i < out; i++)
      for (let j = 0; j < inn; j++) {
        let p = 0;
        let q = 0;
        for (let k = 0; k < r; k++) {
          p += at(a.w1a, i, k, r) * at(a.w1b, k, j, inn);
          q += at(a.w2a, i, k, r) * at(a.w2b, k, j, inn);
        }
        expected[i * inn + j] = (5 / 2) * p * q;
      }
    expect(relErr(deltaOf(a, w), expected)).toBeLessThan(1e-6);
    const s = svd(new Matrix(out, inn, deltaOf(a, w))).s;
    expect(s.filter((v) => v > 1e-6 * s[0]!).length).toBeGreaterThan(r);
    expect(
      a
        .namedParameters()
        .map(([n]) => n)
        .sort(),
    ).toEqual(['hada_w1_a', 'hada_w1_b', 'hada_w2_a', 'hada_w2_b']);
  });

  it('rejects a rank outside [1, min(in, out)] with the rule', () => {
    expect(() =>
      injectAdapters(new TinyMlp(6, 8, 3), { method: 'loha', targetModules: ['fc1'], rank: 7 }),
    ).toThrow(/rank must be an integer in \[1, 6\]/);
  });
});

describe('VeRA', () => {
  it('ΔW = diag(λ_b)·B·diag(λ_d)·A; only λ_b and λ_d are trained (out + r numbers per layer)', () => {
    const model = new TinyMlp(6, 8, 3, 2);
    const w = Float64Array.from(model.fc1.weight.data);
    injectAdapters(model, { method: 'vera', targetModules: ['fc1', 'fc2'], rank: 32, projectionPrngKey: 3 });
    perturbAdapters(model, 4, 0.5);
    const a = adaptersOf(model)[0]![1] as VeraAdapter;
    const [out, inn, r] = [8, 6, 32];
    const expected = new Float64Array(out * inn);
    for (let i = 0; i < out; i++)
      for (let j = 0; j < inn; j++) {
        let s = 0;
        for (let k = 0; k < r; k++)
          s += a.projectionB.data[i * r + k]! * a.lambdaD.data[k]! * a.projectionA.data[k * inn + j]!;
        expected[i * inn + j] = a.lambdaB.data[i]! * s;
      }
    expect(relErr(deltaOf(a, w), expected)).toBeLessThan(1e-6);
    expect(a.namedParameters().map(([n, p]) => [n, p.size])).toEqual([
      ['vera_lambda_b', out],
      ['vera_lambda_d', r],
    ]);
  });

  it('every layer uses the top-left corner of the same shared projections; another seed gives others', () => {
    const model = new TinyMlp(6, 8, 3, 2);
    injectAdapters(model, { method: 'vera', targetModules: ['fc1', 'fc2'], rank: 4, projectionPrngKey: 9 });
    const fc1 = adaptersOf(model)[0]![1] as VeraAdapter;
    const fc2 = adaptersOf(model)[1]![1] as VeraAdapter;
    // As peft: A is r × max in (4×8, U(±1/√8)), B max out × r (8×4, U(±1/√4)); fc1 (6→8) takes
    // A's first 6 columns, fc2 (8→8) all of it, both all of B — the same numbers, not rescaled.
    const shared = fc1.projections;
    expect(fc2.projections).toBe(shared);
    expect([shared.rank, shared.maxOut, shared.maxIn]).toEqual([4, 8, 8]);
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 6; j++)
        expect(fc1.projectionA.data[k * 6 + j]).toBe(fc2.projectionA.data[k * 8 + j]);
    expect(Math.max(...shared.a.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8));
    expect(Math.max(...shared.a.map(Math.abs))).toBeGreaterThan(0.8 / Math.sqrt(8));
    expect(Math.max(...shared.b.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(4));
    expect(Array.from(fc2.projectionB.data)).toEqual(Array.from(fc1.projectionB.data));
    const other = new TinyMlp(6, 8, 3, 2);
    injectAdapters(other, { method: 'vera', targetModules: ['fc1'], rank: 4, projectionPrngKey: 10 });
    const a = adaptersOf(other)[0]![1] as VeraAdapter;
    expect(relErr(a.projectionA.data, fc1.projectionA.data)).toBeGreaterThan(0.1);
  });

  it('saved and loaded by numts: the projections travel in the file, outputs equal', () => {
    const model = new TinyMlp(6, 8, 3, 2);
    injectAdapters(model, { method: 'vera', targetModules: ['fc1', 'fc2'], rank: 8, projectionPrngKey: 5 });
    perturbAdapters(model, 6, 0.5);
    const files = saveAdapter(model);
    expect(JSON.parse(files.config).peft_type).toBe('VERA');
    const copy = new TinyMlp(6, 8, 3, 2);
    loadAdapter(copy, files);
    const [, a] = adaptersOf(model)[1]!;
    const [, b] = adaptersOf(copy)[1]!;
    expect(relErr(b.effectiveWeight(), a.effectiveWeight())).toBe(0);
  });

  it('rejects a bad rank or dInitial with the rule', () => {
    const m = new TinyMlp(6, 8, 3);
    expect(() => injectAdapters(m, { method: 'vera', targetModules: ['fc1'], rank: 0 })).toThrow(
      'injectAdapters: config.rank must be a positive integer (got 0)',
    );
    expect(() =>
      injectAdapters(m, { method: 'vera', targetModules: ['fc1'], rank: 4, veraDInitial: -1 }),
    ).toThrow('vera: dInitial must be a finite number ≥ 0 (got -1)');
  });
});

describe('LoKr', () => {
  it("factors sizes as peft's factorization (worked by hand from its loop)", () => {
    expect(lokrFactorization(64)).toEqual([8, 8]);
    expect(lokrFactorization(48)).toEqual([6, 8]);
    expect(lokrFactorization(7)).toEqual([1, 7]);
    expect(lokrFactorization(12, 3)).toEqual([3, 4]);
    expect(lokrFactorization(12, 5)).toEqual([3, 4]);
    expect(lokrFactorization(12, 2)).toEqual([2, 6]);
    expect(lokrFactorization(36, 4)).toEqual([4, 9]);
  });

  it('ΔW = (α/r)·kron(W1, W2) element by element, with W1 and W2 low rank under decomposeBoth', () => {
    const model = new Sequential(new Linear(64, 48, { seed: 1 }));
    const w = Float64Array.from((model.layers[0] as Linear).weight.data);
    injectAdapters(model, {
      method: 'lokr',
      targetModules: ['0'],
      rank: 2,
      alpha: 3,
      lokrDecomposeBoth: true,
    });
    perturbAdapters(model, 5, 0.5);
    const a = adaptersOf(model)[0]![1] as LokrAdapter;
    expect(a.shape).toEqual([
      [6, 8],
      [8, 8],
    ]);
    const p = Object.fromEntries(a.namedParameters().map(([n, v]) => [n, v]));
    expect(Object.keys(p).sort()).toEqual(['lokr_w1_a', 'lokr_w1_b', 'lokr_w2_a', 'lokr_w2_b']);
    const prod = (
      x: { data: ArrayLike<number> },
      y: { data: ArrayLike<number> },
      m: number,
      k: number,
      n: number,
    ) => {
      const out = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let t = 0; t < k; t++) s += x.data[i * k + t]! * y.data[t * n + j]!;
          out[i * n + j] = s;
        }
      return out;
    };
    const w1 = prod(p.lokr_w1_a!, p.lokr_w1_b!, 6, 2, 8);
    const w2 = prod(p.lokr_w2_a!, p.lokr_w2_b!, 8, 2, 8);
    const expected = new Float64Array(48 * 64);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 8; j++)
        for (let r = 0; r < 8; r++)
          for (let c = 0; c < 8; c++)
            expected[(i * 8 + r) * 64 + j * 8 + c] = 1.5 * w1[i * 8 + j]! * w2[r * 8 + c]!;
    expect(relErr(deltaOf(a, w), expected)).toBeLessThan(1e-6);
  });
});
