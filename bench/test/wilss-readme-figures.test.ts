import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../lib/harness.js';

/** The wilss README quotes the 7-3 results; they must be the committed page's (docs/results/wilss.json). */
describe('wilss README figures', () => {
  const summary = JSON.parse(readFileSync(join(ROOT, 'docs', 'results', 'wilss.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const readme = readFileSync(join(ROOT, 'packages', 'wilss', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
  /** A t-interval as the README writes it: the mean (its midpoint) and the interval. */
  const interval = (ci: [number, number]) =>
    `${signed((ci[0] + ci[1]) / 2)} [${signed(ci[0])}, ${signed(ci[1])}]`;

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
});
