import { DomainError, FormatError, NonFiniteError, ShapeError } from '@numts/core';
import { writeSafetensors } from '@numts/io';
import { describe, expect, it } from 'vitest';
import {
  type AdapterConfig,
  adaptersOf,
  injectAdapters,
  loadAdapter,
  mergeAdapters,
  mpcPenalty,
  parseAdapterConfig,
  saveAdapter,
} from '../src/index.js';
import { TinyMlp, tinyConvNet } from './helpers.js';

const mlp = () => new TinyMlp(6, 5, 3);
const inject = (c: Partial<AdapterConfig>) => () =>
  injectAdapters(mlp(), { method: 'lora', targetModules: ['fc1'], ...c } as AdapterConfig);

describe('bad input gives a clear error', () => {
  it('rank ≤ 0 or > min(in, out)', () => {
    expect(inject({ rank: 0 })).toThrow(
      new DomainError('injectAdapters: config.rank must be a positive integer (got 0)'),
    );
    expect(inject({ rank: 6 })).toThrow(
      'injectAdapters (fc1): rank must be an integer in [1, 5] for this Linear (min(out, in) = 5; got 6)',
    );
    expect(inject({ rank: 2.5 })).toThrow('config.rank must be a positive integer (got 2.5)');
    expect(inject({ method: 'lora-dash', rank: 2, dashDirections: 9 })).toThrow(
      'lora-dash: dashDirections must be an integer in [1, 5] (got 9)',
    );
    expect(() =>
      injectAdapters(tinyConvNet(), { method: 'flora', targetModules: ['2'], floraRanks: [1, 5, 1, 1] }),
    ).toThrow('flora: r_out must be an integer in [1, 4] for this Conv2d (got 5)');
  });

  it('unknown or unsuitable target modules', () => {
    expect(inject({ targetModules: ['fc9'] })).toThrow(
      'injectAdapters: target module "fc9" matches no module of the model (modules: fc1, fc2, head)',
    );
    expect(inject({ targetModules: 'nothing.*' })).toThrow(
      'injectAdapters: targetModules "nothing.*" selects no Linear, Conv2d or Embedding layer',
    );
    expect(inject({ targetModules: 'fc[' })).toThrow(/targetModules "fc\[" is not a valid regex/);
    expect(inject({ targetModules: ['act'] })).toThrow('matches no module');
    expect(() => injectAdapters(tinyConvNet(), { method: 'lora', targetModules: ['1'] })).toThrow(
      'injectAdapters: target module "1" is a Lambda; adapters attach to Linear, Conv2d, Conv1D or Embedding layers',
    );
    expect(() => injectAdapters(tinyConvNet(), { method: 'sam-parser', targetModules: ['0'] })).toThrow(
      'injectAdapters: sam-parser adapts Linear layers only; "0" is a Conv2d',
    );
    expect(() => injectAdapters(tinyConvNet(2), { method: 'lora', targetModules: ['2'], rank: 1 })).toThrow(
      'lora: LoRA on a grouped Conv2d (groups = 2) is not supported; use FLoRA, which handles groups',
    );
    expect(inject({ method: 'nope' as AdapterConfig['method'] })).toThrow(
      /config.method must be one of "lora", /,
    );
    expect(inject({ modulesToSave: ['classifier'] })).toThrow(
      'injectAdapters: modulesToSave entry "classifier" matches no module',
    );
  });

  it('NaN weights', () => {
    const m = mlp();
    m.fc1.weight.data[3] = Number.NaN;
    const call = () => injectAdapters(m, { method: 'lora', targetModules: ['fc1'], rank: 1 });
    expect(call).toThrow(NonFiniteError);
    expect(call).toThrow('injectAdapters: the weight of "fc1" must be finite (element 3 is NaN)');
  });

  it('merging what cannot be merged, twice, or saving while merged', () => {
    const m = mlp();
    injectAdapters(m, { method: 'parallel', targetModules: ['fc1'], rank: 2 });
    expect(() => mergeAdapters(m)).toThrow('mergeAdapters: the parallel adapter on "fc1" cannot be merged');
    expect(() => adaptersOf(m)[0]![1].deltaWeight()).toThrow(/has no weight update/);
    expect(() => injectAdapters(m, { method: 'lora', targetModules: ['fc2'] })).toThrow(
      'injectAdapters: the model already has adapters; unload them first',
    );
    const n = mlp();
    injectAdapters(n, { method: 'lora', targetModules: ['fc1'], rank: 1 });
    mergeAdapters(n);
    expect(() => mergeAdapters(n)).toThrow('lora.merge: the adapter is already merged');
    expect(() => saveAdapter(n)).toThrow(
      'saveAdapter: the adapter on "fc1" is merged; unmerge it before saving',
    );
    n.fc1.adapter!.train();
    const a = adaptersOf(n)[0]![1];
    a.unmerge();
    expect(() => a.unmerge()).toThrow('lora.unmerge: the adapter is not merged');
    expect(() => saveAdapter(mlp())).toThrow(
      'saveAdapter: the model has no adapters (use injectAdapters first)',
    );
    const big = mlp();
    injectAdapters(big, { method: 'ssl', targetModules: ['fc1'] });
    (adaptersOf(big)[0]![1] as unknown as { scaleIn: { data: Float32Array } }).scaleIn.data[0] = 1e38;
    big.fc1.weight.data.fill(1e10);
    expect(() => mergeAdapters(big)).toThrow(
      /ssl.merge: the merged weight would not be finite \(element 0 is Infinity\)/,
    );
  });

  it('shape-mismatched, incomplete or foreign adapter files', () => {
    const src = mlp();
    injectAdapters(src, { method: 'lora', targetModules: ['fc1', 'fc2'], rank: 2 });
    const files = saveAdapter(src);
    const wrongShape = writeSafetensors({
      'base_model.model.fc1.lora_A.weight': { data: new Float32Array(12), shape: [2, 6] },
      'base_model.model.fc1.lora_B.weight': { data: new Float32Array(10), shape: [5, 2] },
      'base_model.model.fc2.lora_A.weight': { data: new Float32Array(12), shape: [2, 6] },
      'base_model.model.fc2.lora_B.weight': { data: new Float32Array(10), shape: [5, 2] },
    });
    const target = mlp();
    expect(() => loadAdapter(target, { config: files.config, weights: wrongShape })).toThrow(
      new ShapeError(
        'loadAdapter: tensor "base_model.model.fc2.lora_A.weight" has shape [2, 6] but the model expects [2, 5]',
      ),
    );
    // A failed load leaves the model as it was.
    expect(adaptersOf(target)).toHaveLength(0);
    expect(target.parameters().every((p) => p.requiresGrad)).toBe(true);
    const missing = writeSafetensors({
      'base_model.model.fc1.lora_A.weight': { data: new Float32Array(12), shape: [2, 6] },
    });
    expect(() => loadAdapter(mlp(), { config: files.config, weights: missing })).toThrow(
      'loadAdapter: adapter_model.safetensors has no tensor "base_model.model.fc1.lora_B.weight" (expected shape [5, 2])',
    );
    const extra = writeSafetensors({
      'base_model.model.fc1.lora_A.weight': { data: new Float32Array(12), shape: [2, 6] },
      'base_model.model.fc1.lora_B.weight': { data: new Float32Array(10), shape: [5, 2] },
      'base_model.model.fc2.lora_A.weight': { data: new Float32Array(10), shape: [2, 5] },
      'base_model.model.fc2.lora_B.weight': { data: new Float32Array(10), shape: [5, 2] },
      'base_model.model.head.lora_A.weight': { data: new Float32Array(10), shape: [2, 5] },
    });
    expect(() => loadAdapter(mlp(), { config: files.config, weights: extra })).toThrow(
      'loadAdapter: adapter_model.safetensors has tensors the model\'s adapters do not use: "base_model.model.head.lora_A.weight"',
    );
    const nan = writeSafetensors({
      'base_model.model.fc1.lora_A.weight': { data: new Float32Array(12).fill(Number.NaN), shape: [2, 6] },
      'base_model.model.fc1.lora_B.weight': { data: new Float32Array(10), shape: [5, 2] },
      'base_model.model.fc2.lora_A.weight': { data: new Float32Array(10), shape: [2, 5] },
      'base_model.model.fc2.lora_B.weight': { data: new Float32Array(10), shape: [5, 2] },
    });
    expect(() => loadAdapter(mlp(), { config: files.config, weights: nan })).toThrow(
      'loadAdapter: tensor "base_model.model.fc1.lora_A.weight" must be finite (element 0 is NaN)',
    );
    expect(() =>
      loadAdapter(mlp(), { config: '{"peft_type": "PREFIX_TUNING"}', weights: files.weights }),
    ).toThrow(
      new FormatError(
        'parseAdapterConfig: peft_type "PREFIX_TUNING" is not supported (LORA, IA3, LOHA, LOKR, VERA, ADALORA, or a file written by numts)',
      ),
    );
    expect(() => parseAdapterConfig('not json')).toThrow(/adapter_config.json is not valid JSON/);
    expect(() => loadAdapter(mlp(), { config: files.config, weights: new Uint8Array(3) })).toThrow(
      FormatError,
    );
  });

  it('MPC options', () => {
    const m = mlp();
    injectAdapters(m, { method: 'ssb', targetModules: ['fc1'] });
    expect(() => mpcPenalty(m, { kind: 'orthogonal' })).toThrow(
      'mpcPenalty: the model has no adapter with low-rank factors',
    );
    expect(() => mpcPenalty(m, { kind: 'x' as 'orthogonal' })).toThrow(
      'mpcPenalty: kind must be "orthogonal" or "diagonal" (got "x")',
    );
    expect(() => mpcPenalty(m, { kind: 'orthogonal', lambda: -1 })).toThrow(/lambda must lie in/);
  });
});
