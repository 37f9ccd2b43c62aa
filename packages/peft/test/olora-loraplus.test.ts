/** OLoRA initialisation and LoRA+ parameter groups. */
import { Matrix } from '@numts/core';
import { AdamW, mse, noGrad, setDefaultDtype } from '@numts/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  injectAdapters,
  type LoraAdapter,
  loadAdapter,
  loraPlusParamGroups,
  saveAdapter,
} from '../src/index.js';
import { randomInput, relErr, TinyMlp } from './helpers.js';

beforeAll(() => setDefaultDtype('float64'));
afterAll(() => setDefaultDtype('float32'));

describe('OLoRA (init "olora")', () => {
  it('starts at the original output with B = Q[:, :r] orthonormal and A = R[:r]; files load as LoRA on the residual', () => {
    const net = new TinyMlp(6, 8, 3, 2);
    const x = randomInput(1, [4, 6]);
    const y0 = Array.from(noGrad(() => net.forward(x)).data);
    const w0 = Float64Array.from(net.fc1.weight.data);
    const a = injectAdapters(net, {
      method: 'lora',
      init: 'olora',
      targetModules: ['fc1'],
      rank: 3,
      alpha: 6,
    }).get('fc1') as LoraAdapter;
    expect(relErr(noGrad(() => net.forward(x)).data, y0)).toBeLessThan(1e-12);
    const b = new Matrix(8, 3, Float64Array.from(a.loraB.data));
    const btb = b.T.clone();
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 8; k++) s += btb.get(i, k) * b.get(k, j);
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    // A is upper triangular in its leading r×r block (rows of R).
    expect(a.loraA.data[1 * 6 + 0]).toBeCloseTo(0, 12);
    // W_res + s·B·A = W.
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 6; j++) {
        let ba = 0;
        for (let k = 0; k < 3; k++) ba += a.loraB.data[i * 3 + k]! * a.loraA.data[k * 6 + j]!;
        expect(net.fc1.weight.data[i * 6 + j]! + a.scaling * ba).toBeCloseTo(w0[i * 6 + j]!, 12);
      }
    const files = saveAdapter(net);
    expect(JSON.parse(files.config).init_lora_weights).toBe(true);
    const fresh = new TinyMlp(6, 8, 3, 2);
    fresh.fc1.weight.data.set(net.fc1.weight.data); // the residual base travels with the adapter
    loadAdapter(fresh, files);
    expect(relErr(noGrad(() => fresh.forward(x)).data, y0)).toBeLessThan(1e-6);
  });
});

describe('LoRA+', () => {
  it('puts B at lr·ratio and A at lr; training with those groups moves B faster', () => {
    const net = new TinyMlp(6, 8, 3, 2);
    const adapters = injectAdapters(net, {
      method: 'lora',
      targetModules: ['fc1', 'fc2'],
      rank: 2,
      init: 'gaussian',
    });
    const groups = loraPlusParamGroups(net, { lr: 1e-3, ratio: 16 });
    const fc1 = adapters.get('fc1') as LoraAdapter;
    expect(groups.map((g) => g.lr)).toEqual([1e-3, 16e-3]);
    expect(groups[1]!.params).toContain(fc1.loraB);
    expect(groups[0]!.params).toContain(fc1.loraA);
    const opt = new AdamW(groups, { lr: 1e-3 });
    const x = randomInput(2, [8, 6]);
    const y = randomInput(3, [8, 3]);
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      mse(net.forward(x), y).backward();
      opt.step();
    }
    expect(fc1.loraB.data.some((v) => v !== 0)).toBe(true);
    expect(() => loraPlusParamGroups(new TinyMlp(2, 2, 2), { lr: 1e-3 })).toThrow(
      /the model has no LoRA adapters/,
    );
    expect(() => loraPlusParamGroups(net, { lr: 1e-3, ratio: 0 })).toThrow(
      /ratio must be a positive number \(got 0\)/,
    );
  });
});
