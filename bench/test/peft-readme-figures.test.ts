import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../lib/harness.js';
import { signed } from '../lib/paired.js';

/** The peft README quotes decided claims; they must be the committed page's (docs/results/peft.json). */
describe('peft README figures', () => {
  const summary = JSON.parse(readFileSync(join(ROOT, 'docs', 'results', 'peft.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const readme = readFileSync(join(ROOT, 'packages', 'peft', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  /** A t-interval as the README writes it: the mean (its midpoint) and the interval, signed. */
  const quoted = (ci: [number, number], digits: number) =>
    `${signed((ci[0] + ci[1]) / 2, digits)} [${signed(ci[0], digits)}, ${signed(ci[1], digits)}]`;

  it('quotes claim 7 (FLoRA-conv − LoRA-conv) as the page computes it', () => {
    const ci = summary.flora_conv_minus_lora_conv_ci as [number, number] | null;
    if (ci === null) return expect(readme).not.toContain('claim 7 inconclusive');
    expect(readme).toContain(`FLoRA-conv − LoRA-conv ${quoted(ci, 1)} points`);
    expect(summary.claims_inconclusive).toBeGreaterThanOrEqual(1);
  });

  it('quotes claim 1 (LoRA-Dash − LoRA on V) as the page computes it', () => {
    const ci = summary.dash_minus_lora_ci as [number, number] | null;
    if (ci === null) return expect(readme).not.toContain('claim 1, LoRA-Dash > LoRA on V');
    expect(readme).toContain(`LoRA-Dash − LoRA ${quoted(ci, 2)} points over V's three tasks`);
    const methodPage = readFileSync(join(ROOT, 'docs', 'methods', 'lora-dash.md'), 'utf8').replace(
      /\s+/g,
      ' ',
    );
    expect(methodPage).toContain(`LoRA-Dash − LoRA ${quoted(ci, 2)} points`);
    // Both read it as "below the minimum effect": the interval must end below 0.5.
    expect(ci[1]).toBeLessThan(0.5);
    expect(ci[0]).toBeLessThan(0);
  });

  /** The measured figure and verdict of a claim's row on the committed page ('| 1b. …'). */
  const page = readFileSync(join(ROOT, 'docs', 'results', 'peft.md'), 'utf8');
  const pageRow = (id: string) => {
    const row = page.split('\n').find((l) => l.startsWith(`| ${id}. `));
    expect(row, `claim ${id} on the page`).toBeDefined();
    const cells = row!.split(' | ');
    return { measured: cells.at(-2)!.split(' (')[0]!, verdict: cells.at(-1)!.replace(/[*|]/g, '').trim() };
  };

  it.each([
    [
      '1b',
      'held',
      "Claim 1b, TSD's directions ≥ random ones, is held",
      'LoRA-Dash − its random-direction ablation',
    ],
    ['5', 'held', 'Claim 5, DoRA ≥ LoRA at small r, is held', 'DoRA − LoRA'],
    ['6', 'held', 'Claim 6, PiSSA converges faster, is held', "exceeds PiSSA's by"],
    ['3c', 'inconclusive', 'Claim 3c, TriLoRA ≥ LoRA, is inconclusive', 'TriLoRA − LoRA'],
    ['3b', 'inconclusive', 'Claim 3b, MoSLoRA ≥ TriLoRA, is inconclusive', 'MoSLoRA − TriLoRA'],
    ['3a', 'not held', 'Claim 3a, FLoRA ≥ TriLoRA, is **not held**', 'FLoRA − TriLoRA'],
  ])('quotes claim %s (%s) as the page decides it', (id, verdict, sentence, lead) => {
    const row = pageRow(id);
    if (row.verdict !== verdict) return expect(readme).not.toContain(sentence);
    expect(readme).toContain(sentence);
    expect(readme).toContain(`${lead} ${row.measured}`);
  });
});
