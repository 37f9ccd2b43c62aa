import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('README', () => {
  it('every ```ts block runs as written', () => {
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(pkg, '.readme-'));
    try {
      blocks.forEach((code, i) => {
        const file = join(dir, `block${i}.ts`);
        writeFileSync(file, code);
        const out = execFileSync(process.execPath, ['--conditions=@numts/source', '--import', 'tsx', file], {
          encoding: 'utf8',
          cwd: pkg,
        });
        expect(out.length).toBeGreaterThan(0);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
