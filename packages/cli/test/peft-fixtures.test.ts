/** `numts peft inspect` on every stock peft adapter of the shared fixtures (skips without them). */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announceSkip, SHARED_DATA, SHARED_REMEDY } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import { runNumts } from './run-numts.js';

const HF = join(SHARED_DATA, '..', 'reference', 'hf');
const available = existsSync(join(HF, 'manifest.json'));
if (!available) announceSkip('peft inspect on the Hugging Face fixtures', HF, SHARED_REMEDY);

describe.skipIf(!available)('numts peft inspect on stock peft adapters', () => {
  it('reads every fixture adapter, with and without base weights', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'numts-inspect-'));
    const adapters = readdirSync(HF).filter(
      (d) => d.includes('_') && !d.endsWith('.py') && !d.endsWith('.json'),
    );
    expect(adapters.length).toBe(7);
    for (const name of adapters) {
      const base = join(HF, name.split('_')[0]!, 'model.safetensors');
      const r = runNumts(cwd, 'peft', 'inspect', join(HF, name), '--base', base, '--json');
      expect(r.code, `${name}: ${r.err}`).toBe(0);
      const modules = JSON.parse(r.out) as {
        kind: string;
        adapter: string;
        magnitude?: number[];
        directions?: number[];
      }[];
      expect(modules.length, name).toBeGreaterThan(0);
      if (name === 'llama_dora')
        expect(modules.every((m) => m.magnitude?.length === 32 || m.magnitude?.length === 16)).toBe(true);
      if (name === 'bert_ia3') expect(modules.every((m) => m.kind === 'ia3')).toBe(true);
      if (name === 'llama_lora_multi')
        expect([...new Set(modules.map((m) => m.adapter))]).toEqual(['a', 'ab', 'b']);
      if (name === 'gpt2_lora') expect(modules.every((m) => m.directions?.length === 4)).toBe(true);
    }
    const text = runNumts(
      cwd,
      'peft',
      'inspect',
      join(HF, 'gpt2_lora'),
      '--base',
      join(HF, 'gpt2', 'model.safetensors'),
    );
    expect(text.out).toContain('task-specific directions (0-based index of σ(W), δ)');
  }, 120_000);
});
