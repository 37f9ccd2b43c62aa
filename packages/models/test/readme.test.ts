import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReadmeBlocks } from '@numts/testing';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('every ```ts block runs as written', () => {
    const out = runReadmeBlocks(join(dirname(fileURLToPath(import.meta.url)), '..'));
    expect(out.length).toBeGreaterThan(0);
    const before = Number(/loss before (\S+)/.exec(out[0]!)![1]);
    const after = Number(/loss after (\S+)/.exec(out[0]!)![1]);
    expect(after).toBeLessThan(before);
    expect(out[0]!.replace(/\s+/g, ' ')).toMatch(/continuation \[ 3, 14(, \d+){5} \]/);
    expect(out[0]!.trim().endsWith('true')).toBe(true); // fan_in_fan_out of the saved adapter
  }, 120_000);
});
