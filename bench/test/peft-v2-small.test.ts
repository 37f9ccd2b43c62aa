import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareSmallRuns, isSmallFinal, prepareSmallRunsFile, smallMarkdown } from '../lib/peft-v2-small.js';

const dir = mkdtempSync(join(tmpdir(), 'peft-small-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (kind: string, label: string, seed: number, accuracy: number, losses = [1, 0.5]) => ({
  key: `${kind}/V/mnist/${label}/r4/lr0.01/s${seed}/300x32`,
  kind,
  bed: 'V',
  task: 'mnist',
  label,
  rank: 4,
  lr: 0.01,
  seed,
  smoke: false,
  accuracy,
  losses,
});
const lines = (rs: object[]) => `${rs.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('the --small reproduction check', () => {
  const committed = join(dir, 'committed.jsonl');
  const selection = run('select', 'LoRA', 100, 0.9);
  const other = { ...run('final', 'LoRA', 0, 0.8), rank: 2, key: 'final/V/mnist/LoRA/r2/lr0.01/s0/300x32' };
  writeFileSync(
    committed,
    lines([
      selection,
      other,
      run('final', 'LoRA', 0, 0.91),
      run('final', 'LoRA-Dash', 0, 0.92),
      run('final', 'LoRA', 1, 0.93),
    ]),
  );

  it('picks the final runs of LoRA and LoRA-Dash at r = 4 on MNIST only', () => {
    expect(isSmallFinal(run('final', 'LoRA', 0, 0.9))).toBe(true);
    expect(isSmallFinal(run('final', 'DoRA', 0, 0.9))).toBe(false);
    expect(isSmallFinal(selection)).toBe(false);
    expect(isSmallFinal(other)).toBe(false);
    expect(isSmallFinal({ ...run('final', 'LoRA', 0, 0.9), smoke: true })).toBe(false);
  });

  it('keeps every other committed record, so no selection run is repeated', () => {
    const file = join(dir, 'small.jsonl');
    expect(prepareSmallRunsFile(file, committed)).toBe(3);
    const kept = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).key);
    expect(kept).toEqual([selection.key, other.key]);
  });

  it('says identical only for the same accuracy and loss curve, and names runs without a record', () => {
    const file = join(dir, 'rerun.jsonl');
    writeFileSync(
      file,
      lines([
        selection,
        run('final', 'LoRA', 0, 0.91),
        run('final', 'LoRA-Dash', 0, 0.92, [1, 0.5000000000000001]),
        run('final', 'LoRA', 1, 0.9300000000000002),
        run('final', 'LoRA', 2, 0.94),
      ]),
    );
    const rows = compareSmallRuns(file, committed);
    expect(rows.map((r) => [r.label, r.seed, r.identical, r.committed])).toEqual([
      ['LoRA', 0, true, 0.91],
      ['LoRA', 1, false, 0.93],
      ['LoRA', 2, false, null],
      ['LoRA-Dash', 0, false, 0.92],
    ]);
    const md = smallMarkdown(rows, 'test machine', 1.5);
    expect(md).toContain('1 of 4 identical bit for bit');
    expect(md).toContain('| LoRA | 0.01 | 2 | no record | 94.00 | no |');
  });
});
