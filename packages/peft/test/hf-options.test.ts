/** peft options read from adapter_config.json: layers_to_transform, and options refused by name. */
import { Linear, Module, ModuleList } from '@numts/nn';
import { describe, expect, it } from 'vitest';
import { injectAdapters, layerIndex, parseAdapterConfig } from '../src/index.js';

class Block extends Module {
  readonly q_proj = this.child('q_proj', new Linear(4, 4, { seed: 1 }));
  forward(x: never): never {
    return x;
  }
}
class Net extends Module {
  readonly layers = this.child('layers', new ModuleList([new Block(), new Block(), new Block()]));
  forward(x: never): never {
    return x;
  }
}

const base = { peft_type: 'LORA', r: 2, lora_alpha: 4, target_modules: ['q_proj'] };

describe('adapter_config.json options', () => {
  it('layers_to_transform keeps the targets of the listed layers (first numeric component, or after layers_pattern)', () => {
    expect(layerIndex('vit.layers.1.attention.q_proj')).toBe(1);
    expect(layerIndex('model.h.3.mlp', ['h'])).toBe(3);
    expect(layerIndex('model.x.3.mlp', ['h'])).toBeUndefined();
    const config = parseAdapterConfig(
      JSON.stringify({ ...base, layers_to_transform: [0, 2], layers_pattern: 'layers' }),
    );
    expect(config.layersToTransform).toEqual([0, 2]);
    const adapters = injectAdapters(new Net(), config);
    expect([...adapters.keys()]).toEqual(['layers.0.q_proj', 'layers.2.q_proj']);
    const none = parseAdapterConfig(JSON.stringify({ ...base, layers_to_transform: 7 }));
    expect(() => injectAdapters(new Net(), none)).toThrow(/with layersToTransform \[7\] selects no Linear/);
  });

  it('options that change the computation are refused by name', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ bias: 'all' }, /bias = "all" \(trained biases\) is not supported/],
      [{ layer_replication: [[0, 1]] }, /layer_replication = \[\[0,1\]\] is not supported/],
      [{ target_parameters: ['w'] }, /target_parameters = \["w"\] is not supported/],
      [{ trainable_token_indices: [1] }, /trainable_token_indices = \[1\] is not supported/],
      [{ use_qalora: true }, /use_qalora = true is not supported/],
    ];
    for (const [extra, message] of cases)
      expect(() => parseAdapterConfig(JSON.stringify({ ...base, ...extra }))).toThrow(message);
    expect(() =>
      parseAdapterConfig(JSON.stringify({ ...base, bias: 'none', layer_replication: null })),
    ).not.toThrow();
  });
});

describe('PiSSA files for stock peft', () => {
  it('write init_lora_weights = true: the factors belong to the saved residual weight, no second SVD', async () => {
    const { saveAdapter } = await import('../src/index.js');
    const net = new Net();
    injectAdapters(net, { method: 'pissa', targetModules: ['q_proj'], rank: 2, alpha: 4 });
    expect(JSON.parse(saveAdapter(net).config).init_lora_weights).toBe(true);
    const net2 = new Net();
    injectAdapters(net2, { method: 'pissa', targetModules: ['q_proj'], rank: 2, alpha: 4, pissaNiter: 2 });
    expect(JSON.parse(saveAdapter(net2).config).init_lora_weights).toBe(true);
  });
});

describe("targetModules: 'all-linear'", () => {
  it('takes every Linear but the output layer, as peft', () => {
    class WithHead extends Module {
      readonly layers = this.child('layers', new ModuleList([new Block(), new Block()]));
      readonly lm_head = this.child('lm_head', new Linear(4, 7, { seed: 3 }));
      forward(x: never): never {
        return x;
      }
    }
    const adapters = injectAdapters(new WithHead(), { method: 'lora', targetModules: 'all-linear', rank: 2 });
    expect([...adapters.keys()]).toEqual(['layers.0.q_proj', 'layers.1.q_proj']);
  });
});

describe('numts_adapter.json', () => {
  it('holds the numts configuration beside clean peft files, and a directory round-trips it', async () => {
    const { saveAdapter, loadAdapter } = await import('../src/index.js');
    const { readAdapterDir, writeAdapterDir } = await import('../src/node.js');
    const { mkdtempSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const net = new Net();
    injectAdapters(net, { method: 'ssb', targetModules: ['q_proj'] });
    const files = saveAdapter(net);
    expect(JSON.parse(files.config).numts_config).toBeUndefined();
    expect(JSON.parse(files.numts!).numts_config.method).toBe('ssb');
    const dir = mkdtempSync(join(tmpdir(), 'numts-adapter-'));
    writeAdapterDir(dir, files);
    expect(existsSync(join(dir, 'numts_adapter.json'))).toBe(true);
    const back = readAdapterDir(dir);
    expect(back.numts).toBe(files.numts);
    expect(loadAdapter(new Net(), back).size).toBe(3);
  });
});

describe('saveAdapter({ asLora: true }): numts-only methods as the plain LoRA stock peft loads', () => {
  it('reproduces the adapted output of every mergeable method on Linear and Conv2d layers', async () => {
    const { saveAdapter, loadAdapter } = await import('../src/index.js');
    const { perturbAdapters, randomInput, relErr, TinyMlp, tinyConvNet } = await import('./helpers.js');
    const { noGrad, setDefaultDtype } = await import('@numts/nn');
    setDefaultDtype('float64');
    try {
      const dense = ['ssl', 'ssb', 'ia3', 'sam-parser', 'trilora', 'moslora', 'flora', 'dora'] as const;
      for (const method of dense) {
        const make = () => new TinyMlp(6, 8, 3, 4);
        const net = make();
        injectAdapters(net, { method, targetModules: ['fc1', 'fc2'], rank: 2, alpha: 4, seed: 1 });
        perturbAdapters(net, 5);
        const x = randomInput(7, [5, 6]);
        const y = Array.from(noGrad(() => net.forward(x)).data);
        const files = saveAdapter(net, { asLora: true });
        expect(JSON.parse(files.config).peft_type, method).toBe('LORA');
        expect(files.numts, method).toBeUndefined();
        const fresh = make();
        loadAdapter(fresh, files);
        expect(relErr(noGrad(() => fresh.forward(x)).data, y), method).toBeLessThan(1e-5);
      }
      for (const method of ['flora', 'ssb'] as const) {
        const net = tinyConvNet(1, 3);
        injectAdapters(net, { method, targetModules: ['0'], rank: 2, seed: 2 });
        perturbAdapters(net, 6);
        const x = randomInput(8, [2, 2, 6, 6]);
        const y = Array.from(noGrad(() => net.forward(x)).data);
        const fresh = tinyConvNet(1, 3);
        loadAdapter(fresh, saveAdapter(net, { asLora: true }));
        expect(relErr(noGrad(() => fresh.forward(x)).data, y), `${method} conv`).toBeLessThan(1e-5);
      }
    } finally {
      setDefaultDtype('float32');
    }
  });
});
