import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBackend } from '@numts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRun, readRunsFile } from '../lib/runs-file.js';

const dir = mkdtempSync(join(tmpdir(), 'runs-file-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runs files', () => {
  it('record the backend that trained each run, and the latest record of a key wins', () => {
    const file = join(dir, 'runs.jsonl');
    appendRun(file, { key: 'a', accuracy: 0.5 });
    appendRun(file, { key: 'b', accuracy: 0.6 });
    appendRun(file, { key: 'a', accuracy: 0.7 });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    const runs = readRunsFile<{ key: string; accuracy: number; backend: string }>(file);
    expect([...runs.keys()]).toEqual(['a', 'b']);
    expect(runs.get('a')).toEqual({ key: 'a', accuracy: 0.7, backend: getBackend() });
    expect(['js', 'wasm']).toContain(runs.get('b')!.backend);
  });
  it('read an absent file as empty', () => {
    expect(readRunsFile(join(dir, 'absent.jsonl')).size).toBe(0);
  });
});
