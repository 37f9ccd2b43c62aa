/** LoRA on GPT-2's Conv1D (weight [in, out], peft's fan_in_fan_out): invariants and the file format. */
import { Rng } from '@numts/core';
import { Conv1D, Module, noGrad, setDefaultDtype, Variable } from '@numts/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectAdapters, loadAdapter, mergeAdapters, saveAdapter, unmergeAdapters } from '../src/index.js';
import { expectGradientsMatchFiniteDifferences, perturbAdapters } from './helpers.js';

class Net extends Module {
  readonly c_attn = this.child('c_attn', new Conv1D(6, 9, { seed: 1, std: 0.5 }));
  forward(x: Variable): Variable {
    return this.c_attn.forward(x);
  }
}

beforeAll(() => setDefaultDtype('float64'));
afterAll(() => setDefaultDtype('float32'));

function input(): Variable {
  const rng = new Rng(3);
  return Variable.from(
    Array.from({ length: 4 * 6 }, () => rng.normal()),
    [4, 6],
  );
}

describe('LoRA on Conv1D', () => {
  it('is a no-op at init, merges to the unmerged output, and unmerges bit for bit', () => {
    const net = new Net();
    const x = input();
    const before = Array.from(noGrad(() => net.forward(x)).data);
    const adapters = injectAdapters(net, {
      method: 'lora',
      targetModules: ['c_attn'],
      rank: 2,
      alpha: 4,
      seed: 1,
    });
    const a = [...adapters.values()][0]! as unknown as { loraB: Variable };
    expect(Array.from(noGrad(() => net.forward(x)).data)).toEqual(before);
    const rng = new Rng(5);
    for (let i = 0; i < a.loraB.size; i++) a.loraB.data[i] = rng.normal();
    const w0 = Array.from(net.c_attn.weight.data);
    const unmerged = Array.from(noGrad(() => net.forward(x)).data);
    mergeAdapters(net);
    const merged = Array.from(noGrad(() => net.forward(x)).data);
    for (const [i, v] of merged.entries()) expect(Math.abs(v - unmerged[i]!)).toBeLessThan(1e-12);
    unmergeAdapters(net);
    expect(Array.from(net.c_attn.weight.data)).toEqual(w0);
  });

  it('gradients of A and B equal central differences', () => {
    const net = new Net();
    injectAdapters(net, { method: 'lora', targetModules: ['c_attn'], rank: 2, alpha: 4, seed: 1 });
    perturbAdapters(net, 2);
    const rng = new Rng(9);
    const r = Array.from({ length: 4 * 9 }, () => rng.normal());
    expectGradientsMatchFiniteDifferences(net, input(), r);
  });

  it('saves with fan_in_fan_out = true and peft key shapes (A [r, in], B [out, r]), and loads back', () => {
    const net = new Net();
    injectAdapters(net, { method: 'lora', targetModules: ['c_attn'], rank: 2, alpha: 4, seed: 1 });
    const files = saveAdapter(net);
    const config = JSON.parse(files.config);
    expect(config.fan_in_fan_out).toBe(true);
    const again = new Net();
    const loaded = loadAdapter(again, files);
    const a = [...loaded.values()][0]! as unknown as { loraA: Variable; loraB: Variable };
    expect(a.loraA.shape).toEqual([2, 6]);
    expect(a.loraB.shape).toEqual([9, 2]);
  });

  it('methods other than plain LoRA refuse a Conv1D by name', () => {
    for (const method of ['dora', 'ia3', 'pissa'] as const)
      expect(() => injectAdapters(new Net(), { method, targetModules: ['c_attn'], rank: 2 })).toThrow(
        /does not adapt a Conv1D \(GPT-2's \[in, out\] layer\) yet; "c_attn" is one/,
      );
  });
});
