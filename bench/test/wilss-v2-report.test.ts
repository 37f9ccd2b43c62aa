import { describe, expect, it } from 'vitest';
import { buildReport } from '../lib/wilss-v2-report.js';
import type { PassTrace, TuningResult } from '../lib/wilss-v2-run.js';

const trace = (
  t: Partial<PassTrace> & Pick<PassTrace, 'name' | 'pass' | 'values' | 'scores' | 'chosen' | 'interior'>,
) => t as PassTrace;

describe('wilss v2 page: the tuning section', () => {
  it('reports each constant by its last finished pass and counts edge choices on those only', () => {
    const wilson: TuningResult = {
      label: 'WILSON',
      chosen: { alpha: 0.05 },
      complete: true,
      searched: [
        trace({
          name: 'alpha',
          pass: 1,
          values: [0.1, 0.3, 0.5, 0.7],
          scores: [0.56, 0.55, 0.55, 0.55],
          chosen: 0.1,
          interior: false,
        }),
        trace({
          name: 'alpha',
          pass: 2,
          values: [0, 0.05, 0.1, 0.3],
          scores: [0.5, 0.57, 0.56, 0.55],
          chosen: 0.05,
          interior: true,
        }),
      ],
    };
    const tme: TuningResult = {
      label: 'TME-lite OB+PF (full)',
      chosen: { alpha: 0.05, alphaR: 0.9, rhoOld: 0.7 },
      complete: false,
      searched: [
        trace({
          name: 'alphaR',
          pass: 1,
          values: [0.7, 0.9],
          scores: [0.45, 0.5],
          chosen: 0.9,
          interior: false,
        }),
        trace({
          name: 'rhoOld',
          pass: 1,
          values: [0.6, 0.7],
          scores: [0.56, 0.58],
          chosen: 0.7,
          interior: false,
        }),
        trace({
          name: 'alphaR',
          pass: 2,
          values: [0.7, 0.9, 0.95],
          scores: [0.5, 0.6, 0.59],
          chosen: 0.9,
          interior: true,
        }),
        trace({
          name: 'rhoOld',
          pass: 2,
          values: [0.6],
          scores: [0.55],
          chosen: 0.6,
          interior: false,
          pending: true,
        }),
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
  });
});
