/**
 * @numts/models without the shared folder: the GPT-2 smoke fixture in test-data, checkpoints that
 * round-trip, configs that are refused by field, generation, and LoRA training of a causal LM.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, FormatError, Rng } from '@numts/core';
import { readNpy, readSafetensors, SafetensorsFile, writeSafetensors } from '@numts/io';
import { noGrad } from '@numts/nn';
import { injectAdapters, mergeAdapters, unmergeAdapters } from '@numts/peft';
import { TEST_DATA } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import {
  causalLmLoss,
  createModel,
  fromPretrained,
  type Gpt2LMHeadModel,
  generate,
  type LlamaForCausalLM,
  parseConfig,
  toPretrained,
} from '../src/index.js';
import { loadPretrained, savePretrained } from '../src/node.js';
import { maxAbsDiff, trainCausalLm } from './helpers.js';

const GPT2 = join(TEST_DATA, 'models', 'gpt2');
const npy = (name: string) => readNpy(readFileSync(join(GPT2, name)));

const tinyLlama = {
  model_type: 'llama',
  vocab_size: 23,
  hidden_size: 16,
  intermediate_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  max_position_embeddings: 32,
  rms_norm_eps: 1e-6,
};

describe('GPT-2 smoke fixture (a copy of the transformers fixture in test-data)', () => {
  it('logits and loss match transformers within 1e-5', () => {
    const model = loadPretrained(GPT2) as Gpt2LMHeadModel;
    const ids = npy('input_ids.npy');
    const out = noGrad(() => model.run({ inputIds: ids.data, shape: ids.shape as [number, number] }));
    expect(maxAbsDiff(out.logits.data, npy('logits.npy').data)).toBeLessThan(1e-5);
    expect(
      Math.abs(noGrad(() => causalLmLoss(out.logits, ids.data)).item() - npy('loss.npy').data[0]!),
    ).toBeLessThan(1e-5);
  });

  it('saving writes the stock key set, dtypes and shapes, and loading it back gives the same logits', () => {
    const model = loadPretrained(GPT2) as Gpt2LMHeadModel;
    const dir = mkdtempSync(join(tmpdir(), 'numts-gpt2-'));
    savePretrained(model, dir);
    const stock = SafetensorsFile.parse(readFileSync(join(GPT2, 'model.safetensors')));
    const ours = SafetensorsFile.parse(readFileSync(join(dir, 'model.safetensors')));
    expect(ours.names.sort()).toEqual(stock.names.sort());
    for (const name of stock.names) {
      expect(ours.entries.get(name)!.dtype).toBe(stock.entries.get(name)!.dtype);
      expect(ours.entries.get(name)!.shape).toEqual(stock.entries.get(name)!.shape);
    }
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(GPT2, 'config.json'), 'utf8')),
    );
    const again = loadPretrained(dir) as Gpt2LMHeadModel;
    const ids = npy('input_ids.npy');
    const run = (m: Gpt2LMHeadModel) =>
      noGrad(() => m.run({ inputIds: ids.data, shape: [2, 11] })).logits.data;
    expect(Array.from(run(again))).toEqual(Array.from(run(model)));
  });

  it('greedy generation appends the argmax of the last position, step by step', () => {
    const model = loadPretrained(GPT2) as Gpt2LMHeadModel;
    const prompt = { inputIds: [5, 17, 42], shape: [1, 3] as [number, number] };
    const out = generate(model, prompt, { maxNewTokens: 4 });
    expect(out.shape).toEqual([1, 7]);
    const ids = Array.from(out.ids);
    for (let t = 3; t < 7; t++) {
      const logits = noGrad(() => model.run({ inputIds: ids.slice(0, t), shape: [1, t] })).logits.data;
      let best = 0;
      for (let j = 1; j < 97; j++) if (logits[(t - 1) * 97 + j]! > logits[(t - 1) * 97 + best]!) best = j;
      expect(ids[t]).toBe(best);
    }
    const a = generate(model, prompt, { maxNewTokens: 5, temperature: 1, seed: 3 });
    const b = generate(model, prompt, { maxNewTokens: 5, temperature: 1, seed: 3 });
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids)); // same seed, same tokens
  });
});

describe('bad configs and checkpoints are refused by field and key', () => {
  it('unsupported options name the field and the value', () => {
    expect(() => parseConfig({ ...tinyLlama, hidden_act: 'gelu' })).toThrow(DomainError);
    expect(() => parseConfig({ ...tinyLlama, hidden_act: 'gelu' })).toThrow(
      /hidden_act = "gelu" is not supported/,
    );
    expect(() => parseConfig({ ...tinyLlama, rope_scaling: { rope_type: 'yarn', factor: 4 } })).toThrow(
      /rope type "yarn" is not supported/,
    );
    expect(() => parseConfig({ ...tinyLlama, num_key_value_heads: 3 })).toThrow(
      /num_attention_heads 4 must be a multiple of num_key_value_heads 3/,
    );
    expect(() => parseConfig({ model_type: 'mistral' })).toThrow(/model_type "mistral" is not supported/);
    expect(() => parseConfig({ ...tinyLlama, vocab_size: -1 })).toThrow(FormatError);
    expect(() => parseConfig('{not json')).toThrow(/config.json: not valid JSON/);
  });

  it('weights that do not fit the config name the keys', () => {
    const files = toPretrained(createModel(tinyLlama));
    const other = toPretrained(createModel({ ...tinyLlama, num_hidden_layers: 1 }));
    expect(() => fromPretrained({ ...files, 'model.safetensors': other['model.safetensors']! })).toThrow(
      /missing "model.layers.1.input_layernorm.weight"/,
    );
    expect(() => fromPretrained({ 'config.json': files['config.json']! })).toThrow(
      /neither model.safetensors nor model.safetensors.index.json/,
    );
  });

  it('sharded BF16 checkpoints (model.safetensors.index.json) load', () => {
    const model = createModel(tinyLlama, { seed: 5 }) as LlamaForCausalLM;
    const files = toPretrained(model);
    const tensors = readSafetensors(files['model.safetensors'] as Uint8Array).tensors;
    const names = Object.keys(tensors).sort();
    const half = Math.ceil(names.length / 2);
    const shards = [names.slice(0, half), names.slice(half)];
    const weightMap: Record<string, string> = {};
    const sharded: Record<string, Uint8Array | string> = { 'config.json': files['config.json']! };
    shards.forEach((keys, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      const part: Record<string, (typeof tensors)[string]> = {};
      for (const k of keys) {
        part[k] = tensors[k]!;
        weightMap[k] = file;
      }
      sharded[file] = writeSafetensors(part, { dtype: 'BF16' });
    });
    sharded['model.safetensors.index.json'] = JSON.stringify({ metadata: {}, weight_map: weightMap });
    const loaded = fromPretrained(sharded) as LlamaForCausalLM;
    const batch = { inputIds: [1, 5, 9, 2], shape: [1, 4] as [number, number] };
    const a = noGrad(() => model.run(batch).logits.data);
    const b = noGrad(() => loaded.run(batch).logits.data);
    // BF16 keeps 8 bits of mantissa: the logits move, but only at that precision.
    expect(maxAbsDiff(a, b)).toBeLessThan(0.05);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0);
  });

  it('token ids outside the vocabulary are a ShapeError naming the position', () => {
    const model = createModel(tinyLlama) as LlamaForCausalLM;
    expect(() => model.run({ inputIds: [1, 2, 23], shape: [1, 3] })).toThrow(
      /inputIds\[2\] = 23 is not a token id in \[0, 23\)/,
    );
  });
});

describe('training a causal LM with LoRA', () => {
  it('50 Adam steps on a fixed token stream lower the loss; merged weights give the unmerged logits', () => {
    const model = createModel(tinyLlama, { seed: 1 }) as LlamaForCausalLM;
    const rng = new Rng(4);
    // A stream with structure to learn: token t+1 = (3·t + 1) mod 23, with a random start per row.
    const B = 4;
    const T = 12;
    const ids: number[] = [];
    for (let b = 0; b < B; b++) {
      let t = rng.int(0, 23);
      for (let i = 0; i < T; i++) {
        ids.push(t);
        t = (3 * t + 1) % 23;
      }
    }
    const adapters = injectAdapters(model, {
      method: 'lora',
      targetModules: ['q_proj', 'v_proj', 'gate_proj', 'up_proj', 'down_proj'],
      rank: 4,
      alpha: 8,
      seed: 2,
    });
    expect(adapters.size).toBe(10);
    model.train();
    const batch = { inputIds: ids, shape: [B, T] as [number, number] };
    const losses = trainCausalLm(model, batch);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    model.eval();
    const unmerged = noGrad(() => model.run(batch).logits.data.slice());
    mergeAdapters(model);
    const merged = noGrad(() => model.run(batch).logits.data.slice());
    expect(maxAbsDiff(merged, unmerged)).toBeLessThan(2e-5);
    unmergeAdapters(model);
  });
});
