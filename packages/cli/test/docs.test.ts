import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReadmeBlocks } from '@numts/testing';
import { describe, expect, it } from 'vitest';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');

describe('docs', () => {
  it('every ts code block of the guides runs as written', () => {
    const guides = join(DOCS, 'guides');
    let ran = 0;
    for (const f of readdirSync(guides).filter((n) => n.endsWith('.md')))
      ran += runReadmeBlocks(guides, f).length;
    expect(ran).toBeGreaterThan(0);
  }, 120_000);

  it('every numts command of the getting-started guide runs as written (from the repository root)', async () => {
    const { readFileSync } = await import('node:fs');
    const { spawnSync } = await import('node:child_process');
    const text = readFileSync(join(DOCS, 'guides', 'getting-started.md'), 'utf8');
    const lines = [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
      .flatMap((m) => m[1]!.split('\n'))
      .filter((l) => l.startsWith('npx numts ') && !/^npx numts demo\s*(#|$)/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const bin = join(DOCS, '..', 'packages', 'cli', 'bin', 'numts.js');
    for (const line of lines) {
      const args = line
        .replace(/#.*$/, '')
        .replace(/^npx numts /, '')
        .split(/\s+/)
        .filter(Boolean);
      const r = spawnSync(process.execPath, [bin, ...args], {
        cwd: join(DOCS, '..'),
        encoding: 'utf8',
      });
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
    }
  }, 300_000);

  it('every relative link of docs/README.md, the method pages and the guides points to a file that exists', async () => {
    const { existsSync, readFileSync } = await import('node:fs');
    const pages = [
      'README.md',
      ...readdirSync(join(DOCS, 'methods')).map((f) => join('methods', f)),
      ...readdirSync(join(DOCS, 'guides'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => join('guides', f)),
    ];
    for (const page of pages) {
      const text = readFileSync(join(DOCS, page), 'utf8');
      for (const m of text.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        expect(existsSync(join(DOCS, dirname(page), target)), `${page} → ${target}`).toBe(true);
      }
    }
  });
});
