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
  const readmeRaw = readFileSync(join(ROOT, 'packages', 'peft', 'README.md'), 'utf8');
  const readme = readmeRaw.replace(/\s+/g, ' ');
  /** A t-interval as the README writes it: the mean (its midpoint) and the interval, signed. */
  const quoted = (ci: [number, number], digits: number) =>
    `${signed((ci[0] + ci[1]) / 2, digits)} [${signed(ci[0], digits)}, ${signed(ci[1], digits)}]`;

  /** A claim row of a markdown table, split into trimmed cells ('| 1b. … | … |'). */
  const claimRows = (markdown: string) =>
    new Map(
      markdown
        .split('\n')
        .filter((l) => /^\| \d+[a-zA-Z]*\. /.test(l))
        .map((l) => {
          const cells = l.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
          return [cells[0]!.split('.')[0]!, cells] as const;
        }),
    );
  const page = readFileSync(join(ROOT, 'docs', 'results', 'peft.md'), 'utf8');
  const pageSection = page.slice(
    page.indexOf('## Pre-registered claims'),
    page.indexOf('## Claims not held'),
  );
  /** Claim id → the page's measured figure (without its rule) and verdict. */
  const pageClaims = new Map(
    [...claimRows(pageSection)].map(([id, cells]) => [
      id,
      {
        name: cells[0]!,
        measured: cells.at(-2)!.split(' (')[0]!.split(': ').at(-1)!,
        verdict: cells.at(-1)!.replace(/\*/g, '').trim(),
      },
    ]),
  );
  const readmeV2 = readmeRaw.slice(readmeRaw.indexOf('### v2'), readmeRaw.indexOf('### v1'));
  const readmeClaims = claimRows(readmeV2);

  it('lists every claim of the page, in its order', () => {
    expect(pageClaims.size).toBe(14);
    expect([...readmeClaims.keys()]).toEqual([...pageClaims.keys()]);
  });

  /** Checks a quoted row (claim, measured, verdict, …) against the page's row of the same claim. */
  const expectAsOnPage = (id: string, quotedRow: readonly string[]) => {
    const onPage = pageClaims.get(id);
    expect(onPage, `claim ${id} on the page`).toBeDefined();
    const [name, measured, verdict] = quotedRow;
    expect(name).toBe(onPage!.name);
    expect(verdict).toBe(onPage!.verdict);
    expect(measured).toBe(onPage!.verdict === 'incomplete' ? '—' : onPage!.measured);
  };

  it.each([...pageClaims.keys()])('quotes claim %s with the page’s figure and verdict', (id) => {
    expectAsOnPage(id, readmeClaims.get(id)!);
  });

  it.each([
    ['lora-dash.md', ['1', '1T', '1b', '8']],
    ['flora.md', ['3a', '3b', '3c', '7']],
    ['ssl-ssb-mpc.md', ['2a', '2b', '2c', '4']],
  ])('the method page %s quotes its claims as the page does', (file, ids) => {
    const quotedRows = claimRows(readFileSync(join(ROOT, 'docs', 'methods', file), 'utf8'));
    expect([...quotedRows.keys()]).toEqual(ids);
    for (const [id, row] of quotedRows) expectAsOnPage(id, row);
  });

  it('quotes the pretrained ViT’s accuracy as the page records it', () => {
    expect(readme).toContain(
      `pretrained on Fashion-MNIST to ${(100 * (summary.pretrain_V_accuracy as number)).toFixed(1)} % test accuracy`,
    );
  });

  it('quotes claim 1 (LoRA-Dash − LoRA on V) on the method page as the page computes it', () => {
    const ci = summary.dash_minus_lora_ci as [number, number] | null;
    const methodPage = readFileSync(join(ROOT, 'docs', 'methods', 'lora-dash.md'), 'utf8').replace(
      /\s+/g,
      ' ',
    );
    if (ci === null) return expect(methodPage).not.toContain('LoRA-Dash − LoRA +');
    expect(methodPage).toContain(`LoRA-Dash − LoRA ${quoted(ci, 2)} points`);
    expect(readme).toContain(`| 1. LoRA-Dash > LoRA | ${quoted(ci, 2)} |`);
    // Both read it as "below the minimum effect": the interval must end below 0.5.
    expect(ci[1]).toBeLessThan(0.5);
    expect(ci[0]).toBeLessThan(0);
  });

  it('states the not-held claims’ explanation results as the page does', () => {
    const explained = page
      .slice(page.indexOf('## Claims not held'))
      .split('\n')
      .filter((l) => /^\| \d+[a-zA-Z]*\. /.test(l));
    let decided = 0;
    for (const row of explained) {
      const cells = row.split(' | ');
      const id = cells[0]!.replace(/^\|\s*/, '').split('.')[0]!;
      const figure = cells[3]!;
      const reading = readmeClaims.get(id)![3]!;
      if (!/^[−+]/.test(figure)) continue;
      expect(reading).toContain(figure);
      decided += 1;
    }
    expect(decided).toBeGreaterThanOrEqual(summary.claims_not_held_explained as number);
  });
});
