// peft's own LOHA, LOKR, VERA and ADALORA files. No stock-peft fixture of these types exists in
// ../shared/reference/hf, so the expected field names, keys and shapes below are written from
// peft's source (the config dataclasses in src/peft/tuners/{loha,lokr,vera,adalora}/config.py and
// src/peft/config.py, the ParameterDict names in each tuner's layer.py, and
// utils/save_and_load.py, which strips the adapter name: `…fc1.hada_w1_a.default` → `…fc1.hada_w1_a`).
import { DomainError, FormatError, ShapeError } from '@numts/core';
import { SafetensorsFile } from '@numts/io';
import { noGrad, type Variable } from '@numts/nn';
import { describe, expect, it } from 'vitest';
import {
  type AdaloraAdapter,
  AdaloraAllocator,
  type AdapterConfig,
  type AdapterFiles,
  adaptersOf,
  injectAdapters,
  inspectAdapter,
  loadAdapter,
  saveAdapter,
} from '../src/index.js';
import { perturbAdapters, randomInput, relErr, TinyMlp } from './helpers.js';

/** peft's `PeftConfig` fields (config.py) that every type writes. */
const PEFT_CONFIG = [
  'auto_mapping',
  'base_model_name_or_path',
  'inference_mode',
  'peft_type',
  'peft_version',
  'revision',
  'task_type',
];
/** `LycorisConfig` + `LoHaConfig` fields. */
const LOHA_FIELDS = [
  ...PEFT_CONFIG,
  'alpha',
  'alpha_pattern',
  'exclude_modules',
  'init_weights',
  'layers_pattern',
  'layers_to_transform',
  'module_dropout',
  'modules_to_save',
  'r',
  'rank_dropout',
  'rank_pattern',
  'target_modules',
  'use_effective_conv2d',
];
const LOKR_FIELDS = [...LOHA_FIELDS, 'decompose_both', 'decompose_factor', 'rank_dropout_scale'];
const VERA_FIELDS = [
  ...PEFT_CONFIG,
  'bias',
  'd_initial',
  'fan_in_fan_out',
  'init_weights',
  'layers_pattern',
  'layers_to_transform',
  'modules_to_save',
  'projection_prng_key',
  'r',
  'save_projection',
  'target_modules',
  'vera_dropout',
];
/** AdaLoraConfig's own fields (it extends LoraConfig, whose fields the LoRA fixture tests fix). */
const ADALORA_OWN = [
  'beta1',
  'beta2',
  'deltaT',
  'init_r',
  'orth_reg_weight',
  'target_r',
  'tfinal',
  'tinit',
  'total_step',
];

const x = randomInput(3, [4, 6]);
const out = (m: { forward(x: Variable): Variable }) => Float64Array.from(noGrad(() => m.forward(x)).data);
const mlp = () => new TinyMlp(6, 8, 3, 2);

function adapted(config: AdapterConfig): { model: TinyMlp; y: Float64Array } {
  const model = mlp();
  injectAdapters(model, config);
  perturbAdapters(model, 5, 0.4);
  return { model, y: out(model) };
}

function tensorsOf(files: AdapterFiles): Record<string, { shape: number[]; dtype: string }> {
  const f = SafetensorsFile.parse(files.weights);
  return Object.fromEntries(
    f.names.map((n) => [n, { shape: [...f.entries.get(n)!.shape], dtype: f.entries.get(n)!.dtype }]),
  );
}

/** Loads as numts would (with numts_adapter.json) and as a stock-peft folder (without it). */
function expectLoadsBack(files: AdapterFiles, y: Float64Array): void {
  for (const withNumts of [true, false]) {
    const fresh = mlp();
    loadAdapter(fresh, withNumts ? files : { config: files.config, weights: files.weights });
    expect(relErr(out(fresh), y), `with numts_adapter.json: ${withNumts}`).toBeLessThan(2e-5);
  }
}

const sortedKeys = (o: object) => Object.keys(o).sort();
const P = 'base_model.model.';

describe("peft's LOHA, LOKR, VERA and ADALORA files", () => {
  it('LoHa: LoHaConfig fields, hada_* keys in (out, r) / (r, in), F32; loads back with and without numts config', () => {
    const { model, y } = adapted({ method: 'loha', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 3 });
    const files = saveAdapter(model);
    const config = JSON.parse(files.config);
    expect(sortedKeys(config)).toEqual([...LOHA_FIELDS].sort());
    expect([config.peft_type, config.r, config.alpha, config.target_modules]).toEqual([
      'LOHA',
      2,
      3,
      ['fc1', 'fc2'],
    ]);
    expect(tensorsOf(files)).toEqual({
      [`${P}fc1.hada_w1_a`]: { shape: [8, 2], dtype: 'F32' },
      [`${P}fc1.hada_w1_b`]: { shape: [2, 6], dtype: 'F32' },
      [`${P}fc1.hada_w2_a`]: { shape: [8, 2], dtype: 'F32' },
      [`${P}fc1.hada_w2_b`]: { shape: [2, 6], dtype: 'F32' },
      [`${P}fc2.hada_w1_a`]: { shape: [8, 2], dtype: 'F32' },
      [`${P}fc2.hada_w1_b`]: { shape: [2, 8], dtype: 'F32' },
      [`${P}fc2.hada_w2_a`]: { shape: [8, 2], dtype: 'F32' },
      [`${P}fc2.hada_w2_b`]: { shape: [2, 8], dtype: 'F32' },
    });
    expectLoadsBack(files, y);
  });

  it('LoKr: LoKrConfig fields, lokr_w1 full and lokr_w2 full or factored as peft decides; rank_pattern for a differing layer', () => {
    const { model, y } = adapted({
      method: 'lokr',
      targetModules: ['fc1', 'fc2'],
      rank: 1,
      alpha: 2,
      rankPattern: { fc2: 4 },
    });
    const files = saveAdapter(model);
    const config = JSON.parse(files.config);
    expect(sortedKeys(config)).toEqual([...LOKR_FIELDS].sort());
    expect(config.peft_type).toBe('LOKR');
    expect([
      config.r,
      config.alpha,
      config.rank_pattern,
      config.decompose_both,
      config.decompose_factor,
    ]).toEqual([1, 2, { fc2: 4 }, false, -1]);
    // fc1 6→8: out 8 = 2·4, in 6 = 2·3; r = 1 < max(4, 3)/2 → W₂ factored. fc2 8→8 at r = 4: 4 ≥ 4/2 → full.
    expect(tensorsOf(files)).toEqual({
      [`${P}fc1.lokr_w1`]: { shape: [2, 2], dtype: 'F32' },
      [`${P}fc1.lokr_w2_a`]: { shape: [4, 1], dtype: 'F32' },
      [`${P}fc1.lokr_w2_b`]: { shape: [1, 3], dtype: 'F32' },
      [`${P}fc2.lokr_w1`]: { shape: [2, 2], dtype: 'F32' },
      [`${P}fc2.lokr_w2`]: { shape: [4, 4], dtype: 'F32' },
    });
    expectLoadsBack(files, y);
  });

  it('VeRA: VeraConfig fields with save_projection, λ vectors per layer and the shared projections once', () => {
    const { model, y } = adapted({
      method: 'vera',
      targetModules: ['fc1', 'fc2', 'head'],
      rank: 5,
      veraDInitial: 0.2,
      projectionPrngKey: 3,
    });
    const files = saveAdapter(model);
    const config = JSON.parse(files.config);
    expect(sortedKeys(config)).toEqual([...VERA_FIELDS].sort());
    expect([
      config.peft_type,
      config.r,
      config.d_initial,
      config.projection_prng_key,
      config.save_projection,
    ]).toEqual(['VERA', 5, 0.2, 3, true]);
    // Largest layer: out 8 (fc1, fc2), in 8 (fc2, head).
    expect(tensorsOf(files)).toEqual({
      'base_model.vera_A': { shape: [5, 8], dtype: 'F32' },
      'base_model.vera_B': { shape: [8, 5], dtype: 'F32' },
      [`${P}fc1.vera_lambda_b`]: { shape: [8], dtype: 'F32' },
      [`${P}fc1.vera_lambda_d`]: { shape: [5], dtype: 'F32' },
      [`${P}fc2.vera_lambda_b`]: { shape: [8], dtype: 'F32' },
      [`${P}fc2.vera_lambda_d`]: { shape: [5], dtype: 'F32' },
      [`${P}head.vera_lambda_b`]: { shape: [3], dtype: 'F32' },
      [`${P}head.vera_lambda_d`]: { shape: [5], dtype: 'F32' },
    });
    expectLoadsBack(files, y);
  });

  it('VeRA: the stored projections win over the seed (peft files carry torch-generated ones)', () => {
    const { model, y } = adapted({
      method: 'vera',
      targetModules: ['fc1', 'fc2'],
      rank: 4,
      projectionPrngKey: 1,
    });
    const files = saveAdapter(model);
    // The same file claiming another seed: numts cannot regenerate torch's, so it must use the file's.
    const config = JSON.parse(files.config);
    config.projection_prng_key = 99;
    const fresh = mlp();
    loadAdapter(fresh, { config: JSON.stringify(config), weights: files.weights });
    expect(relErr(out(fresh), y)).toBeLessThan(2e-5);
  });

  it('AdaLoRA: AdaLoraConfig fields from the schedule, lora_A (r, in), lora_E (r, 1), lora_B (out, r), no ranknum', () => {
    const { model, y } = adapted({ method: 'adalora', targetModules: ['fc1', 'fc2'], rank: 3, alpha: 4 });
    const files = saveAdapter(model, { adalora: { totalStep: 100, targetRank: 2, tinit: 10, tfinal: 20 } });
    const config = JSON.parse(files.config);
    for (const k of ADALORA_OWN) expect(config).toHaveProperty(k);
    expect(config).toMatchObject({
      peft_type: 'ADALORA',
      init_r: 3,
      r: 8,
      lora_alpha: 4,
      target_r: 2,
      total_step: 100,
      tinit: 10,
      tfinal: 20,
      deltaT: 1,
      beta1: 0.85,
      beta2: 0.85,
      orth_reg_weight: 0.5,
      rank_pattern: null,
      use_dora: false,
    });
    expect(tensorsOf(files)).toEqual({
      [`${P}fc1.lora_A`]: { shape: [3, 6], dtype: 'F32' },
      [`${P}fc1.lora_E`]: { shape: [3, 1], dtype: 'F32' },
      [`${P}fc1.lora_B`]: { shape: [8, 3], dtype: 'F32' },
      [`${P}fc2.lora_A`]: { shape: [3, 8], dtype: 'F32' },
      [`${P}fc2.lora_E`]: { shape: [3, 1], dtype: 'F32' },
      [`${P}fc2.lora_B`]: { shape: [8, 3], dtype: 'F32' },
    });
    expectLoadsBack(files, y);
  });

  it('AdaLoRA after the final allocation: pruned triplets left out, rank_pattern of kept flags, loads back exactly', () => {
    const { model } = adapted({ method: 'adalora', targetModules: ['fc1', 'fc2'], rank: 4, alpha: 4 });
    const layers = adaptersOf(model).map(([, a]) => a as AdaloraAdapter);
    const alloc = new AdaloraAllocator(model, { totalStep: 4, targetRank: 2, tfinal: 1 });
    for (const a of layers)
      for (const p of [a.loraA, a.loraB, a.loraE]) p.grad = new Float32Array(p.size).fill(1);
    alloc.updateAndAllocate(1); // sensitivities smoothed, budget 6 of 8
    alloc.updateAndAllocate(3); // T − t_final: the final budget, 2 per layer on average
    const y = out(model);
    const files = saveAdapter(model, { adalora: alloc });
    const config = JSON.parse(files.config);
    const pattern = config.rank_pattern as Record<string, boolean[]>;
    expect(Object.keys(pattern).sort()).toEqual(['fc1.lora_E', 'fc2.lora_E']);
    const kept = [pattern['fc1.lora_E']!, pattern['fc2.lora_E']!].map((p) => p.filter(Boolean).length);
    expect(kept[0]! + kept[1]!).toBe(4);
    expect(pattern['fc1.lora_E']).toEqual(Array.from(layers[0]!.loraE.data, (v) => v !== 0));
    const t = tensorsOf(files);
    expect(t[`${P}fc1.lora_A`]!.shape).toEqual([kept[0], 6]);
    expect(t[`${P}fc1.lora_E`]!.shape).toEqual([kept[0], 1]);
    expect(t[`${P}fc1.lora_B`]!.shape).toEqual([8, kept[0]]);
    expectLoadsBack(files, y);
  });

  it('bad or incomplete files and calls get a clear error', () => {
    const { model } = adapted({ method: 'adalora', targetModules: ['fc1'], rank: 3 });
    expect(() => saveAdapter(model)).toThrow(
      new DomainError(
        'saveAdapter: an AdaLoRA file needs its schedule (peft refuses one without total_step): pass { adalora: allocator } or { adalora: { totalStep } }',
      ),
    );
    const files = saveAdapter(model, { adalora: { totalStep: 10 } });
    const bad = JSON.parse(files.config);
    bad.rank_pattern = { 'fc1.lora_E': [true, false, true] };
    expect(() => loadAdapter(mlp(), { config: JSON.stringify(bad), weights: files.weights })).toThrow(
      new ShapeError(
        'loadAdapter: tensor "base_model.model.fc1.lora_A" has shape [3, 6] but the model expects [2, 6] (rank_pattern keeps 2 of 3 triplets)',
      ),
    );
    bad.rank_pattern = { 'fc1.lora_E': [1, 0, 1] };
    expect(() => loadAdapter(mlp(), { config: JSON.stringify(bad), weights: files.weights })).toThrow(
      new FormatError('loadAdapter: AdaLoRA rank_pattern["fc1.lora_E"] must be a list of true/false'),
    );

    const vera = adapted({ method: 'vera', targetModules: ['fc1'], rank: 4 }).model;
    const vf = saveAdapter(vera);
    const noProjection = { ...JSON.parse(vf.config), save_projection: false };
    expect(() => loadAdapter(mlp(), { config: JSON.stringify(noProjection), weights: vf.weights })).toThrow(
      /save_projection = false has no projections; peft regenerates them with torch's generator/,
    );
    // A file whose projections are missing (older numts files did not store them).
    const f = SafetensorsFile.parse(vf.weights);
    expect(f.names).toContain('base_model.vera_A');
    const lambdasOnly = saveAdapter(adapted({ method: 'lora', targetModules: ['fc1'], rank: 2 }).model);
    expect(() => loadAdapter(mlp(), { config: vf.config, weights: lambdasOnly.weights })).toThrow(ShapeError);
  });

  it('inspectAdapter reports each LoHa, LoKr, VeRA and AdaLoRA module with its ΔW (VeRA needs the base weights)', () => {
    const configs: [AdapterConfig, Parameters<typeof saveAdapter>[1]][] = [
      [{ method: 'loha', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 3 }, {}],
      [{ method: 'lokr', targetModules: ['fc1', 'fc2'], rank: 1, alpha: 2 }, {}],
      [
        { method: 'adalora', targetModules: ['fc1', 'fc2'], rank: 3, alpha: 4 },
        { adalora: { totalStep: 5 } },
      ],
      [{ method: 'vera', targetModules: ['fc1', 'fc2'], rank: 4 }, {}],
    ];
    for (const [config, options] of configs) {
      const { model } = adapted(config);
      const files = saveAdapter(model, options);
      const baseWeights = Object.fromEntries(
        model.namedParameters().map(([n, p]) => [n, { data: p.data, shape: [...p.shape] }]),
      );
      if (config.method === 'vera')
        expect(() => inspectAdapter(files)).toThrow(
          new DomainError(
            'inspectAdapter: a VeRA file does not record the input size of "fc1"; pass the base weights (numts peft inspect --base)',
          ),
        );
      const report = inspectAdapter(files, { baseWeights });
      expect(report.map((m) => [m.path, m.kind, m.shape])).toEqual([
        ['fc1', config.method, [8, 6]],
        ['fc2', config.method, [8, 8]],
      ]);
      adaptersOf(model).forEach(([, a], i) => {
        const d = a.deltaWeight();
        const norm = Math.sqrt(d.reduce((t, v) => t + v * v, 0));
        expect(report[i]!.normDelta).toBeCloseTo(norm, 5);
        expect(report[i]!.directions?.indices.length).toBe(Math.min(...report[i]!.shape));
      });
      if (config.method !== 'vera')
        expect(inspectAdapter(files)[0]!.normDelta).toBeCloseTo(report[0]!.normDelta, 5);
    }
  });
});
