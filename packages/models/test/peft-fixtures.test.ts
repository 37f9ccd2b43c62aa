/**
 * Stock peft adapters (../shared/reference/hf) on our models: the adapted and the merged logits
 * match peft's within the fixtures' tolerance (2e-5 for merged weights: another summation order);
 * adapter types numts does not load yet fail with an error that names the type.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, SafetensorsFile } from '@numts/io';
import { noGrad, Variable } from '@numts/nn';
import {
  activeAdapters,
  addWeightedAdapter,
  deleteAdapter,
  disableAdapters,
  injectAdapters,
  loadAdapter,
  loadNamedAdapter,
  mergeAdapters,
  mergeAndUnload,
  parseAdapterConfig,
  saveAdapter,
  setAdapter,
} from '@numts/peft';
import { announceSkip, SHARED_DATA, SHARED_REMEDY } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import type {
  BertForSequenceClassification,
  Gpt2LMHeadModel,
  LlamaForCausalLM,
  VitForImageClassification,
} from '../src/index.js';
import { loadPretrained } from '../src/node.js';
import { maxAbsDiff, trainCausalLm } from './helpers.js';

const HF = join(SHARED_DATA, '..', 'reference', 'hf');
const available = existsSync(join(HF, 'manifest.json'));
if (!available) announceSkip('the peft fixture tests', HF, SHARED_REMEDY);

const npy = (...p: string[]) => readNpy(readFileSync(join(HF, ...p)));
const adapterFiles = (...dir: string[]) => ({
  config: readFileSync(join(HF, ...dir, 'adapter_config.json'), 'utf8'),
  weights: new Uint8Array(readFileSync(join(HF, ...dir, 'adapter_model.safetensors'))),
});

function llamaLogits(model: LlamaForCausalLM): Float32Array | Float64Array {
  const ids = npy('llama', 'input_ids.npy');
  return noGrad(() => model.run({ inputIds: ids.data, shape: ids.shape as [number, number] })).logits.data;
}

function vitLogits(model: VitForImageClassification): Float32Array | Float64Array {
  const px = npy('vit', 'pixel_values.npy');
  return noGrad(() => model.run(Variable.from(px.data, px.shape))).logits.data;
}

describe.skipIf(!available)('stock peft adapters on numts models', () => {
  const llamaCases: [string, string[], string, string][] = [
    [
      'rsLoRA on every LLaMA projection',
      ['llama_lora_rslora'],
      'llama_lora_rslora/logits.npy',
      'llama_lora_rslora/merged_logits.npy',
    ],
    ['DoRA on q_proj and v_proj', ['llama_dora'], 'llama_dora/logits.npy', 'llama_dora/merged_logits.npy'],
    [
      'named adapter "a"',
      ['llama_lora_multi', 'a'],
      'llama_lora_multi/logits_a.npy',
      'llama_lora_multi/merged_logits_a.npy',
    ],
    [
      'named adapter "b"',
      ['llama_lora_multi', 'b'],
      'llama_lora_multi/logits_b.npy',
      'llama_lora_multi/merged_logits_b.npy',
    ],
    [
      'the weighted (cat) combination "ab"',
      ['llama_lora_multi', 'ab'],
      'llama_lora_multi/logits_ab.npy',
      'llama_lora_multi/merged_logits_ab.npy',
    ],
  ];
  for (const [what, dir, adapted, merged] of llamaCases) {
    it(`LLaMA: ${what} — adapted and merged logits`, () => {
      const model = loadPretrained(join(HF, 'llama')) as LlamaForCausalLM;
      loadAdapter(model, adapterFiles(...dir));
      expect(maxAbsDiff(llamaLogits(model), npy(adapted).data)).toBeLessThan(1e-5);
      mergeAndUnload(model);
      expect(maxAbsDiff(llamaLogits(model), npy(merged).data)).toBeLessThan(2e-5);
    });
  }

  it('ViT: LoRA on q_proj/v_proj with modules_to_save = [classifier]', () => {
    const model = loadPretrained(join(HF, 'vit')) as VitForImageClassification;
    loadAdapter(model, adapterFiles('vit_lora_cls'));
    expect(maxAbsDiff(vitLogits(model), npy('vit_lora_cls', 'logits.npy').data)).toBeLessThan(1e-5);
    mergeAndUnload(model);
    expect(maxAbsDiff(vitLogits(model), npy('vit_lora_cls', 'merged_logits.npy').data)).toBeLessThan(2e-5);
  });

  it('ViT: layers_to_transform = [1] adapts layer 1 only', () => {
    const model = loadPretrained(join(HF, 'vit')) as VitForImageClassification;
    const adapters = loadAdapter(model, adapterFiles('vit_lora_layer1'));
    expect([...adapters.keys()].sort()).toEqual([
      'vit.layers.1.attention.q_proj',
      'vit.layers.1.attention.v_proj',
    ]);
    expect(maxAbsDiff(vitLogits(model), npy('vit_lora_layer1', 'logits.npy').data)).toBeLessThan(1e-5);
    mergeAndUnload(model);
    expect(maxAbsDiff(vitLogits(model), npy('vit_lora_layer1', 'merged_logits.npy').data)).toBeLessThan(2e-5);
  });

  it('GPT-2: LoRA with fan_in_fan_out on the Conv1D projections (c_attn, c_proj, mlp.c_proj)', () => {
    const model = loadPretrained(join(HF, 'gpt2')) as Gpt2LMHeadModel;
    const adapters = loadAdapter(model, adapterFiles('gpt2_lora'));
    expect(adapters.size).toBe(6);
    const ids = npy('gpt2', 'input_ids.npy');
    const logits = () => noGrad(() => model.run({ inputIds: ids.data, shape: [2, 11] })).logits.data;
    expect(maxAbsDiff(logits(), npy('gpt2_lora', 'logits.npy').data)).toBeLessThan(1e-5);
    mergeAndUnload(model);
    expect(maxAbsDiff(logits(), npy('gpt2_lora', 'merged_logits.npy').data)).toBeLessThan(2e-5);
  });

  it('BERT: IA3 on key, value and output.dense (feed-forward) — adapted and merged logits', () => {
    const bert = loadPretrained(join(HF, 'bert')) as BertForSequenceClassification;
    const adapters = loadAdapter(bert, adapterFiles('bert_ia3'));
    expect(adapters.size).toBe(8);
    const ids = npy('bert', 'input_ids.npy');
    const mask = npy('bert', 'attention_mask.npy');
    const logits = () =>
      noGrad(() => bert.run({ inputIds: ids.data, shape: [2, 11], attentionMask: mask.data })).logits.data;
    expect(maxAbsDiff(logits(), npy('bert_ia3', 'logits.npy').data)).toBeLessThan(1e-5);
    mergeAndUnload(bert);
    expect(maxAbsDiff(logits(), npy('bert_ia3', 'merged_logits.npy').data)).toBeLessThan(2e-5);
  });

  it('the LLaMA fixture fine-tuned with LoRA for 50 steps on a fixed token stream: lower loss, merged = unmerged', () => {
    const model = loadPretrained(join(HF, 'llama')) as LlamaForCausalLM;
    const ids = Array.from({ length: 2 * 16 }, (_, i) => (7 * (i % 16) + 3 * Math.floor(i / 16)) % 97);
    const batch = { inputIds: ids, shape: [2, 16] as [number, number] };
    injectAdapters(model, {
      method: 'lora',
      targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
      rank: 4,
      alpha: 8,
    });
    const losses = trainCausalLm(model, batch);
    expect(losses.at(-1)!).toBeLessThan(0.7 * losses[0]!);
    const unmerged = llamaLogitsOf(model, batch);
    mergeAdapters(model);
    // float32 forward passes through two different weight sums: agreement to a few float32 ulps of
    // the largest logit (float32 accumulation in the wasm backend's sgemm, double in the js one).
    const scale = Math.max(...Array.from(unmerged, Math.abs));
    expect(maxAbsDiff(llamaLogitsOf(model, batch), unmerged)).toBeLessThan(2 ** -20 * Math.max(1, scale) * 8);
  });

  it("files numts writes for LoRA, rsLoRA, DoRA, Conv1D LoRA, modules_to_save and IA3 have peft's config fields, keys, shapes and dtypes", () => {
    for (const [dir, base] of [
      ['llama_lora_rslora', 'llama'],
      ['llama_dora', 'llama'],
      ['gpt2_lora', 'gpt2'],
      ['vit_lora_cls', 'vit'],
      ['bert_ia3', 'bert'],
    ] as const) {
      const stock = adapterFiles(dir);
      const model = loadPretrained(join(HF, base));
      injectAdapters(model, parseAdapterConfig(stock.config));
      const ours = saveAdapter(model);
      expect(Object.keys(JSON.parse(ours.config)).sort(), dir).toEqual(
        Object.keys(JSON.parse(stock.config)).sort(),
      );
      const a = SafetensorsFile.parse(ours.weights);
      const b = SafetensorsFile.parse(stock.weights);
      expect(a.names.sort(), dir).toEqual(b.names.sort());
      for (const name of b.names) {
        expect(a.entries.get(name)!.dtype, name).toBe(b.entries.get(name)!.dtype);
        expect(a.entries.get(name)!.shape, name).toEqual(b.entries.get(name)!.shape);
      }
    }
  });

  it('named adapters on one model: switch, disable, combine as peft (cat reproduces the stored "ab"), delete', () => {
    const model = loadPretrained(join(HF, 'llama')) as LlamaForCausalLM;
    const base = llamaLogits(model).slice();
    loadNamedAdapter(model, 'a', adapterFiles('llama_lora_multi', 'a'));
    loadNamedAdapter(model, 'b', adapterFiles('llama_lora_multi', 'b'));
    expect(activeAdapters(model)).toEqual(['b']);
    expect(maxAbsDiff(llamaLogits(model), npy('llama_lora_multi/logits_b.npy').data)).toBeLessThan(1e-5);
    setAdapter(model, 'a');
    expect(maxAbsDiff(llamaLogits(model), npy('llama_lora_multi/logits_a.npy').data)).toBeLessThan(1e-5);
    expect(
      maxAbsDiff(
        disableAdapters(model, () => llamaLogits(model).slice()),
        base,
      ),
    ).toBe(0);
    expect(maxAbsDiff(llamaLogits(model), npy('llama_lora_multi/logits_a.npy').data)).toBeLessThan(1e-5);
    addWeightedAdapter(model, ['a', 'b'], [0.7, 0.3], 'ab', 'cat');
    setAdapter(model, 'ab');
    expect(maxAbsDiff(llamaLogits(model), npy('llama_lora_multi/logits_ab.npy').data)).toBeLessThan(1e-5);
    // Both active: base + ΔW_a + ΔW_b, checked against merging a, then adding b, on a fresh model.
    setAdapter(model, ['a', 'b']);
    const both = llamaLogits(model).slice();
    const ref = loadPretrained(join(HF, 'llama')) as LlamaForCausalLM;
    loadAdapter(ref, adapterFiles('llama_lora_multi', 'a'));
    mergeAndUnload(ref);
    loadAdapter(ref, adapterFiles('llama_lora_multi', 'b'));
    expect(maxAbsDiff(both, llamaLogits(ref))).toBeLessThan(2e-5);
    expect(() => deleteAdapter(model, 'a')).toThrow(/"a" is active; activate another adapter first/);
    setAdapter(model, 'ab');
    deleteAdapter(model, 'a');
    expect(() => setAdapter(model, 'a')).toThrow(/no adapter named "a" \(have b, ab\)/);
  });
});

function llamaLogitsOf(model: LlamaForCausalLM, batch: { inputIds: number[]; shape: [number, number] }) {
  return noGrad(() => model.run(batch)).logits.data.slice();
}
