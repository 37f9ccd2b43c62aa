/** Named adapters: registry, switching, trainability, and peft's linear and svd combinations. */

import { Matrix } from '@numts/core';
import { svd } from '@numts/decompositions';
import { noGrad, setDefaultDtype } from '@numts/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeAdapters,
  adapterNames,
  adaptersOf,
  addAdapter,
  addWeightedAdapter,
  deltaWeight,
  injectAdapters,
  type LoraAdapter,
  namedAdapters,
  setAdapter,
  unloadAdapters,
} from '../src/index.js';
import { perturbAdapters, randomInput, TinyMlp } from './helpers.js';

beforeAll(() => setDefaultDtype('float64'));
afterAll(() => setDefaultDtype('float32'));

const lora = (rank: number, alpha: number, seed: number) => ({
  method: 'lora' as const,
  targetModules: ['fc1'],
  rank,
  alpha,
  seed,
});

function twoAdapters(rb = 2) {
  const net = new TinyMlp(5, 6, 3);
  injectAdapters(net, lora(2, 4, 1)); // becomes "default"
  perturbAdapters(net, 1);
  addAdapter(net, 'other', lora(rb, 3, 2));
  perturbAdapters(net, 2);
  return net;
}

const deltaOf = (net: TinyMlp, name: string) => {
  setAdapter(net, name);
  return Array.from(deltaWeight(net.fc1));
};

describe('named adapters', () => {
  it('registers injected adapters as "default", switches and keeps only the active set trainable', () => {
    const net = twoAdapters();
    expect(adapterNames(net)).toEqual(['default', 'other']);
    expect(activeAdapters(net)).toEqual(['other']);
    const trainable = () =>
      net
        .namedParameters()
        .filter(([, p]) => p.requiresGrad)
        .map(([n]) => n);
    expect(trainable()).toEqual(['fc1.adapter.lora_A', 'fc1.adapter.lora_B']);
    setAdapter(net, 'default');
    expect(net.fc1.adapter).toBe(namedAdapters(net, 'default').get('fc1'));
    unloadAdapters(net);
    expect(adaptersOf(net)).toEqual([]);
    expect(adapterNames(net)).toEqual([]);
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('linear: A = Σ √wᵢ·sᵢ·Aᵢ, B = Σ √wᵢ·Bᵢ at scale 1 (peft); svd: the best rank-r fit of Σ wᵢΔWᵢ', () => {
    const net = twoAdapters();
    const [d0, d1] = [deltaOf(net, 'default'), deltaOf(net, 'other')];
    const [a0, a1] = ['default', 'other'].map((n) => namedAdapters(net, n).get('fc1') as LoraAdapter);
    addWeightedAdapter(net, ['default', 'other'], [0.25, 0.64], 'lin', 'linear');
    const lin = namedAdapters(net, 'lin').get('fc1') as LoraAdapter;
    expect(lin.scaling).toBe(1);
    for (let i = 0; i < lin.loraA.size; i++)
      expect(lin.loraA.data[i]).toBeCloseTo(
        0.5 * a0!.scaling * a0!.loraA.data[i]! + 0.8 * a1!.scaling * a1!.loraA.data[i]!,
        12,
      );
    for (let i = 0; i < lin.loraB.size; i++)
      expect(lin.loraB.data[i]).toBeCloseTo(0.5 * a0!.loraB.data[i]! + 0.8 * a1!.loraB.data[i]!, 12);
    addWeightedAdapter(net, ['default', 'other'], [0.7, -0.3], 'svd1', 'svd', { svdRank: 1 });
    const target = new Matrix(
      6,
      5,
      Float64Array.from(d0, (v, i) => 0.7 * v - 0.3 * d1[i]!),
    );
    const f = svd(target);
    const best = Array.from(
      { length: 30 },
      (_, k) => f.u!.get(Math.floor(k / 5), 0) * f.s[0]! * f.vt!.get(0, k % 5),
    );
    const got = deltaOf(net, 'svd1');
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(best[i]!, 10);
    addWeightedAdapter(net, ['default', 'other'], [0.7, -0.3], 'cat', 'cat');
    for (const [i, v] of deltaOf(net, 'cat').entries())
      expect(v).toBeCloseTo(0.7 * d0[i]! - 0.3 * d1[i]!, 12);
  });

  it('several active adapters add their ΔW; errors name the rule', () => {
    const net = twoAdapters();
    const [d0, d1] = [deltaOf(net, 'default'), deltaOf(net, 'other')];
    setAdapter(net, ['default', 'other']);
    for (const [i, v] of Array.from(deltaWeight(net.fc1)).entries())
      expect(v).toBeCloseTo(d0[i]! + d1[i]!, 12);
    const x = randomInput(3, [4, 5]);
    expect(noGrad(() => net.forward(x)).shape).toEqual([4, 3]);
    expect(() => addAdapter(net, 'other', lora(2, 2, 5))).toThrow(/an adapter named "other" exists already/);
    expect(() => addWeightedAdapter(twoAdapters(3), ['default', 'other'], [1, 1], 'x', 'linear')).toThrow(
      /"linear" needs adapters of equal rank \(got 2, 3\)/,
    );
    expect(() => addWeightedAdapter(net, ['default'], [1, 2], 'y', 'cat')).toThrow(
      /one finite weight per adapter name/,
    );
  });
});

describe('cat beyond min(out, in)', () => {
  it('stores the exact ΔW at rank min(out, in) when the summed rank is larger', () => {
    const net = new TinyMlp(5, 6, 3);
    injectAdapters(net, { method: 'lora', targetModules: ['fc1'], rank: 4, alpha: 4, seed: 1 });
    perturbAdapters(net, 1);
    addAdapter(net, 'other', { method: 'lora', targetModules: ['fc1'], rank: 4, alpha: 2, seed: 2 });
    perturbAdapters(net, 2);
    const [d0, d1] = [deltaOf(net, 'default'), deltaOf(net, 'other')];
    addWeightedAdapter(net, ['default', 'other'], [1, 0.5], 'sum', 'cat');
    expect((namedAdapters(net, 'sum').get('fc1') as LoraAdapter).rank).toBe(5);
    for (const [i, v] of deltaOf(net, 'sum').entries()) expect(v).toBeCloseTo(d0[i]! + 0.5 * d1[i]!, 10);
  });
});
