import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../lib/wilss-store.js';
import { FINAL_SEEDS, V2 } from '../lib/wilss-v2-plan.js';
import { buildReport, headroomOf } from '../lib/wilss-v2-report.js';
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

describe('wilss v2 page: the criteria', () => {
  /** Final runs of 7-3 on every seed: old/new/all per method plus a small seed effect. */
  function finals(scores: Record<string, [number, number, number]>): Map<string, RunRecord> {
    const runs = new Map<string, RunRecord>();
    for (const seed of FINAL_SEEDS['7-3']!) {
      const jitter = 0.002 * ((seed * 7) % 5);
      const add = (r: Omit<RunRecord, 'split' | 'seconds' | 'config' | 'setting' | 'seed'>) =>
        runs.set(r.key, { ...r, setting: '7-3', seed, split: 'test', seconds: 60, config: V2 });
      add({ key: `base/${seed}`, kind: 'base', old: 0.75 + jitter });
      for (const [method, [o, n, a]] of Object.entries(scores))
        add({
          key: `final/${method}/${seed}`,
          kind: 'final',
          method,
          old: o + jitter,
          new: n + jitter * (method === 'CAM+old' ? 2 : 1),
          all: a + jitter,
          mechanism: [{ pseudoNew: n }],
        });
    }
    return runs;
  }
  /** The page of 7-3 and 4-2-2-2 from `runs`, nothing tuned. */
  const multiStepReport = (runs: Map<string, RunRecord>) =>
    buildReport({ runs, tuned: {}, settings: ['7-3', '4-2-2-2'], command: 't', machine: 'm' });
  /** Adds a test-split final run of `method` in `setting` with the given mIoUs. */
  function putFinal(
    runs: Map<string, RunRecord>,
    setting: string,
    method: string,
    seed: number,
    old: number,
    nw: number,
    all: number,
  ): void {
    const key = `final/${setting}/${method}/${seed}`;
    runs.set(key, {
      key,
      kind: 'final',
      setting,
      seed,
      method,
      split: 'test',
      old,
      new: nw,
      all,
      seconds: 60,
      config: V2,
    });
  }
  const scores: Record<string, [number, number, number]> = {
    'FT-pixel': [0, 0.68, 0.26],
    'FT-weak': [0, 0.11, 0.1],
    'CAM+old': [0.58, 0.07, 0.47],
    WILSON: [0.65, 0.28, 0.57],
    'TME-lite OB+PF (full)': [0.7, 0.37, 0.63],
    Joint: [0.79, 0.69, 0.78],
  };

  it('counts the criteria of every setting, a setting without runs as incomplete', () => {
    const { summary, markdown } = buildReport({
      runs: finals(scores),
      tuned: {},
      settings: ['7-3', '4-2-2-2'],
      command: 'test',
      machine: 'test machine',
    });
    // No σ is printed for a setting without paired runs.
    expect(markdown).toContain('old no paired runs yet |');
    // 7-3 has no ablation runs here, so its criterion 3c is incomplete; 4-2-2-2 has no 3c but has
    // criterion 5 (the multi-step gain).
    expect(summary.criteria_by_setting).toEqual({
      '7-3': { held: 4, not_held: 1, inconclusive: 0, incomplete: 1 },
      '4-2-2-2': { held: 0, not_held: 0, inconclusive: 0, incomplete: 6 },
    });
    expect(summary).toMatchObject({
      criteria_held: 4,
      criteria_not_held: 1,
      criteria_inconclusive: 0,
      criteria_incomplete: 7,
    });
  });

  it('says when criterion 2 fails only because WILSON keeps the old classes better, and not otherwise', () => {
    const note = 'Criterion 2 fails on its “≈ on old” part alone, and in WILSON’s favour';
    const better = buildReport({
      runs: finals(scores),
      tuned: {},
      settings: ['7-3'],
      command: 't',
      machine: 'm',
    });
    expect(better.markdown).toContain(note);
    // new: 21 points less the seed effect that CAM+old has twice (0, 0.4, 0.8, 0.2, 0.6): mean 20.6,
    // sd 0.316, t(4) 2.776 · 0.141 = 0.39.
    expect(better.markdown).toContain(
      '| 2. WILSON > CAM+old on new and all; ≈ on old (interval inside ±2 points) | new +20.6 [+20.2, +21.0], all +10.0 [+10.0, +10.0], old +7.0 [+7.0, +7.0] | **not held** |',
    );
    // WILSON as good as CAM+old on old: criterion 2 held, no note.
    const close = buildReport({
      runs: finals({ ...scores, WILSON: [0.585, 0.28, 0.57] }),
      tuned: {},
      settings: ['7-3'],
      command: 't',
      machine: 'm',
    });
    expect(close.markdown).not.toContain(note);
    expect(close.summary).toMatchObject({ criteria_held: 5, criteria_not_held: 0 });
  });

  it('decides the A.4 ordering (criterion 3c) from the ablation rows, and compares criterion 3 with 2σ', () => {
    const ablations = {
      'TME-lite PF': [0.66, 0.3, 0.59],
      'TME-lite pixel': [0.66, 0.3, 0.6],
      'TME-lite OB': [0.68, 0.33, 0.61],
    } satisfies Record<string, [number, number, number]>;
    const inOrder = buildReport({
      runs: finals({ ...scores, ...ablations }),
      tuned: {},
      settings: ['7-3'],
      command: 't',
      machine: 'm',
    });
    // All-class: PF 59 > WILSON 57, OB 61 > pixel 60, full 63 > OB 61 (the seed effect cancels).
    expect(inOrder.markdown).toContain(
      '| 3c. The A.4 ablation rows keep their order on all-class mIoU: 1 < 2, 3 < 4 < 6 (registration 3) | 2 − 1 (TME-lite PF − WILSON) +2.0 [+2.0, +2.0], 4 − 3 (TME-lite OB − TME-lite pixel) +1.0 [+1.0, +1.0], 6 − 4 (TME-lite OB+PF (full) − TME-lite OB) +2.0 [+2.0, +2.0] | held |',
    );
    // TME − WILSON: new +9 and all +6 on every seed (σ 0), so the 2σ wording is met.
    expect(inOrder.markdown).toContain(
      '; the spec’s “by more than 2σ of the paired differences”: new 9.0 against 2σ 0.0, all 6.0 against 0.0 — met',
    );
    const outOfOrder = buildReport({
      runs: finals({ ...scores, ...ablations, 'TME-lite OB': [0.68, 0.33, 0.58] }),
      tuned: {},
      settings: ['7-3'],
      command: 't',
      machine: 'm',
    });
    expect(outOfOrder.markdown).toMatch(/\| 3c\. [^\n]*\| \*\*not held\*\* \|/);
  });

  it('says that PF alone trains exactly WILSON when every seed shows it, and only then', () => {
    const note =
      'PF alone (A.4 row 2) scores exactly what WILSON scores on each of seeds 0, 1, 2, 3, 4, to every digit';
    const same = buildReport({
      runs: finals({ ...scores, 'TME-lite PF': scores.WILSON! }),
      tuned: {},
      settings: ['7-3'],
      command: 't',
      machine: 'm',
    });
    expect(same.markdown).toContain(note);
    // PF − WILSON is exactly 0 on every seed: an interval of zero width at 0 is inconclusive.
    expect(same.markdown).toContain('2 − 1 (TME-lite PF − WILSON) 0.0 [0.0, 0.0]');
    const differs = buildReport({
      runs: finals({ ...scores, 'TME-lite PF': [0.65, 0.28, 0.571] }),
      tuned: {},
      settings: ['7-3'],
      command: 't',
      machine: 'm',
    });
    expect(differs.markdown).not.toContain('PF alone (A.4 row 2) scores exactly');
  });

  it('decides criterion 5 in 4-2-2-2 from the two settings’ independent gains (Welch)', () => {
    const runs = finals(scores); // 7-3: TME − WILSON on all is 6 points on every seed
    for (const [seed, gain] of [
      [0, 0.09],
      [1, 0.1],
      [2, 0.11],
    ] as const)
      for (const [method, all] of [
        ['WILSON', 0.5],
        ['TME-lite OB+PF (full)', 0.5 + gain],
      ] as const)
        putFinal(runs, '4-2-2-2', method, seed, 0.6, 0.3, all);
    const { markdown } = multiStepReport(runs);
    // 4-2-2-2: mean 10, s 1, n 3 (t(2) 4.303 · 0.577 = 2.48); 7-3: 6, s 0. Welch: se 0.577, df 2.
    expect(markdown).toContain(
      '| 4-2-2-2 +10.0 [+7.5, +12.5] − 7-3 +6.0 [+6.0, +6.0]: +4.0 [+1.5, +6.5] | held |',
    );
    // Only the multi-step setting has criterion 5.
    expect(markdown.match(/\| 5\. The gain is largest in multi-step/g)).toHaveLength(1);
  });

  it('decides a criterion only when every seed of its setting has the runs it needs', () => {
    const runs = finals(scores);
    for (const seed of FINAL_SEEDS['4-2-2-2']!) {
      const key = `base/4-2-2-2/${seed}`;
      runs.set(key, {
        key,
        kind: 'base',
        setting: '4-2-2-2',
        seed,
        split: 'test',
        old: 0.76,
        seconds: 60,
        config: V2,
      });
      // Seed 2 has not yet run TME-lite or Joint.
      const ran = seed === 2 ? ['FT-pixel', 'FT-weak', 'CAM+old', 'WILSON'] : Object.keys(scores);
      for (const method of ran) {
        const [o, n, a] = scores[method]!;
        putFinal(runs, '4-2-2-2', method, seed, o, n + 0.01 * seed, a);
      }
    }
    const { markdown, summary } = multiStepReport(runs);
    // 1 and 2 have every run on every seed; 3, 3b and 5 lack seed 2's TME-lite, 4 its Joint.
    expect(summary.criteria_by_setting).toMatchObject({
      '4-2-2-2': { held: 1, not_held: 1, inconclusive: 0, incomplete: 4 },
    });
    const section = markdown.slice(markdown.indexOf('## Setting 4-2-2-2'));
    expect(section).toContain(
      'new +9.0 [+9.0, +9.0], all +6.0 [+6.0, +6.0], old +5.0 [+5.0, +5.0] (σ 0.0); the spec’s “by more than 2σ of the paired differences”: new 9.0 against 2σ 0.0, all 6.0 against 0.0 — met (so far on 2 of 3 seeds; decided when 4-2-2-2 seed 2 has its runs) | **incomplete** |',
    );
    expect(section).toMatch(
      /\| 5\. [^\n]*\(so far on 7 of 8 seeds; decided when 4-2-2-2 seed 2 has its runs\) \| \*\*incomplete\*\* \|/,
    );
    // The same runs with seed 2's TME-lite and Joint added decide all six.
    for (const method of ['TME-lite OB+PF (full)', 'Joint']) {
      const [o, n, a] = scores[method]!;
      putFinal(runs, '4-2-2-2', method, 2, o, n + 0.02, a);
    }
    expect(multiStepReport(runs).summary.criteria_by_setting).toMatchObject({
      '4-2-2-2': { incomplete: 0 },
    });
  });

  it('shows a setting’s own diagnosis rows, each decided on the metric it names (H3 in 4-2-2-2: all)', () => {
    const runs = finals(scores);
    const put = (method: string, seed: number, old: number, nw: number, all: number) =>
      putFinal(runs, '4-2-2-2', method, seed, old, nw, all);
    const h3 = 'diagnosis H3: OB+PF at α_R = 0.5';
    for (const seed of [0, 1, 2]) {
      put('TME-lite OB+PF (full)', seed, 0.3, 0.11, 0.25);
      // Better on old and all on every seed, worse on new: supported, as H3 is decided on all.
      put(h3, seed, 0.45 + 0.01 * seed, 0.1, 0.33 + 0.01 * seed);
    }
    const { markdown } = multiStepReport(runs);
    const section = markdown.slice(markdown.indexOf('## Setting 4-2-2-2'));
    expect(section).toContain('- H3 (registration 5): α_R, tuned in 7-3');
    expect(section).toContain('H3 on all-class mIoU');
    // all: +9 [+6.5, +11.5] with s 1 over 3 seeds; no OB-alone column (OB alone never ran in 4-2-2-2).
    expect(section).toContain(
      `| ${h3} | −1.0 [−1.0, −1.0] | +9.0 [+6.5, +11.5] | +16.0 [+13.5, +18.5] | held |`,
    );
    // The 7-3 rows stay in 7-3.
    expect(section).not.toContain('diagnosis H1');
    // Without seed 2's full method the row is not decided, though two seeds have both rows.
    runs.delete('final/4-2-2-2/TME-lite OB+PF (full)/2');
    const partial = multiStepReport(runs).markdown;
    expect(partial.slice(partial.indexOf('## Setting 4-2-2-2'))).toMatch(
      new RegExp(`\\| ${h3.replace(/[()+.]/g, '\\$&')} \\| [^\\n]* \\| incomplete \\|`),
    );
  });

  it('names the α_R that defines each mechanism row’s conflicts (0.5 when a method sets none)', () => {
    const runs = finals(scores);
    for (const r of runs.values())
      if (r.method === 'TME-lite OB+PF (full)') r.constants = { alpha: 0, alphaR: 0.99 };
    const { markdown } = buildReport({ runs, tuned: {}, settings: ['7-3'], command: 't', machine: 'm' });
    expect(markdown).toMatch(/\| WILSON \| [^\n]* \| 0\.5 \| [^|\n]* \|\n/);
    expect(markdown).toMatch(/\| TME-lite OB\+PF \(full\) \| [^\n]* \| 0\.99 \| [^|\n]* \|\n/);
    expect(markdown).toContain('so the two conflict columns compare only rows with the same α_R');
  });
});

describe('wilss v2 page: headroom per setting', () => {
  it('is met only when every mean reaches its requirement, and names each one that does not', () => {
    expect(headroomOf(0.76, 0.778, 0.69).verdict).toBe('met');
    const low = headroomOf(0.764, 0.711, 0.622);
    expect(low.verdict).toBe('not met');
    expect(low.text).toContain('(Joint all 71.1 < 75.0; Joint new 62.2 < 65.0)');
    expect(headroomOf(0.749, 0.8, 0.7).text).toContain('(base old 74.9 < 75.0)');
    expect(headroomOf(0.76, null, 0.7).verdict).toBe('incomplete');
  });
});
