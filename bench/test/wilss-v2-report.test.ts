import { describe, expect, it } from 'vitest';
import { buildReport } from '../lib/wilss-v2-report.js';
import type { PassTrace, TuningResult } from '../lib/wilss-v2-run.js';

/** A search trace: constant, pass, values tried with their scores ('value:score …'), choice, interior. */
const trace = (
  name: PassTrace['name'],
  pass: 1 | 2,
  triedText: string,
  chosen: number,
  interior: boolean,
  pending?: true,
): PassTrace => {
  const tried = triedText.split(' ').map((t) => t.split(':').map(Number) as [number, number]);
  return {
    name,
    pass,
    values: tried.map(([v]) => v),
    scores: tried.map(([, s]) => s),
    chosen,
    interior,
    ...(pending ? { pending } : {}),
  };
};

describe('wilss v2 page: the tuning section', () => {
  it('reports each constant by its last finished pass and counts edge choices on those only', () => {
    const wilson: TuningResult = {
      label: 'WILSON',
      chosen: { alpha: 0.05 },
      complete: true,
      searched: [
        trace('alpha', 1, '0.1:0.56 0.3:0.55 0.5:0.55 0.7:0.55', 0.1, false),
        trace('alpha', 2, '0:0.5 0.05:0.57 0.1:0.56 0.3:0.55', 0.05, true),
      ],
    };
    const tme: TuningResult = {
      label: 'TME-lite OB+PF (full)',
      chosen: { alpha: 0.05, alphaR: 0.9, rhoOld: 0.7 },
      complete: false,
      searched: [
        trace('alphaR', 1, '0.7:0.45 0.9:0.5', 0.9, false),
        trace('rhoOld', 1, '0.6:0.56 0.7:0.58', 0.7, false),
        trace('alphaR', 2, '0.7:0.5 0.9:0.6 0.95:0.59', 0.9, true),
        trace('rhoOld', 2, '0.6:0.55', 0.6, false, true),
      ],
    };
    const { markdown, summary } = buildReport({
      runs: new Map(),
      tuned: { '7-3': { WILSON: wilson, 'TME-lite OB+PF (full)': tme } },
      settings: ['7-3'],
      command: 'test',
      machine: 'test machine',
    });
    expect(summary).toMatchObject({
      tuned_wilson_alpha: 0.05,
      tuned_wilson_alpha_val_all_miou: 0.57,
      tuned_wilson_alpha_pass: 2,
      tuned_tme_alphaR_pass: 2,
      // ρ_old's second pass is in progress: the key keeps the first pass's choice.
      tuned_tme_rhoOld: 0.7,
      tuned_tme_rhoOld_pass: 1,
      tuning_complete: false,
      // α and α_R are interior in their second passes; ρ_old's last finished pass ended at an edge.
      tuned_at_grid_edge: 1,
    });
    expect(markdown).toContain(
      '| WILSON | 2 | alpha | 0: 50.00, 0.05: 57.00, 0.1: 56.00, 0.3: 55.00 | 0.05 | yes |',
    );
    expect(markdown).toContain(
      '| TME-lite OB+PF (full) | 2 | rhoOld | 0.6: 55.00 | in progress (best so far 0.6) | not yet |',
    );
    expect(markdown).toContain('**The search is still running**');
    expect(markdown).not.toContain('Not interior, and cannot be');
  });

  it('names the second-pass choices at the end of their domain, and only those', () => {
    const wilson: TuningResult = {
      label: 'WILSON',
      chosen: { alpha: 0 },
      complete: true,
      searched: [trace('alpha', 2, '0:0.5604 0.05:0.5602 0.1:0.5592', 0, false)],
    };
    const tme: TuningResult = {
      label: 'TME-lite OB+PF (full)',
      chosen: { alpha: 0, alphaR: 0.99, rhoOld: 0.7 },
      complete: true,
      searched: [
        // At a bound of the first pass's range (not a domain end): not named.
        trace('rhoOld', 1, '0.6:0.56 0.7:0.58', 0.7, false),
        trace('alphaR', 2, '0.95:0.60 0.99:0.61', 0.99, false),
        trace('rhoOld', 2, '0.6:0.60 0.7:0.61 0.8:0.60', 0.7, true),
      ],
    };
    const { markdown } = buildReport({
      runs: new Map(),
      tuned: { '7-3': { WILSON: wilson, 'TME-lite OB+PF (full)': tme } },
      settings: ['7-3'],
      command: 'test',
      machine: 'test machine',
    });
    expect(markdown).toContain(
      'Not interior, and cannot be: WILSON’s alpha = 0 (the scores it chose among span 0.12 points); TME-lite OB+PF (full)’s alphaR = 0.99 (the scores it chose among span 1.00 points)',
    );
    expect(markdown).not.toContain('rhoOld = 0.7 (');
  });
});
