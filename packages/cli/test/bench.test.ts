/**
 * The repository's benchmark runner (`npm run bench -- <suite>`) on a machine without an optional
 * data set: the suite says it is skipped and why, and exits 0 — no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function bench(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@numts/source', '--import', 'tsx', 'bench/run.ts', ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    },
  );
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('npm run bench', () => {
  it('the peft smoke bench skips with its reason when Fashion-MNIST is absent', () => {
    const r = bench(['peft', '--smoke', '--json'], { NUMTS_FASHION_MNIST_DIR: join(ROOT, 'no-such-folder') });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('bench peft: skipped: Fashion-MNIST is not installed at');
    expect(r.out).toContain('apt-get install dataset-fashion-mnist');
    expect(JSON.parse(r.out.trim().split('\n').at(-1)!).skipped).toMatch(/Fashion-MNIST is not installed/);
    expect(`${r.out}${r.err}`).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('an unknown suite is a usage error naming the suite', () => {
    const r = bench(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bench: no suite named "frobnicate"');
  }, 60_000);
});
