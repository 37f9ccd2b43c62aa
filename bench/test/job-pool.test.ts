import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fashionMnistAvailable } from '@numts/nn/node';
import { describe, expect, it } from 'vitest';
import { runInChildren } from '../lib/job-pool.js';
import { fineTune, taskData } from '../lib/peft-v2-run-v.js';
import { pretrainedV } from '../lib/peft-v2-testbed-v.js';

const SCRIPT = new URL('./fixtures/append-worker.ts', import.meta.url).pathname;
/** The test runner's own flags lack the TypeScript loader the fixture needs. */
const TS = { nodeArgs: ['--import', 'tsx'] };

function withFile(body: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'numts-pool-'));
  return body(join(dir, 'out.txt')).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' ').map(Number) as [number, number]);

describe('runInChildren', () => {
  it('runs every job once; with reuse, several jobs share each child process', () =>
    withFile(async (file) => {
      const jobs = Array.from({ length: 6 }, (_, value) => ({ file, value }));
      await runInChildren(jobs, SCRIPT, 2, { ...TS, reuse: true });
      const done = lines(file);
      expect(done.map(([v]) => v).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(new Set(done.map(([, pid]) => pid)).size).toBeLessThanOrEqual(2);
      await runInChildren(jobs.slice(0, 2), SCRIPT, 1, TS);
      // One process per job without reuse.
      expect(
        new Set(
          lines(file)
            .slice(6)
            .map(([, pid]) => pid),
        ).size,
      ).toBe(2);
    }));

  it('rejects, naming the job, when a job fails (with and without reuse)', () =>
    withFile(async (file) => {
      const jobs = [
        { file, value: 1 },
        { file, value: 2, fail: true },
        { file, value: 3 },
      ];
      await expect(runInChildren(jobs, SCRIPT, 1, { ...TS, reuse: true })).rejects.toThrow(
        /job \{.*"value":2,"fail":true\} exited with 1/,
      );
      await expect(runInChildren(jobs.slice(1, 2), SCRIPT, 1, TS)).rejects.toThrow(/"value":2/);
    }));
});

describe.skipIf(!fashionMnistAvailable())('PEFT runs in a reused process', () => {
  it('give the bits of a run alone: nothing of an earlier run carries over (smoke size)', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'numts-v-'));
    try {
      const { dir } = pretrainedV({ smoke: true, cacheDir });
      const run = (method: 'lora' | 'lora-dash', task: string) =>
        fineTune(
          {
            task,
            method:
              method === 'lora'
                ? { method, rank: 2, alpha: 2 }
                : { method, rank: 2, alpha: 2, dashDirections: 2, preLaunchSteps: 1 },
            lr: 0.01,
            seed: 3,
            steps: 4,
            batch: 8,
            evalOn: 'val',
          },
          dir,
          taskData(task, true),
        );
      const first = run('lora', 'mnist');
      run('lora-dash', 'fashion-rot-inv');
      const again = run('lora', 'mnist');
      expect(again.accuracy).toBe(first.accuracy);
      expect(again.losses).toEqual(first.losses);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

if (!fashionMnistAvailable())
  console.log('skipped: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)');
