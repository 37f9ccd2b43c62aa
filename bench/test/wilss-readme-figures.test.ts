import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../lib/harness.js';
import { signed } from '../lib/paired.js';
import { readRuns } from '../lib/wilss-store.js';
import { ciText, FULL, finalRun, pairedDiff } from '../lib/wilss-v2-criteria.js';
import { FINAL_SEEDS } from '../lib/wilss-v2-plan.js';

/** The wilss README quotes the 7-3 results; they must be the committed page's (docs/results/wilss.json). */
describe('wilss README figures', () => {
  const summary = JSON.parse(readFileSync(join(ROOT, 'docs', 'results', 'wilss.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const readme = readFileSync(join(ROOT, 'packages', 'wilss', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const tmePage = readFileSync(join(ROOT, 'docs', 'methods', 'tme.md'), 'utf8').replace(/\s+/g, ' ');
  const points = (x: number) => signed(100 * x, 1);
  /** A t-interval as the README writes it: the mean (its midpoint) and the interval. */
  const interval = (ci: [number, number]) =>
    `${points((ci[0] + ci[1]) / 2)} [${points(ci[0])}, ${points(ci[1])}]`;

  it('quotes TME-lite − WILSON as the page computes it', () => {
    const ci = (k: string) => summary[`tme_minus_wilson_${k}_ci`] as [number, number];
    expect(readme).toContain(
      `new ${interval(ci('new'))}, all ${interval(ci('all'))}, old ${interval(ci('old'))} points`,
    );
  });

  it('quotes the headroom means and the tuned constants of the page', () => {
    const pct = (k: string) => (100 * (summary[k] as number)).toFixed(1);
    expect(readme).toContain(`base models ${pct('base_old_miou')} % old mIoU`);
    expect(readme).toContain(`Joint ${pct('joint_all_miou')} all / ${pct('joint_new_miou')} new`);
    expect(readme).toContain(
      `WILSON α = ${summary.tuned_wilson_alpha}, and for TME-lite α = ${summary.tuned_wilson_alpha}, α_R = ${summary.tuned_tme_alphaR}, ρ_old = ${summary.tuned_tme_rhoOld} and λ_max = ${summary.tuned_tme_lambdaMax}`,
    );
  });

  it('quotes the first 4-2-2-2 seed as its runs recorded it (README and the TME-lite method page)', () => {
    const runs = [...readRuns().values()];
    const at = (method: string) => finalRun(runs, '4-2-2-2', method, 0);
    const [wilson, tme] = [at('WILSON'), at('TME-lite OB+PF (full)')];
    if (!wilson || !tme) return expect(readme).not.toContain('The first 4-2-2-2 seed');
    const p = (x: number) => (100 * x).toFixed(1);
    const conflict = (tme.mechanism as { conflictRate: number }[]).map((m) => p(m.conflictRate));
    for (const text of [readme, tmePage]) {
      expect(text).toContain(`TME-lite ${p(tme.all!)} all-class mIoU (old ${p(tme.old)})`);
      expect(text).toContain(`WILSON's ${p(wilson.all!)} (old ${p(wilson.old)})`);
      expect(text).toContain(`from ${conflict[0]} % in step 1 to ${conflict[2]} % in step 3`);
    }
  });

  it.each(['4-2-2-2', '5-5'])(
    'quotes the %s means and its TME-lite − WILSON intervals as the runs give them',
    (setting) => {
      const runs = [...readRuns().values()];
      const seeds = FINAL_SEEDS[setting]!;
      const complete = seeds.every((s) =>
        ['WILSON', FULL, 'Joint', 'CAM+old'].every((m) => finalRun(runs, setting, m, s)),
      );
      if (!complete) return expect(readme).not.toContain(`What the ${setting} numbers show`);
      expect(readme).toContain(`What the ${setting} numbers show`);
      const mean = (m: string, k: 'old' | 'new' | 'all') =>
        ((100 * seeds.reduce((a, s) => a + finalRun(runs, setting, m, s)![k]!, 0)) / seeds.length).toFixed(1);
      const row = (m: string) => `${mean(m, 'old')} / ${mean(m, 'new')} / ${mean(m, 'all')}`;
      // Each setting's paragraph, so that one setting's figures cannot stand in for another's.
      const start = readme.indexOf(`What the ${setting} numbers show`);
      const paragraph = readme.slice(start, readme.indexOf('**What', start + 10));
      expect(paragraph).toContain(
        `CAM+old ${row('CAM+old')}, WILSON ${row('WILSON')}, TME-lite ${row(FULL)}, Joint ${row('Joint')}`,
      );
      expect(paragraph).toContain(`Joint ${mean('Joint', 'all')} all / ${mean('Joint', 'new')} new`);
      const d = (a: string, b: string, k: 'old' | 'new' | 'all') =>
        ciText(pairedDiff(runs, setting, a, b, k));
      expect(paragraph).toContain(
        `new ${d(FULL, 'WILSON', 'new')}, all ${d(FULL, 'WILSON', 'all')}, old ${d(FULL, 'WILSON', 'old')} points`,
      );
      expect(tmePage).toContain(
        `new ${d(FULL, 'WILSON', 'new')}, all ${d(FULL, 'WILSON', 'all')}, old ${d(FULL, 'WILSON', 'old')} points`,
      );
      // Criterion 2's "≈ on old" part, which both paragraphs quote.
      expect(paragraph).toContain(d('WILSON', 'CAM+old', 'old'));
      if (setting === '5-5') {
        expect(paragraph).toContain(
          `reaches ${mean('FT-pixel', 'new')} new, above Joint's ${mean('Joint', 'new')}`,
        );
        return;
      }
      const h3 = 'diagnosis H3: OB+PF at α_R = 0.5';
      expect(paragraph).toContain(`gives the old classes back (${d(h3, FULL, 'old')})`);
      expect(paragraph).toContain(`all-class ${d(h3, FULL, 'all')}, **not supported**`);
      const h4 = 'diagnosis H4: OB without PF';
      expect(paragraph).toContain(`old ${d(h4, FULL, 'old')}, all ${d(h4, FULL, 'all')}), **not supported**`);
    },
  );
});
