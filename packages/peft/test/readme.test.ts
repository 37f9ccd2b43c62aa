import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReadmeBlocks } from '@numts/testing';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('every ts code block runs', () => {
    const ran = runReadmeBlocks(join(dirname(fileURLToPath(import.meta.url)), '..'));
    expect(ran.length).toBeGreaterThan(0);
  }, 120_000);
});
