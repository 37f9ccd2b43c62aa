/**
 * The long reproductions' storage: runs files (one JSON object per line, appended as each run
 * ends, keyed by `key`; the latest record of a key wins) and the cache folder of their trained
 * models (`NUMTS_BENCH_CACHE`, default `bench/.cache`, gitignored; regenerated from seeds).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend } from '@numts/core';
import { ROOT } from './harness.js';

export const BENCH_CACHE = process.env.NUMTS_BENCH_CACHE ?? join(ROOT, 'bench', '.cache');

/**
 * Committed pretrained test beds (`bench/checkpoints`): small Hugging Face checkpoints that the
 * reproductions start from, so that their time budgets do not include pretraining. Each is
 * regenerated bit for bit from its seed when absent (the folder name carries a fingerprint of
 * the bed's settings); a pretraining's per-epoch `partial.safetensors` is gitignored.
 */
export const BENCH_CHECKPOINTS = join(ROOT, 'bench', 'checkpoints');

/**
 * Appends one record to a runs file, with the compute backend that trained it (`backend`: 'wasm'
 * or 'js'). float32 training differs in the last bits between the two (docs/guides/compute-engine.md),
 * so a record is reproduced bit for bit only on its own backend.
 */
export function appendRun(file: string, record: object): void {
  appendFileSync(file, `${JSON.stringify({ ...record, backend: getBackend() })}\n`);
}

/** The records of a runs file that `keep` accepts, by key (latest wins); empty when the file is absent. */
export function readRunsFile<T extends { key: string }>(
  file: string,
  keep: (r: T) => boolean = () => true,
): Map<string, T> {
  const out = new Map<string, T>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n'))
    if (line.trim()) {
      const r = JSON.parse(line) as T;
      if (keep(r)) out.set(r.key, r);
    }
  return out;
}
