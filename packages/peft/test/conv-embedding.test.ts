// DoRA, LoRA-Dash and the SVD/QR initialisations (PiSSA, MiLoRA, OLoRA) on Conv2d and Embedding layers,
// with peft's conventions: the weight matrix of a Conv2d is out × (in·kh·kw), of an Embedding the
// transpose of its count × dim table; DoRA's magnitude is (1, out, 1, 1) for Conv2d and one value
// per embedding dimension, normalised over the tokens.
import { Rng } from '@numts/core';
import { Conv2d, Embedding, getDefaultDtype, noGrad, Sequential, setDefaultDtype, Variable } from '@numts/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdapterConfig,
  adaptersOf,
  type DoraAdapter,
  injectAdapters,
  loadAdapter,
  mergeAdapters,
  saveAdapter,
  unmergeAdapters,
} from '../src/index.js';
import {
  expectGradientsMatchFiniteDifferences,
  perturbAdapters,
  randomInput,
  relErr,
  tinyConvNet,
} from './helpers.js';

const F32_TOL = 2e-5;
const out = (m: { forward(x: Variable): Variable }, x: Variable) =>
  Float64Array.from(noGrad(() => m.forward(x)).data);

const embeddingNet = (seed: number) => new Sequential(new Embedding(11, 5, { seed }));
const tokens = Variable.from([1, 3, 10, 0, 3, 2, 7, 7], [2, 4]);
const image = randomInput(8, [2, 2, 5, 5]);

type Case = { name: string; make: () => Sequential; x: Variable; targets: string[] };
const CASES: Case[] = [
  { name: 'Conv2d', make: () => tinyConvNet(1, 3), x: image, targets: ['0', '2'] },
  { name: 'Embedding', make: () => embeddingNet(4), x: tokens, targets: ['0'] },
];
const CONFIGS: Omit<AdapterConfig, 'targetModules'>[] = [
  { method: 'dora', rank: 2, alpha: 3 },
  { method: 'dora', rank: 2, alpha: 3, dropout: 0.2 },
  { method: 'pissa', rank: 2, alpha: 4 },
  { method: 'milora', rank: 2 },
  { method: 'lora', init: 'olora', rank: 2, alpha: 2 },
  { method: 'lora-dash', rank: 2, alpha: 2, dashDirections: 2, preLaunchSteps: 0 },
];

describe('DoRA, LoRA-Dash, PiSSA, MiLoRA and OLoRA on Conv2d and Embedding', () => {
  for (const c of CASES)
    for (const config of CONFIGS) {
      const label = `${config.init ?? config.method}${config.dropout ? ' (dropout)' : ''} on ${c.name}`;
      it(`${label}: no-op at init, merge = unmerged forward, unmerge restores W`, () => {
        const model = c.make();
        const before = out(model, c.x);
        const weights = model.parameters().map((p) => Float64Array.from(p.data));
        injectAdapters(model, { ...config, targetModules: c.targets });
        model.eval();
        expect(relErr(out(model, c.x), before)).toBeLessThan(F32_TOL);
        if (config.method === 'pissa' || config.method === 'milora' || config.init === 'olora') {
          // The SVD/QR initialisations really moved the base weight to the residual.
          const [, a] = adaptersOf(model)[0]!;
          expect(relErr(a.layer.weight.data, weights[0]!)).toBeGreaterThan(1e-3);
        }
        perturbAdapters(model, 5);
        const adapted = out(model, c.x);
        expect(relErr(adapted, before)).toBeGreaterThan(1e-3);
        const residual = adaptersOf(model).map(([, a]) => Float64Array.from(a.layer.weight.data));
        mergeAdapters(model);
        expect(relErr(out(model, c.x), adapted)).toBeLessThan(F32_TOL);
        unmergeAdapters(model);
        adaptersOf(model).forEach(([, a], i) => {
          expect(Array.from(a.layer.weight.data)).toEqual(Array.from(residual[i]!));
        });
      });
    }

  it('DoRA magnitudes have peft shapes: (1, out, 1, 1) for Conv2d, dim for Embedding (norms over tokens)', () => {
    const conv = tinyConvNet(1, 3);
    injectAdapters(conv, { method: 'dora', targetModules: ['2'], rank: 2 });
    const [, ca] = adaptersOf(conv)[0]!;
    expect((ca as DoraAdapter).magnitude.shape).toEqual([1, 4, 1, 1]);
    const emb = embeddingNet(4);
    const table = Float64Array.from((emb.layers[0] as Embedding).weight.data);
    injectAdapters(emb, { method: 'dora', targetModules: ['0'], rank: 2 });
    const m = (adaptersOf(emb)[0]![1] as DoraAdapter).magnitude;
    expect(m.shape).toEqual([5]);
    // Column d of the 11 × 5 table: its norm over the 11 tokens.
    for (let d = 0; d < 5; d++) {
      let s = 0;
      for (let t = 0; t < 11; t++) s += table[t * 5 + d]! ** 2;
      expect(m.data[d]).toBeCloseTo(Math.sqrt(s), 5);
    }
  });

  it('an Embedding input holds indices: dropout never touches it (training output = eval output)', () => {
    for (const method of ['lora', 'dora'] as const) {
      const model = embeddingNet(4);
      injectAdapters(model, { method, targetModules: ['0'], rank: 2, dropout: 0.5 });
      perturbAdapters(model, 2);
      model.train();
      const trained = out(model, tokens);
      model.eval();
      expect(Array.from(trained)).toEqual(Array.from(out(model, tokens)));
    }
  });

  it('a grouped Conv2d is refused by DoRA and PiSSA with the reason', () => {
    for (const method of ['dora', 'pissa'] as const)
      expect(() => injectAdapters(tinyConvNet(2, 1), { method, targetModules: ['2'], rank: 2 })).toThrow(
        /grouped Conv2d \(groups = 2\)/,
      );
  });

  it('DoRA on Conv2d and Embedding saves peft keys and shapes and loads back to the same outputs', () => {
    for (const c of CASES) {
      const model = c.make();
      injectAdapters(model, { method: 'dora', targetModules: c.targets, rank: 2, alpha: 3 });
      perturbAdapters(model, 7);
      const y = out(model, c.x);
      const files = saveAdapter(model);
      const config = JSON.parse(files.config);
      expect(config.peft_type).toBe('LORA');
      expect(config.use_dora).toBe(true);
      const fresh = c.make();
      loadAdapter(fresh, files);
      expect(relErr(out(fresh, c.x), y)).toBeLessThan(F32_TOL);
      const [, a] = adaptersOf(fresh)[0]!;
      const expected = c.name === 'Conv2d' ? [1, 6, 1, 1] : [5];
      expect([...(a as DoraAdapter).magnitude.shape]).toEqual(expected);
    }
  });

  it('LoRA-Dash on Conv2d and Embedding: own format and plain-LoRA export load back to the same outputs', () => {
    for (const c of CASES) {
      const model = c.make();
      injectAdapters(model, {
        method: 'lora-dash',
        targetModules: c.targets,
        rank: 2,
        dashDirections: 2,
        preLaunchSteps: 0,
      });
      perturbAdapters(model, 8);
      const y = out(model, c.x);
      for (const dashAsLora of [false, true]) {
        const files = saveAdapter(model, { dashAsLora });
        const config = JSON.parse(files.config);
        expect(config.peft_type).toBe(dashAsLora ? 'LORA' : 'LORA_DASH');
        if (dashAsLora) expect(config.r).toBe(4);
        const fresh = c.make();
        loadAdapter(fresh, files);
        expect(relErr(out(fresh, c.x), y)).toBeLessThan(F32_TOL);
      }
    }
  });
});

describe('gradients on Conv2d and Embedding match finite differences (float64)', () => {
  let previous: ReturnType<typeof getDefaultDtype>;
  beforeAll(() => {
    previous = getDefaultDtype();
    setDefaultDtype('float64');
  });
  afterAll(() => setDefaultDtype(previous));

  for (const c of [
    { name: 'Conv2d', make: () => new Sequential(new Conv2d(2, 3, 2, { seed: 5 })), x: [1, 2, 3, 3] },
    { name: 'Embedding', make: () => embeddingNet(6), x: undefined },
  ])
    for (const detach of [true, false])
      for (const method of ['dora', 'pissa', 'lora-dash'] as const) {
        if (method !== 'dora' && !detach) continue;
        it(`${method}${method === 'dora' ? (detach ? ' (norm detached)' : ' (norm differentiated)') : ''} on ${c.name}`, () => {
          const model = c.make();
          injectAdapters(model, {
            method,
            targetModules: ['0'],
            rank: 2,
            alpha: 3,
            doraDetachNorm: detach,
            dashDirections: 2,
            preLaunchSteps: 0,
          });
          perturbAdapters(model, 4, 0.2);
          const x = c.x ? randomInput(3, c.x) : tokens;
          const size = noGrad(() => model.forward(x)).size;
          const rng = new Rng(9);
          const r = Array.from({ length: size }, () => rng.normal());
          // With the detached norm only m's gradient is the true derivative (as for Linear).
          expectGradientsMatchFiniteDifferences(
            model,
            x,
            r,
            (name) => method === 'dora' && detach && !name.endsWith('lora_magnitude_vector'),
          );
        });
      }
});
