/**
 * Our models against stock transformers on the tiny checkpoints of ../shared/reference/hf
 * (logits, every hidden state and the LM loss, float32, tolerance 1e-5 as its README states).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, SafetensorsFile } from '@numts/io';
import { noGrad, Variable } from '@numts/nn';
import { announceSkip, SHARED_DATA, SHARED_REMEDY } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import {
  type BertForSequenceClassification,
  causalLmLoss,
  Gpt2LMHeadModel,
  LlamaForCausalLM,
  type VitForImageClassification,
} from '../src/index.js';
import { loadPretrained, savePretrained } from '../src/node.js';
import { maxAbsDiff } from './helpers.js';

const HF = join(SHARED_DATA, '..', 'reference', 'hf');
const available = existsSync(join(HF, 'manifest.json'));
if (!available) announceSkip('the Hugging Face fixture tests', HF, SHARED_REMEDY);
const TOL = 1e-5;

const npy = (family: string, name: string) => readNpy(readFileSync(join(HF, family, `${name}.npy`)));

function expectHidden(states: Variable[], family: string): void {
  const ref = npy(family, 'hidden_states');
  expect(states.length).toBe(ref.shape[0]);
  const per = ref.size / ref.shape[0]!;
  states.forEach((s, i) => {
    expect(
      maxAbsDiff(s.data, ref.data.subarray(i * per, (i + 1) * per) as Float32Array),
      `hidden state ${i}`,
    ).toBeLessThan(TOL);
  });
}

describe.skipIf(!available)('transformers fixtures', () => {
  it('GPT-2: logits, hidden states and loss', () => {
    const model = loadPretrained(join(HF, 'gpt2'));
    expect(model).toBeInstanceOf(Gpt2LMHeadModel);
    const ids = npy('gpt2', 'input_ids');
    const out = noGrad(() =>
      (model as Gpt2LMHeadModel).run({ inputIds: ids.data, shape: ids.shape as [number, number] }),
    );
    expect(maxAbsDiff(out.logits.data, npy('gpt2', 'logits').data)).toBeLessThan(TOL);
    expectHidden(out.hiddenStates, 'gpt2');
    const loss = noGrad(() => causalLmLoss(out.logits, ids.data)).item();
    expect(Math.abs(loss - npy('gpt2', 'loss').data[0]!)).toBeLessThan(TOL);
  });

  it('LLaMA (RMSNorm, RoPE, SwiGLU, grouped-query attention): logits, hidden states and loss', () => {
    const model = loadPretrained(join(HF, 'llama')) as LlamaForCausalLM;
    expect(model).toBeInstanceOf(LlamaForCausalLM);
    const ids = npy('llama', 'input_ids');
    const out = noGrad(() => model.run({ inputIds: ids.data, shape: ids.shape as [number, number] }));
    expect(maxAbsDiff(out.logits.data, npy('llama', 'logits').data)).toBeLessThan(TOL);
    expectHidden(out.hiddenStates, 'llama');
    const loss = noGrad(() => causalLmLoss(out.logits, ids.data)).item();
    expect(Math.abs(loss - npy('llama', 'loss').data[0]!)).toBeLessThan(TOL);
  });

  it('ViT (patch embedding, [CLS] path): logits, hidden states, last hidden state', () => {
    const model = loadPretrained(join(HF, 'vit')) as VitForImageClassification;
    const px = npy('vit', 'pixel_values');
    const out = noGrad(() => model.run(Variable.from(px.data, px.shape)));
    expect(maxAbsDiff(out.logits.data, npy('vit', 'logits').data)).toBeLessThan(TOL);
    expectHidden(out.hiddenStates, 'vit');
    expect(maxAbsDiff(out.lastHiddenState.data, npy('vit', 'last_hidden_state').data)).toBeLessThan(TOL);
  });

  it('BERT (padding mask): logits, hidden states, pooler output', () => {
    const model = loadPretrained(join(HF, 'bert')) as BertForSequenceClassification;
    const ids = npy('bert', 'input_ids');
    const mask = npy('bert', 'attention_mask');
    const out = noGrad(() =>
      model.run({ inputIds: ids.data, shape: ids.shape as [number, number], attentionMask: mask.data }),
    );
    expect(maxAbsDiff(out.logits.data, npy('bert', 'logits').data)).toBeLessThan(TOL);
    expectHidden(out.hiddenStates, 'bert');
    expect(maxAbsDiff(out.poolerOutput.data, npy('bert', 'pooler_output').data)).toBeLessThan(TOL);
  });

  it('savePretrained writes the stock key set, dtypes and shapes of every family; reloading gives the same logits', () => {
    for (const family of ['gpt2', 'llama', 'vit', 'bert']) {
      const model = loadPretrained(join(HF, family));
      const dir = mkdtempSync(join(tmpdir(), `numts-${family}-`));
      savePretrained(model, dir);
      const stock = SafetensorsFile.parse(readFileSync(join(HF, family, 'model.safetensors')));
      const ours = SafetensorsFile.parse(readFileSync(join(dir, 'model.safetensors')));
      expect(ours.names.sort(), family).toEqual(stock.names.sort());
      for (const name of stock.names) {
        expect(ours.entries.get(name)!.dtype, name).toBe(stock.entries.get(name)!.dtype);
        expect(ours.entries.get(name)!.shape, name).toEqual(stock.entries.get(name)!.shape);
      }
      const again = loadPretrained(dir);
      const x =
        family === 'vit'
          ? Variable.from(npy('vit', 'pixel_values').data, [2, 1, 28, 28])
          : Variable.from(npy(family, 'input_ids').data, [2, 11]);
      const a = noGrad(() => model.forward(x)).data;
      const b = noGrad(() => again.forward(x)).data;
      expect(Array.from(b), family).toEqual(Array.from(a));
    }
  });
});
