import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '@numts/io';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, FIX, PEFT_FIX, ROOT, runNumts } from './run-numts.js';

let dir: string;

function numts(...args: string[]): { code: number; out: string; err: string } {
  return runNumts(dir, ...args);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'numts-cli-'));
});

describe('numts', () => {
  it('--help lists the commands; an unknown command exits 2 with a hint', () => {
    const h = numts('--help');
    expect(h.code).toBe(0);
    for (const c of ['demo', 'verify', 'decompose', 'pll eval', 'multilabel eval', 'peft inspect'])
      expect(h.out).toContain(c);
    const u = numts('frobnicate');
    expect(u.code).toBe(2);
    expect(u.err).toContain('numts: error: unknown command "frobnicate"');
    expect(u.err).toContain('hint: numts --help lists the commands');
    for (const c of [
      ['demo'],
      ['verify'],
      ['decompose'],
      ['pll', 'eval'],
      ['multilabel', 'eval'],
      ['peft', 'inspect'],
    ]) {
      const r = numts(...c, '--help');
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.out, c.join(' ')).toContain('usage: numts');
    }
  });

  it('verify passes numpy factorizations and flags corrupted ones', () => {
    const svd = (name: string) => join(FIX, 'svd', name);
    const ok = numts('verify', svd('A.npy'), '--svd', svd('U.npy'), svd('S.npy'), svd('Vt.npy'), '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).ok).toBe(true);
    // Corrupt one entry of U by 1e-6 (a wrong factorization, far above rounding).
    const u = readNpy(readFileSync(svd('U.npy')));
    const data = Float64Array.from(u.data as Float64Array);
    data[3] = data[3]! + 1e-6;
    writeFileSync(
      join(dir, 'U-bad.npy'),
      writeNpy(
        new (u.constructor as never as typeof import('@numts/core').Tensor)(data, [...u.shape]) as never,
      ),
    );
    const bad = numts('verify', svd('A.npy'), '--svd', join(dir, 'U-bad.npy'), svd('S.npy'), svd('Vt.npy'));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('FAIL: the factors do not reproduce A');
    expect(
      numts('verify', join(FIX, 'qr', 'A.npy'), '--qr', join(FIX, 'qr', 'Q.npy'), join(FIX, 'qr', 'R.npy'))
        .code,
    ).toBe(0);
    expect(
      numts(
        'verify',
        join(FIX, 'eigh', 'A.npy'),
        '--eigh',
        join(FIX, 'eigh', 'W.npy'),
        join(FIX, 'eigh', 'V.npy'),
      ).code,
    ).toBe(0);
    const t = (n: string) => join(FIX, 'tucker', n);
    expect(
      numts('verify', t('X.npy'), '--tucker', t('core.npy'), t('U1.npy'), t('U2.npy'), t('U3.npy')).code,
    ).toBe(0);
    // A factor of the wrong shape and a file that is not .npy.
    const shape = numts('verify', svd('A.npy'), '--svd', svd('Vt.npy'), svd('S.npy'), svd('U.npy'));
    expect(shape.code).toBe(3);
    expect(shape.err).toContain(
      'numts: error: verify: verifySvd: u must have 7 rows and at least 5 columns (got 5x5)',
    );
    writeFileSync(join(dir, 'text.npy'), 'not an array');
    const fmt = numts(
      'verify',
      join(dir, 'text.npy'),
      '--qr',
      join(FIX, 'qr', 'Q.npy'),
      join(FIX, 'qr', 'R.npy'),
    );
    expect(fmt.code).toBe(3);
    expect(fmt.err).toContain('hint: the file is not in the expected format');
    const missing = numts('verify', join(dir, 'nope.npy'), '--qr', 'a', 'b');
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('no such file');
    expect(numts('verify', svd('A.npy'), '--svd', svd('U.npy')).code).toBe(2);
  });

  it('decompose writes .npy factors that verify passes; bad input is reported', () => {
    const out = join(dir, 'svd-out');
    const r = numts('decompose', 'svd', join(FIX, 'svd', 'A.npy'), '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).ok).toBe(true);
    expect(
      numts(
        'verify',
        join(FIX, 'svd', 'A.npy'),
        '--svd',
        join(out, 'U.npy'),
        join(out, 'S.npy'),
        join(out, 'Vt.npy'),
      ).code,
    ).toBe(0);
    for (const kind of ['qr', 'eigh'])
      expect(numts('decompose', kind, join(FIX, kind, 'A.npy'), '--out', join(dir, kind)).code, kind).toBe(0);
    const tk = numts(
      'decompose',
      'tucker',
      join(FIX, 'tucker', 'X.npy'),
      '--rank',
      '3,3,2',
      '--out',
      join(dir, 'tk'),
      '--json',
    );
    expect(tk.code).toBe(0);
    expect(JSON.parse(tk.out).relativeError).toBeLessThan(1e-6); // HOOI's error estimate √|‖X‖² − ‖G‖²| is O(√ε)
    expect(
      numts(
        'verify',
        join(FIX, 'tucker', 'X.npy'),
        '--tucker',
        ...['core', 'U1', 'U2', 'U3'].map((f) => join(dir, 'tk', `${f}.npy`)),
      ).code,
    ).toBe(0);
    expect(
      numts('decompose', 'cp', join(FIX, 'tucker', 'X.npy'), '--rank', '2', '--out', join(dir, 'cp')).code,
    ).toBe(0);
    expect(existsSync(join(dir, 'cp', 'A3.npy'))).toBe(true);
    const noRank = numts('decompose', 'tucker', join(FIX, 'tucker', 'X.npy'), '--out', join(dir, 'x'));
    expect(noRank.code).toBe(2);
    expect(noRank.err).toContain('decompose tucker needs --rank');
    const notMatrix = numts('decompose', 'svd', join(FIX, 'tucker', 'X.npy'), '--out', join(dir, 'x'));
    expect(notMatrix.code).toBe(3);
    expect(notMatrix.err).toContain('expected a 2-d array, got shape (6, 5, 4)');
    expect(numts('decompose', 'lu', join(FIX, 'svd', 'A.npy'), '--out', join(dir, 'x')).code).toBe(2);
  });

  it('pll eval cross-validates a .mat file; a file without candidates is rejected', () => {
    const r = numts('pll', 'eval', '--data', join(FIX, 'pll-small.mat'), '--folds', '3', '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.accuracy).toHaveLength(3);
    expect(res.mean).toBeGreaterThan(0.6);
    expect(
      numts('pll', 'eval', '--data', join(FIX, 'pll-small.mat'), '--folds', '3', '--method', 'plknn').code,
    ).toBe(0);
    const bad = numts('pll', 'eval', '--data', join(FIX, 'pll-no-candidates.mat'));
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('the file has no candidate matrix (partial_target)');
    expect(numts('pll', 'eval', '--data', join(FIX, 'pll-small.mat'), '--method', 'svm').code).toBe(2);
  });

  it('multilabel eval cross-validates an ARFF + XML pair; mismatched labels are rejected', () => {
    const rows: string[] = [];
    for (let i = 0; i < 60; i++) {
      const a = i % 2;
      const b = i % 3 === 0 ? 1 : 0;
      rows.push(
        `${(a + 0.1 * Math.sin(i)).toFixed(3)},${(b + 0.1 * Math.cos(i)).toFixed(3)},${(0.5 * Math.sin(3 * i)).toFixed(3)},${a},${b}`,
      );
    }
    writeFileSync(
      join(dir, 'toy.arff'),
      `@relation toy\n@attribute f1 numeric\n@attribute f2 numeric\n@attribute f3 numeric\n@attribute la {0,1}\n@attribute lb {0,1}\n@data\n${rows.join('\n')}\n`,
    );
    writeFileSync(
      join(dir, 'toy.xml'),
      '<?xml version="1.0"?>\n<labels xmlns="http://mulan.sourceforge.net/labels"><label name="la"></label><label name="lb"></label></labels>\n',
    );
    const r = numts(
      'multilabel',
      'eval',
      '--data',
      join(dir, 'toy.arff'),
      '--labels',
      join(dir, 'toy.xml'),
      '--method',
      'br',
      '--folds',
      '3',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).mean.average_precision).toBeGreaterThan(0.8);
    const pair = ['--data', join(dir, 'toy.arff'), '--labels', join(dir, 'toy.xml')];
    const knn = numts(
      'multilabel',
      'eval',
      ...pair,
      '--method',
      'mlknn',
      '--opt',
      'k=5',
      '--folds',
      '3',
      '--json',
    );
    expect(knn.code, knn.err).toBe(0);
    expect(JSON.parse(knn.out).options).toEqual({ k: 5 });
    expect(JSON.parse(knn.out).mean.average_precision).toBeGreaterThan(0.8);
    const zero = numts('multilabel', 'eval', ...pair, '--method', 'mlknn', '--opt', 'k=0');
    expect(zero.code).toBe(2);
    expect(zero.err).toContain('--opt k=0: fitMlKnn: k must be an integer > 0 (got 0)');
    expect(zero.err).toContain('see numts multilabel eval --help');
    writeFileSync(
      join(dir, 'wrong.xml'),
      '<?xml version="1.0"?>\n<labels xmlns="http://mulan.sourceforge.net/labels"><label name="zz"></label></labels>\n',
    );
    const bad = numts(
      'multilabel',
      'eval',
      '--data',
      join(dir, 'toy.arff'),
      '--labels',
      join(dir, 'wrong.xml'),
    );
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/numts: error: .*zz/);
  });

  it('peft inspect reports a HF LoRA adapter and its task-specific directions; a directory without files is reported', () => {
    const r = numts(
      'peft',
      'inspect',
      join(PEFT_FIX, 'hf_lora'),
      '--base',
      join(PEFT_FIX, 'base.safetensors'),
      '--directions',
      '2',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const mods = JSON.parse(r.out);
    expect(mods.map((m: { path: string }) => m.path).sort()).toEqual(['fc1', 'fc2']);
    expect(mods[0].directions).toHaveLength(2);
    const text = numts('peft', 'inspect', join(PEFT_FIX, 'hf_lora'));
    expect(text.out).toContain('stable rank');
    const bad = numts('peft', 'inspect', dir);
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('cannot read');
  });

  it('bench is a repository tool, not a command of the installed CLI', () => {
    const r = numts('bench', 'peft');
    expect(r.code).toBe(2);
    expect(r.err).toContain('numts: error: bench is not part of the installed command');
    expect(r.err).toContain('hint: in a clone of the repository: npm run bench -- <suite>');
  });

  it('demo --smoke prints the table and writes numts-demo.json', () => {
    const r = numts('demo', '--smoke', '--seed', '1');
    expect(r.code, r.err).toBe(0);
    for (const m of [
      'svd + verifySvd',
      'PL-CL',
      'PLCP',
      'HOMI',
      'LoRA r=4',
      'LoRA-Dash',
      'FLoRA',
      'WILSON',
      'TME-lite (our reconstruction)',
    ])
      expect(r.out).toContain(m);
    const json = JSON.parse(readFileSync(join(dir, 'numts-demo.json'), 'utf8'));
    expect(json.rows.length).toBeGreaterThanOrEqual(12);
    expect(json.rows.every((row: { value: number }) => Number.isFinite(row.value))).toBe(true);
    // Every row says which way is better and what it is compared with.
    for (const row of json.rows) {
      expect(['higher', 'lower']).toContain(row.better);
      expect(row.reference.length).toBeGreaterThan(3);
      expect(row.referenceValue === null || Number.isFinite(row.referenceValue)).toBe(true);
    }
    for (const h of ['better', 'reference', 'ref. value']) expect(r.out).toContain(h);
    // stderr is a pipe here: progress comes as plain lines, one per step at least.
    expect(r.err).toContain('numts: decompositions …');
    expect(r.err).toMatch(/numts: weakly incremental segmentation done in \d+\.\d s/);
    expect(numts('demo', '--seed', '-3').code).toBe(2);
  }, 120_000);
});

describe('the README of the command', () => {
  it('every line of its runnable block works as written (from the repository root)', () => {
    const root = ROOT;
    const readme = readFileSync(join(ROOT, 'packages', 'cli', 'README.md'), 'utf8');
    const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)][1]![1]!;
    const lines = block.split('\n').filter((l) => l.startsWith('npx numts '));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) {
      const args = line
        .replace(/^npx numts /, '')
        .split(/\s+/)
        .filter(Boolean);
      const r = spawnSync(process.execPath, [BIN, ...args], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
    }
  }, 300_000);
});
