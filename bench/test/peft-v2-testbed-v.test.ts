import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fashionMnistAvailable } from '@numts/nn/node';
import { describe, expect, it } from 'vitest';
import { pretrainedV } from '../lib/peft-v2-testbed-v.js';

describe.skipIf(!fashionMnistAvailable())('peft v2 test bed V', () => {
  it('is a Hugging Face ViT checkpoint, regenerated bit for bit from its seed (smoke size)', () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'numts-v-')), mkdtempSync(join(tmpdir(), 'numts-v-'))];
    try {
      const bytes: Buffer[] = [];
      for (const cacheDir of dirs) {
        const { dir } = pretrainedV({ smoke: true, cacheDir });
        expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).model_type).toBe('vit');
        bytes.push(readFileSync(join(dir, 'model.safetensors')));
      }
      expect(bytes[0]!.equals(bytes[1]!)).toBe(true);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});

if (!fashionMnistAvailable())
  console.log('skipped: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)');
