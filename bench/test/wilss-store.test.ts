import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../lib/harness.js';
import { BENCH_CACHE } from '../lib/runs-file.js';
import { baseDir } from '../lib/wilss-store.js';

describe('where the WILSS v2 base models live', () => {
  const tier = process.env.NUMTS_WILSS_TIER;
  afterEach(() => {
    if (tier === undefined) delete process.env.NUMTS_WILSS_TIER;
    else process.env.NUMTS_WILSS_TIER = tier;
  });
  it('the reproduction keeps them in the committed checkpoints folder', () => {
    delete process.env.NUMTS_WILSS_TIER;
    expect(baseDir()).toBe(join(ROOT, 'bench', 'checkpoints', 'wilss-v2'));
  });
  it('the smoke tier keeps its toy bases in the cache, never among the committed ones', () => {
    process.env.NUMTS_WILSS_TIER = 'smoke';
    expect(baseDir()).toBe(join(BENCH_CACHE, 'wilss'));
  });
});
