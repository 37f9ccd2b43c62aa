/** peft's IA3 (bias scaled on attention-type targets, input scaled on feed-forward ones). */
import { Rng } from '@numts/core';
import { Linear, Module, noGrad, setDefaultDtype, type Variable } from '@numts/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  injectAdapters,
  loadAdapter,
  mergeAdapters,
  type PeftIa3Adapter,
  parseAdapterConfig,
  saveAdapter,
  unmergeAdapters,
} from '../src/index.js';
import { expectGradientsMatchFiniteDifferences, perturbAdapters, randomInput } from './helpers.js';

class Net extends Module {
  readonly key = this.child('key', new Linear(5, 4, { seed: 1 }));
  readonly dense = this.child('dense', new Linear(4, 3, { seed: 2 }));
  forward(x: Variable): Variable {
    return this.dense.forward(this.key.forward(x));
  }
}

const config = {
  method: 'peft-ia3' as const,
  targetModules: ['key', 'dense'],
  feedforwardModules: ['dense'],
};

beforeAll(() => setDefaultDtype('float64'));
afterAll(() => setDefaultDtype('float32'));

describe('peft-ia3', () => {
  it('has peft shapes, is a no-op at init, merges (bias included) to the unmerged output and unmerges exactly', () => {
    const net = new Net();
    const x = randomInput(1, [3, 5]);
    const before = Array.from(noGrad(() => net.forward(x)).data);
    const adapters = injectAdapters(net, config);
    const key = adapters.get('key') as PeftIa3Adapter;
    const dense = adapters.get('dense') as PeftIa3Adapter;
    expect(key.ia3L.shape).toEqual([4, 1]);
    expect(dense.ia3L.shape).toEqual([1, 4]);
    expect(Array.from(noGrad(() => net.forward(x)).data)).toEqual(before);
    perturbAdapters(net, 3);
    const w = Array.from(net.key.weight.data);
    const b = Array.from(net.key.bias!.data);
    const unmerged = Array.from(noGrad(() => net.forward(x)).data);
    // y = (Wx + b) ⊙ l on the attention-type target: the bias is scaled too.
    const y = noGrad(() => net.key.forward(x)).data;
    const l = key.ia3L.data;
    for (let i = 0; i < 3; i++)
      for (let o = 0; o < 4; o++) {
        let acc = b[o]!;
        for (let j = 0; j < 5; j++) acc += w[o * 5 + j]! * x.data[i * 5 + j]!;
        expect(y[i * 4 + o]).toBeCloseTo(acc * l[o]!, 12);
      }
    mergeAdapters(net);
    for (const [i, v] of Array.from(noGrad(() => net.forward(x)).data).entries())
      expect(Math.abs(v - unmerged[i]!)).toBeLessThan(1e-12);
    unmergeAdapters(net);
    expect(Array.from(net.key.weight.data)).toEqual(w);
    expect(Array.from(net.key.bias!.data)).toEqual(b);
  });

  it('gradients of both vectors equal central differences', () => {
    const net = new Net();
    injectAdapters(net, config);
    perturbAdapters(net, 4);
    const rng = new Rng(5);
    expectGradientsMatchFiniteDifferences(
      net,
      randomInput(2, [3, 5]),
      Array.from({ length: 9 }, () => rng.normal()),
    );
  });

  it('saves as peft_type IA3 with feedforward_modules and ia3_l keys, and loads back', () => {
    const net = new Net();
    injectAdapters(net, config);
    perturbAdapters(net, 6);
    const files = saveAdapter(net);
    const json = JSON.parse(files.config);
    expect(json).toMatchObject({
      peft_type: 'IA3',
      target_modules: ['key', 'dense'],
      feedforward_modules: ['dense'],
    });
    expect(json.numts_config).toBeUndefined();
    expect(parseAdapterConfig(files.config)).toMatchObject({
      method: 'peft-ia3',
      feedforwardModules: ['dense'],
    });
    const again = new Net();
    const loaded = loadAdapter(again, files);
    // The file is float32, as peft writes it.
    expect(Array.from((loaded.get('dense') as PeftIa3Adapter).ia3L.data)).toEqual(
      Array.from((net.dense.adapter as PeftIa3Adapter).ia3L.data, Math.fround),
    );
  });
});
