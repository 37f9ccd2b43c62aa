import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, SafetensorsFile } from '@numts/io';
import { Embedding, noGrad, Sequential, Variable } from '@numts/nn';
import { describe, expect, it } from 'vitest';
import {
  adaptersOf,
  deltaWeight,
  injectAdapters,
  inspectAdapter,
  loadAdapter,
  notifyOptimizerStep,
  saveAdapter,
} from '../src/index.js';
import { readAdapterDir } from '../src/node.js';
import { FIXTURE_DIR, readJson } from './fixtures.js';
import { perturbAdapters, randomInput, relErr, TinyMlp, tinyConvNet } from './helpers.js';

interface Expected {
  x: number[];
  xShape: [number, number];
  lora: number[];
  dora: number[];
  loraDelta: Record<string, number[]>;
  loraSpectrum: Record<string, number[]>;
  loraRates: Record<string, number[]>;
}
const expected = readJson<Expected>('expected.json');

function baseModel(): TinyMlp {
  const model = new TinyMlp(6, 5, 3);
  const { tensors } = readSafetensors(readFileSync(join(FIXTURE_DIR, 'base.safetensors')));
  model.loadStateDict(
    Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { data: t.data, shape: [...t.shape] }])),
  );
  return model;
}

describe('HF peft adapter files', () => {
  for (const kind of ['lora', 'dora'] as const) {
    it(`loads a ${kind.toUpperCase()} adapter laid out by HF peft; the forward matches numpy`, () => {
      const model = baseModel();
      const adapters = loadAdapter(model, readAdapterDir(join(FIXTURE_DIR, `hf_${kind}`)));
      expect([...adapters.keys()]).toEqual(['fc1', 'fc2']);
      const x = Variable.from(expected.x, expected.xShape);
      model.eval();
      const y = noGrad(() => model.forward(x)).data;
      expect(relErr(y, expected[kind])).toBeLessThan(1e-5);
      if (kind === 'lora')
        for (const name of ['fc1', 'fc2'] as const)
          expect(relErr(deltaWeight(model[name]), expected.loraDelta[name]!)).toBeLessThan(1e-6);
    });
  }

  it('inspects an HF LoRA adapter: spectra and change rates match numpy', () => {
    const files = readAdapterDir(join(FIXTURE_DIR, 'hf_lora'));
    const base = readSafetensors(readFileSync(join(FIXTURE_DIR, 'base.safetensors'))).tensors;
    const report = inspectAdapter(files, { baseWeights: base, directions: 2 });
    expect(report.map((m) => m.path).sort()).toEqual(['fc1', 'fc2']);
    for (const m of report) {
      expect(m.rank).toBe(2);
      expect(m.scaling).toBe(2);
      const want = expected.loraSpectrum[m.path]!;
      m.spectrum.values.forEach((v, i) => {
        expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5 * want[0]!);
      });
      const rates = expected.loraRates[m.path]!;
      m.directions!.rates.forEach((v, i) => {
        expect(Math.abs(v - rates[i]!)).toBeLessThan(1e-5);
      });
      const top = rates.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0])[0]![1];
      expect(m.directions!.indices[0]).toBe(top);
    }
  });

  it('writes HF key names, shapes and adapter_config.json fields (Linear, DoRA, Conv2d, Embedding)', () => {
    const model = new TinyMlp(6, 5, 3);
    injectAdapters(model, {
      method: 'dora',
      targetModules: ['fc1', 'fc2'],
      rank: 2,
      alpha: 4,
      modulesToSave: ['head'],
    });
    const files = saveAdapter(model, { baseModelName: 'tiny' });
    const f = SafetensorsFile.parse(files.weights);
    expect(f.metadata).toEqual({ format: 'pt' });
    const shapes = Object.fromEntries(f.names.map((n) => [n, f.entries.get(n)!.shape]));
    expect(shapes).toEqual({
      'base_model.model.fc1.lora_A.weight': [2, 6],
      'base_model.model.fc1.lora_B.weight': [5, 2],
      'base_model.model.fc1.lora_magnitude_vector': [5],
      'base_model.model.fc2.lora_A.weight': [2, 5],
      'base_model.model.fc2.lora_B.weight': [5, 2],
      'base_model.model.fc2.lora_magnitude_vector': [5],
      'base_model.model.head.weight': [3, 5],
      'base_model.model.head.bias': [3],
    });
    const config = JSON.parse(files.config);
    expect(config).toMatchObject({
      peft_type: 'LORA',
      task_type: null,
      base_model_name_or_path: 'tiny',
      inference_mode: true,
      r: 2,
      lora_alpha: 4,
      lora_dropout: 0,
      bias: 'none',
      fan_in_fan_out: false,
      target_modules: ['fc1', 'fc2'],
      use_rslora: false,
      use_dora: true,
      lora_bias: false,
      init_lora_weights: true,
      rank_pattern: {},
      alpha_pattern: {},
      modules_to_save: ['head'],
    });
    for (const key of [
      'revision',
      'peft_version',
      'auto_mapping',
      'layers_to_transform',
      'layers_pattern',
      'loftq_config',
    ])
      expect(config).toHaveProperty(key);

    const conv = tinyConvNet();
    injectAdapters(conv, { method: 'lora', targetModules: ['0', '2'], rank: 2 });
    const cf = SafetensorsFile.parse(saveAdapter(conv).weights);
    expect(cf.entries.get('base_model.model.0.lora_A.weight')!.shape).toEqual([2, 2, 3, 3]);
    expect(cf.entries.get('base_model.model.0.lora_B.weight')!.shape).toEqual([6, 2, 1, 1]);

    const emb = new Sequential(new Embedding(10, 4));
    injectAdapters(emb, { method: 'lora', targetModules: ['0'], rank: 3 });
    const ef = SafetensorsFile.parse(saveAdapter(emb).weights);
    expect(ef.entries.get('base_model.model.0.lora_embedding_A')!.shape).toEqual([3, 10]);
    expect(ef.entries.get('base_model.model.0.lora_embedding_B')!.shape).toEqual([4, 3]);
  });

  it('round trip is byte-stable and restores the forward, for every method', () => {
    const methods = [
      'lora',
      'dora',
      'pissa',
      'lora-dash',
      'ssl',
      'ssb',
      'ia3',
      'sam-parser',
      'parallel',
      'trilora',
      'moslora',
      'flora',
    ] as const;
    for (const method of methods) {
      const model = new TinyMlp(6, 5, 3, 1);
      injectAdapters(model, {
        method,
        targetModules: ['fc1', 'fc2'],
        rank: 2,
        dashDirections: 2,
        preLaunchSteps: 1,
      });
      perturbAdapters(model, 2);
      if (method === 'lora-dash') {
        notifyOptimizerStep(model); // selects the directions
        perturbAdapters(model, 3);
      }
      const x = randomInput(4, [3, 6]);
      const y = noGrad(() => model.forward(x)).data;
      const files = saveAdapter(model);
      // PiSSA's adapter applies to the residual weight, so the reloaded model needs it as its base.
      const fresh = new TinyMlp(6, 5, 3, 1);
      if (method === 'pissa') {
        fresh.fc1.weight.data.set(model.fc1.weight.data);
        fresh.fc2.weight.data.set(model.fc2.weight.data);
      }
      loadAdapter(fresh, files);
      expect(relErr(noGrad(() => fresh.forward(x)).data, y), method).toBeLessThan(
        method === 'sam-parser' ? 1e-5 : 1e-6,
      );
      const again = saveAdapter(fresh);
      expect(Buffer.from(again.weights).equals(Buffer.from(files.weights)), method).toBe(true);
      // A reloaded PiSSA adapter is plain LoRA on the residual weight, so only its config differs.
      if (method !== 'pissa') expect(again.config, method).toBe(files.config);
      else expect(JSON.parse(again.numts!).numts_config.method).toBe('lora');
    }
  });

  it('PiSSA saved as a rank-2r LoRA applies to the original weight', () => {
    const model = new TinyMlp(6, 5, 3, 2);
    const original = new TinyMlp(6, 5, 3, 2);
    injectAdapters(model, { method: 'pissa', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 3 });
    perturbAdapters(model, 5);
    const x = randomInput(1, [3, 6]);
    const y = noGrad(() => model.forward(x)).data;
    const files = saveAdapter(model, { svdInitAsLora: true });
    const config = JSON.parse(files.config);
    expect([config.r, config.lora_alpha, config.init_lora_weights]).toEqual([4, 6, true]);
    loadAdapter(original, files);
    expect(relErr(noGrad(() => original.forward(x)).data, y)).toBeLessThan(1e-5);
  });

  it('LoRA-Dash exported as a rank-(r+s) LoRA gives the same ΔW', () => {
    const model = new TinyMlp(6, 5, 3, 3);
    injectAdapters(model, {
      method: 'lora-dash',
      targetModules: ['fc1', 'fc2'],
      rank: 2,
      alpha: 4,
      dashDirections: 3,
      preLaunchSteps: 2,
    });
    perturbAdapters(model, 6);
    notifyOptimizerStep(model);
    notifyOptimizerStep(model);
    perturbAdapters(model, 7);
    const files = saveAdapter(model, { dashAsLora: true });
    const config = JSON.parse(files.config);
    expect([config.peft_type, config.r, config.lora_alpha]).toEqual(['LORA', 5, 10]);
    const plain = new TinyMlp(6, 5, 3, 3);
    loadAdapter(plain, files);
    for (const [path, a] of adaptersOf(plain)) {
      expect(a.method).toBe('lora');
      const dash = adaptersOf(model).find(([p]) => p === path)![1];
      expect(relErr(a.deltaWeight(), dash.deltaWeight())).toBeLessThan(1e-6);
    }
    const x = randomInput(2, [3, 6]);
    expect(relErr(noGrad(() => plain.forward(x)).data, noGrad(() => model.forward(x)).data)).toBeLessThan(
      1e-6,
    );
  });

  it('uses the HF adapter files with rank_pattern', () => {
    const model = new TinyMlp(6, 5, 3, 4);
    injectAdapters(model, {
      method: 'lora',
      targetModules: ['fc1', 'fc2'],
      rank: 2,
      rankPattern: { fc2: 3 },
    });
    expect(adaptersOf(model).map(([, a]) => (a as unknown as { rank: number }).rank)).toEqual([2, 3]);
    const config = JSON.parse(saveAdapter(model).config);
    expect(config.rank_pattern).toEqual({ fc2: 3 });
  });
});
