import { Rng } from '@numts/core';
import { getDefaultDtype, noGrad, setDefaultDtype, type Variable } from '@numts/nn';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdapterConfig,
  adaptersOf,
  injectAdapters,
  mergeAdapters,
  mergeAndUnload,
  unmergeAdapters,
} from '../src/index.js';
import {
  configName,
  DENSE_CONFIGS,
  expectGradientsMatchFiniteDifferences,
  perturbAdapters,
  randomInput,
  relErr,
  TinyMlp,
  tinyConvNet,
} from './helpers.js';

const F32_TOL = 2e-5;

function outputs(model: { forward(x: Variable): Variable }, x: Variable): Float64Array {
  return Float64Array.from(noGrad(() => model.forward(x)).data);
}

describe('no-op at initialisation', () => {
  for (const config of DENSE_CONFIGS) {
    it(`${configName(config)}: the adapted model equals the base model`, () => {
      const model = new TinyMlp(7, 9, 3, 11);
      const x = randomInput(5, [6, 7]);
      const before = outputs(model, x);
      const w1 = Float64Array.from(model.fc1.weight.data);
      injectAdapters(model, config);
      const after = outputs(model, x);
      // PiSSA/MiLoRA replace W by W − s·BA; SAM-PARSER rebuilds W from its SVD: float32 rounding.
      expect(relErr(after, before)).toBeLessThan(F32_TOL);
      if (config.method === 'pissa' || config.method === 'milora') {
        // The base weight really is the residual, and W_res + s·BA reproduces W.
        const [, a] = adaptersOf(model)[0]!;
        expect(relErr(model.fc1.weight.data, w1)).toBeGreaterThan(1e-3);
        expect(relErr(a.effectiveWeight(), w1)).toBeLessThan(F32_TOL);
      }
    });
  }

  it('LoRA and FLoRA on Conv2d (incl. FLoRA on a grouped conv) and LoRA on Embedding start as no-ops', async () => {
    for (const [groups, method] of [
      [1, 'lora'],
      [1, 'flora'],
      [2, 'flora'],
      [2, 'ssb'],
    ] as const) {
      const net = tinyConvNet(groups, 3);
      const x = randomInput(8, [2, 2, 5, 5]);
      const before = outputs(net, x);
      injectAdapters(net, { method, targetModules: ['0', '2'], rank: 2, floraRanks: [1, 2, 2, 2] });
      expect(relErr(outputs(net, x), before)).toBe(0);
    }
    const { Embedding, Variable: V } = await import('@numts/nn');
    const { Sequential } = await import('@numts/nn');
    const net = new Sequential(new Embedding(10, 4, { seed: 2 }));
    const idx = V.from([1, 3, 9, 0, 3, 2], [2, 3]);
    const before = outputs(net, idx);
    injectAdapters(net, { method: 'lora', targetModules: ['0'], rank: 2 });
    expect(relErr(outputs(net, idx), before)).toBe(0);
    // lookup() goes through the adapter too.
    perturbAdapters(net, 3);
    const emb = net.layers[0] as InstanceType<typeof Embedding>;
    expect(relErr(Float64Array.from(emb.lookup([1, 3, 9, 0, 3, 2], [2, 3]).data), outputs(net, idx))).toBe(0);
    expect(relErr(outputs(net, idx), before)).toBeGreaterThan(1e-3);
  });
});

describe('merge', () => {
  for (const config of DENSE_CONFIGS.filter((c) => c.method !== 'parallel')) {
    it(`${configName(config)}: merged forward = unmerged forward; unmerge restores W bit for bit`, () => {
      const model = new TinyMlp(7, 9, 3, 12);
      const x = randomInput(6, [5, 7]);
      injectAdapters(model, config);
      perturbAdapters(model, 1);
      if (config.method === 'lora-dash') perturbAdapters(model, 2);
      const w = Float64Array.from(model.fc1.weight.data);
      const unmerged = outputs(model, x);
      mergeAdapters(model);
      expect(relErr(outputs(model, x), unmerged)).toBeLessThan(F32_TOL);
      unmergeAdapters(model);
      expect(Array.from(model.fc1.weight.data)).toEqual(Array.from(w));
      expect(relErr(outputs(model, x), unmerged)).toBe(0);
    });
  }

  it('mergeAndUnload returns the plain model with the adapted forward (dense and conv)', () => {
    const model = new TinyMlp(7, 9, 3, 13);
    const x = randomInput(7, [4, 7]);
    injectAdapters(model, { method: 'dora', targetModules: 'fc\\d', rank: 3 });
    perturbAdapters(model, 3);
    const adapted = outputs(model, x);
    const plain = mergeAndUnload(model);
    expect(adaptersOf(plain)).toHaveLength(0);
    expect(plain.namedParameters().map(([n]) => n)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(relErr(outputs(plain, x), adapted)).toBeLessThan(F32_TOL);
    // Trainability is restored as it was before injection (here: everything trainable).
    expect(plain.parameters().every((p) => p.requiresGrad)).toBe(true);
    const frozenHead = new TinyMlp(7, 9, 3, 14);
    for (const p of frozenHead.head.parameters()) p.requiresGrad = false;
    injectAdapters(frozenHead, { method: 'lora', targetModules: ['fc1'], rank: 2 });
    mergeAndUnload(frozenHead);
    expect(frozenHead.head.parameters().some((p) => p.requiresGrad)).toBe(false);
    expect(frozenHead.fc2.parameters().every((p) => p.requiresGrad)).toBe(true);

    for (const [groups, method] of [
      [1, 'lora'],
      [2, 'flora'],
      [1, 'ssb'],
      [2, 'ssb'],
      [2, 'ssl'],
      [2, 'ia3'],
    ] as const) {
      const net = tinyConvNet(groups, 4);
      const xc = randomInput(9, [2, 2, 5, 5]);
      injectAdapters(net, {
        method,
        targetModules: ['2'],
        rank: 2,
        floraRanks: [2, 3, 2, 2],
        floraScale: 1.5,
      });
      perturbAdapters(net, 5);
      const y = outputs(net, xc);
      mergeAndUnload(net);
      expect(relErr(outputs(net, xc), y)).toBeLessThan(F32_TOL);
    }
  });

  it('property: LoRA and FLoRA merge = unmerged forward for random shapes, ranks and scales', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 0.1, max: 8, noNaN: true }),
        fc.constantFrom<AdapterConfig['method']>(
          'lora',
          'dora',
          'lora-dash',
          'moslora',
          'flora',
          'trilora',
          'ssb',
        ),
        fc.integer({ min: 0, max: 1000 }),
        (inp, hidden, rank, alpha, method, seed) => {
          const model = new TinyMlp(inp, hidden, 2, seed);
          const r = Math.min(rank, inp, hidden);
          injectAdapters(model, {
            method,
            targetModules: ['fc1', 'fc2'],
            rank: r,
            alpha,
            dashDirections: 1,
            preLaunchSteps: 0,
            seed,
          });
          perturbAdapters(model, seed + 1);
          const x = randomInput(seed, [3, inp]);
          const y = outputs(model, x);
          mergeAdapters(model);
          return relErr(outputs(model, x), y) < 5 * F32_TOL;
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe('gradients match finite differences (float64)', () => {
  let previous: ReturnType<typeof getDefaultDtype>;
  beforeAll(() => {
    previous = getDefaultDtype();
    setDefaultDtype('float64');
  });
  afterAll(() => setDefaultDtype(previous));

  it('SSB and FLoRA on a grouped Conv2d', () => {
    for (const method of ['ssb', 'flora'] as const) {
      const net = tinyConvNet(2, 5);
      injectAdapters(net, { method, targetModules: ['2'], floraRanks: [2, 2, 2, 2], floraScale: 1.3 });
      perturbAdapters(net, 6, 0.2);
      const x = randomInput(2, [1, 2, 4, 4]);
      expectGradientsMatchFiniteDifferences(
        net,
        x,
        Array.from({ length: 4 * 16 }, (_, i) => Math.sin(i)),
      );
    }
  });

  const configs: AdapterConfig[] = [
    ...DENSE_CONFIGS,
    { method: 'dora', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 4, doraDetachNorm: false },
  ];
  for (const config of configs) {
    it(`${configName(config)}${config.doraDetachNorm === false ? ' (norm not detached)' : ''}`, () => {
      const model = new TinyMlp(5, 6, 3, 21);
      injectAdapters(model, config);
      perturbAdapters(model, 4, 0.2);
      const x = randomInput(3, [4, 5]);
      const rng = new Rng(9);
      const r = Array.from({ length: 12 }, () => rng.normal());
      // With the detached DoRA norm only m's gradient is the true derivative.
      const detached = config.method === 'dora' && config.doraDetachNorm !== false;
      expectGradientsMatchFiniteDifferences(
        model,
        x,
        r,
        (name) => detached && !name.endsWith('lora_magnitude_vector'),
      );
    });
  }
});

describe('hostile weights', () => {
  it('property: rank-deficient, subnormal or widely scaled weights give finite adapters or a clear error', () => {
    const hostile = fc.oneof(
      fc.constant('rank1'),
      fc.constant('zero'),
      fc.constant('subnormal'),
      fc.constant('huge-range'),
      fc.constant('nan'),
    );
    fc.assert(
      fc.property(
        hostile,
        fc.constantFrom<AdapterConfig['method']>(
          'lora',
          'dora',
          'pissa',
          'milora',
          'lora-dash',
          'sam-parser',
          'ssb',
        ),
        fc.integer({ min: 0, max: 1000 }),
        (kind, method, seed) => {
          const model = new TinyMlp(5, 4, 2, seed);
          const w = model.fc1.weight.data;
          const rng = new Rng(seed);
          const u = Array.from({ length: 4 }, () => rng.normal());
          const v = Array.from({ length: 5 }, () => rng.normal());
          for (let i = 0; i < 4; i++)
            for (let j = 0; j < 5; j++) {
              const k = i * 5 + j;
              if (kind === 'rank1') w[k] = u[i]! * v[j]!;
              else if (kind === 'zero') w[k] = 0;
              else if (kind === 'subnormal') w[k] = 1e-40 * u[i]! * (j + 1);
              else if (kind === 'huge-range') w[k] = w[k]! * 10 ** ((k % 7) * 5 - 15);
            }
          if (kind === 'nan') w[7] = Number.NaN;
          const inject = () =>
            injectAdapters(model, {
              method,
              targetModules: ['fc1'],
              rank: 2,
              dashDirections: 1,
              preLaunchSteps: 0,
              seed,
            });
          if (kind === 'nan') {
            expect(inject).toThrow('injectAdapters: the weight of "fc1" must be finite (element 7 is NaN)');
            return;
          }
          inject();
          const y = outputs(model, randomInput(seed, [2, 5]));
          for (const v of y) expect(Number.isFinite(v)).toBe(true);
        },
      ),
      { numRuns: 120, seed: 99 },
    );
  });
});
