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
