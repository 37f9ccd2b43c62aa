import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReadmeBlocks } from '@numts/testing';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('every ```ts block runs as written', () => {
    const outputs = runReadmeBlocks(join(dirname(fileURLToPath(import.meta.url)), '..'));
    expect(outputs.length).toBeGreaterThan(0);
    for (const out of outputs) expect(out).toMatch(/AP 0\.\d+/);
  });
});
