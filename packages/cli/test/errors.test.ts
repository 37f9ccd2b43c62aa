/**
 * Every user mistake gets one error line naming the path or option and the rule, the right exit
 * code (2 usage, 3 bad input), and no stack trace.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '@numts/core';
import { writeNpy, writeSafetensors } from '@numts/io';
import { Linear, Sequential } from '@numts/nn';
import { injectAdapters, saveAdapter } from '@numts/peft';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIX, PEFT_FIX, ROOT, runNumts } from './run-numts.js';

let dir: string;

function numts(...args: string[]): { code: number; out: string; err: string } {
  return runNumts(dir, ...args);
}

/** A user mistake: the exit code, one error line matching `message`, a hint, no stack trace. */
function expectUserError(r: { code: number; err: string }, code: number, message: RegExp | string): void {
  expect(r.code, r.err).toBe(code);
  const lines = r.err.trim().split('\n');
  expect(lines[0]).toMatch(/^numts: error: /);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack frames
  expect(r.err).not.toContain('unexpected error');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'numts-cli-errors-'));
});

describe('numts reports user mistakes in one line', () => {
  it('--version prints the version of the package', () => {
    const r = numts('--version');
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8'));
    expect(r.out.trim()).toBe(pkg.version);
  });

  it('integers print as integers', () => {
    const r = numts(
      'decompose',
      'tucker',
      join(FIX, 'tucker', 'X.npy'),
      '--rank',
      '3,3,2',
      '--out',
      join(dir, 'tk'),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/ {2}iterations: \d+\n/);
    expect(r.out).not.toMatch(/e\+/);
  });

  it('a directory where a file is expected is named, with the rule', () => {
    mkdirSync(join(dir, 'adir.npy'), { recursive: true });
    expectUserError(
      numts('verify', join(dir, 'adir.npy'), '--qr', 'q.npy', 'r.npy'),
      3,
      `${join(dir, 'adir.npy')}: is a directory, not a file`,
    );
  });

  it('a missing file says so, with no hint about formats', () => {
    const r = numts('pll', 'eval', '--data', join(dir, 'nope.mat'));
    expectUserError(r, 3, `${join(dir, 'nope.mat')}: no such file or directory`);
    expect(r.err).toContain('hint: check the path');
    expect(r.err).not.toContain('expected format');
    const p = numts('peft', 'inspect', join(dir, 'no-adapter'));
    expectUserError(p, 3, `${join(dir, 'no-adapter')}: no such file or directory`);
    expect(p.err).not.toContain('expected format');
  });

  it('a bad --labels file is blamed on the XML, not the ARFF', () => {
    writeFileSync(join(dir, 'bad.xml'), '<notlabels/>');
    expectUserError(
      numts('multilabel', 'eval', '--data', join(FIX, 'toy.arff'), '--labels', join(dir, 'bad.xml')),
      3,
      `${join(dir, 'bad.xml')}: parseMulanXml: no <labels> element found`,
    );
  });

  it('an XML that lists fewer labels than the ARFF has is an input error, not AP 0', () => {
    writeFileSync(
      join(dir, 'two.xml'),
      '<?xml version="1.0"?>\n<labels xmlns="http://mulan.sourceforge.net/labels"><label name="la"/><label name="lb"/></labels>\n',
    );
    const r = numts('multilabel', 'eval', '--data', join(FIX, 'toy.arff'), '--labels', join(dir, 'two.xml'));
    expectUserError(
      r,
      3,
      `${join(FIX, 'toy.arff')} with the labels of ${join(dir, 'two.xml')}: loadMulan: the XML file lists 2 labels, but the ARFF file has 1 more {0,1} attribute after them ("lc") that would be used as features; list every label in the XML, or pass trailingBinary: 'features'`,
    );
  });

  it('demo --out in a directory that does not exist fails before the demo runs', () => {
    const t0 = Date.now();
    const r = numts('demo', '--out', '/nonexistent/x.json');
    expectUserError(r, 3, '--out /nonexistent/x.json: the directory /nonexistent does not exist');
    expect(Date.now() - t0).toBeLessThan(15_000); // the full demo takes minutes
    expect(r.out).toBe('');
  });

  it('--rank beyond the data or of the wrong length is a usage error (exit 2)', () => {
    const a = join(FIX, 'svd', 'A.npy');
    expectUserError(
      numts('decompose', 'svd', a, '--rank', '500', '--out', join(dir, 's')),
      2,
      /--rank 500: the rank exceeds min\(m, n\) = \d+ of the \d+x\d+ matrix/,
    );
    expectUserError(
      numts('decompose', 'svd', a, '--rank', '3,3', '--out', join(dir, 's')),
      2,
      '--rank 3,3: decompose svd takes one rank',
    );
    expectUserError(
      numts('decompose', 'tucker', join(FIX, 'tucker', 'X.npy'), '--rank', '3,3', '--out', join(dir, 't')),
      2,
      '--rank 3,3: tucker needs one rank or one per mode (3 modes of shape [6, 5, 4])',
    );
    expectUserError(
      numts('decompose', 'tucker', join(FIX, 'tucker', 'X.npy'), '--rank', '3,9,2', '--out', join(dir, 't')),
      2,
      '--rank 3,9,2: rank 9 exceeds the size 5 of mode 1',
    );
    expectUserError(
      numts('decompose', 'qr', a, '--rank', '2', '--out', join(dir, 'q')),
      2,
      'decompose qr takes no rank',
    );
  });

  it('truncated SVD prints the verification of its triplets', () => {
    const r = numts(
      'decompose',
      'svd',
      join(FIX, 'svd', 'A.npy'),
      '--rank',
      '2',
      '--out',
      join(dir, 'ts'),
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ ok: true, rank: 2 });
    expect(j.residualAV).toBeLessThan(30);
    expect(j.residualAtU).toBeLessThan(30);
  });

  it('peft inspect --base that matches no adapted module is an input error, not a warning', () => {
    writeFileSync(
      join(dir, 'other.safetensors'),
      writeSafetensors({ 'encoder.dense.weight': new Matrix(2, 2) }),
    );
    const r = numts('peft', 'inspect', join(PEFT_FIX, 'hf_lora'), '--base', join(dir, 'other.safetensors'));
    expectUserError(
      r,
      3,
      /--base .*other\.safetensors: holds no weight of the adapted modules \(looked for fc1\.weight, fc2\.weight; it has encoder\.dense\.weight\)/,
    );
  });

  it('peft inspect of a VeRA adapter without --base says to add it (its files lack the input sizes)', () => {
    const model = new Sequential(new Linear(6, 8), new Linear(8, 4));
    injectAdapters(model, { method: 'vera', targetModules: ['0', '1'], rank: 4 });
    const files = saveAdapter(model);
    const folder = join(dir, 'vera');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'adapter_config.json'), files.config);
    writeFileSync(join(folder, 'adapter_model.safetensors'), files.weights);
    expectUserError(
      numts('peft', 'inspect', folder),
      2,
      /vera: inspectAdapter: a VeRA file does not record the input size of "0"; pass the base weights/,
    );
    const base = Object.fromEntries(
      model
        .namedParameters()
        .filter(([n]) => !n.includes('adapter'))
        .map(([n, p]) => [n, { data: p.data, shape: [...p.shape] }]),
    );
    writeFileSync(join(dir, 'vera-base.safetensors'), writeSafetensors(base));
    const r = numts('peft', 'inspect', folder, '--base', join(dir, 'vera-base.safetensors'), '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).map((m: { kind: string; shape: number[] }) => [m.kind, m.shape])).toEqual([
      ['vera', [8, 6]],
      ['vera', [4, 8]],
    ]);
  });

  it('a file that is not .npy names the file and the reader', () => {
    writeFileSync(join(dir, 'text.npy'), 'hello');
    expectUserError(
      numts('decompose', 'svd', join(dir, 'text.npy'), '--out', join(dir, 'o')),
      3,
      `${join(dir, 'text.npy')}: readNpy: `,
    );
    writeFileSync(join(dir, 'vec.npy'), writeNpy(new Matrix(1, 3)));
    expect(numts('decompose', 'svd', join(dir, 'vec.npy'), '--out', join(dir, 'o')).code).toBe(0);
  });
});
