import { describe, expect, it } from 'vitest';
import { chosenRate, chosenRates, explanationJobs } from '../lib/peft-v2-claims.js';
import {
  BUDGETS,
  CLAIMS,
  FINAL_SEEDS,
  LR_GRID,
  PLATEAU,
  SELECTION_SEEDS,
  TASK_STEPS,
} from '../lib/peft-v2-plan.js';
import { buildPeftReport } from '../lib/peft-v2-report.js';
import { budgetOf, cells, keyOf, plateauCheck, type RecordV } from '../lib/peft-v2-stages.js';

/** Synthetic runs: validation accuracy peaks at lr 1e-3; test accuracy 0.8 + a method offset + seed noise. */
function synthetic(offset: Record<string, number>): Map<string, RecordV> {
  const runs = new Map<string, RecordV>();
  const add = (r: Omit<RecordV, 'key' | 'losses' | 'trainable' | 'seconds'>) => {
    const rec: RecordV = { ...r, key: keyOf(r), losses: [1], trainable: 1, seconds: 1 };
    runs.set(rec.key, rec);
  };
  for (const c of cells(false)) {
    for (const lr of LR_GRID)
      for (const seed of SELECTION_SEEDS)
        add({
          kind: 'select',
          ...c,
          lr,
          seed,
          smoke: false,
          accuracy: 0.8 - Math.abs(Math.log10(lr) + 3) / 10,
        });
    for (const seed of FINAL_SEEDS)
      add({
        kind: 'final',
        ...c,
        lr: 1e-3,
        seed,
        smoke: false,
        accuracy:
          0.8 +
          (offset[c.label] ?? 0) +
          0.001 * Math.sin(seed + c.rank) +
          0.0005 * seed * (c.label === 'LoRA' ? 1 : 0) +
          0.0003 * Math.sin(seed * 1.7 + c.label.length),
      });
  }
  return runs;
}

describe('peft v2 page', () => {
  it('decides the claims from paired per-seed differences over tasks and ranks', async () => {
    const { summary } = await buildPeftReport(
      synthetic({ 'LoRA-Dash': 0.02, SSB: 0.03, SSL: 0.01, '(IA)³': 0.012, 'SAM-PARSER': -0.2 }),
      {
        smoke: false,
        command: 'test',
        machine: 'test',
        pretrainV: 0.9,
        teacherPrecision: [0.5, 0.625, 0.5, 0.625, 0.5],
      },
    );
    const ci = summary.dash_minus_lora_ci as [number, number];
    // Dash − LoRA is +2 points minus LoRA's seed drift (0.05·seed points): about +1.9.
    expect(ci[0]).toBeGreaterThan(1.5);
    expect(ci[1]).toBeLessThan(2.1);
    expect((summary.ssb_minus_ssl_ci as number[])[0]).toBeGreaterThan(1.5);
    expect(summary.lr_at_grid_edge).toBe(0);
    // Held: 1, 1T, 2a, 2b (IA3 within ±1 of SSL), 2c, 8 (precision ≈ 0.55 against chance 0.17 + 0.1).
    expect(summary.claims_incomplete).toBe(0);
    // FLoRA-conv = LoRA-conv here: an interval around 0 (inconclusive).
    const conv = summary.flora_conv_minus_lora_conv_ci as [number, number];
    expect(conv[0]).toBeLessThan(0);
    expect(conv[1]).toBeGreaterThan(0);
    expect(summary.claims_held as number).toBeGreaterThanOrEqual(6);
    expect(summary.pretrain_V_accuracy).toBe(0.9);
  });

  it('shows every method against LoRA at LoRA’s rate', async () => {
    const { markdown } = await buildPeftReport(synthetic({ 'LoRA-Dash': 0.02 }), {
      smoke: false,
      command: 'test',
      machine: 'test',
      pretrainV: null,
    });
    // Every rate is 1e-3 in the synthetic runs, so the equal-rate row is the tuned one: about +1.9.
    expect(markdown).toMatch(/\| V \| mnist \| LoRA-Dash \| 4 \| 0\.001 \| \+1\.\d\d \[/);
  });

  it('reports claim 4’s seed std per task beside the verdict, and waits while a seed is missing', async () => {
    const runs = synthetic({});
    // LoRA+MPCo's test accuracy spreads 1 point per seed: sample std of −2…+2 points is 1.58.
    for (const r of runs.values())
      if (r.kind === 'final' && r.label === 'LoRA+MPCo') r.accuracy = 0.8 + 0.01 * (r.seed - 2);
    const options = { smoke: false, command: 'test', machine: 'test', pretrainV: null };
    const { markdown } = await buildPeftReport(runs, options);
    const line = markdown.split('\n').find((l) => l.startsWith('Seed std of claim 4'));
    expect(line).toMatch(
      /mnist \(r = 4\): LoRA\+MPCo 1\.6, LoRA 0\.\d; fashion-rot-inv \(r = 4\): LoRA\+MPCo 1\.6, LoRA 0\.\d\.$/,
    );
    for (const [k, r] of runs)
      if (r.kind === 'final' && r.label === 'LoRA+MPCo' && r.seed === 4) runs.delete(k);
    const waiting = (await buildPeftReport(runs, options)).markdown;
    expect(waiting).toContain('Seed std of claim 4');
    expect(waiting).toMatch(/Seed std of claim 4 .*: waiting for every final seed\./);
  });

  it('a missing final run leaves its claims incomplete, never guessed', async () => {
    const runs = synthetic({ 'LoRA-Dash': 0.02 });
    for (const [k, r] of runs)
      if (r.kind === 'final' && r.label === 'LoRA-Dash' && r.seed === 3 && r.bed === 'V') runs.delete(k);
    const { summary, markdown } = await buildPeftReport(runs, {
      smoke: false,
      command: 'test',
      machine: 'test',
      pretrainV: null,
    });
    expect(markdown).toMatch(/1\. LoRA-Dash > LoRA \| .* \| 4 of 5 seeds[^|]*\| \*\*incomplete\*\*/);
    expect(summary.dash_minus_lora_ci).toBeNull();
    expect(summary.dash_minus_lora_T_ci).not.toBeNull();
  });

  it('tests the registered explanations of a claim not held, each change alone', async () => {
    // LoRA-Dash 2 points below LoRA: claim 1 is not held. Under the steps change it is 2 points
    // above (the explanation is supported); with attention-only adapters still 2 below (ruled out).
    const runs = synthetic({ 'LoRA-Dash': -0.02 });
    const chosen = await chosenRates(runs, false);
    const claim1 = CLAIMS.find((c) => c.key === 'dash_minus_lora_ci')!;
    const jobs = explanationJobs(claim1, chosen, false);
    // rate, steps, placement × 3 tasks × r = 4 × 3 seeds × both methods.
    expect(jobs).toHaveLength(3 * 3 * 3 * 2);
    expect(keyOf(jobs.find((j) => j.variant === 'steps')!)).toBe(
      'explain/V/mnist/LoRA-Dash/r4/lr0.001/s0/600x32/steps',
    );
    for (const j of jobs) {
      if (j.kind !== 'explain') continue;
      const lift = j.label === 'LoRA-Dash' ? (j.variant === 'steps' ? 0.02 : -0.02) : 0;
      const rec: RecordV = {
        ...j,
        key: keyOf(j),
        accuracy: 0.8 + lift + 0.001 * Math.sin(3 * j.seed + j.task.length),
        losses: [1],
        trainable: 1,
        seconds: 1,
      };
      runs.set(rec.key, rec);
    }
    const { summary, markdown } = await buildPeftReport(runs, {
      smoke: false,
      command: 'test',
      machine: 'test',
      pretrainV: null,
    });
    expect(summary.claims_not_held as number).toBeGreaterThanOrEqual(1);
    // 1T and 1b (LoRA-Dash below its rivals too) are tested by the rate change, which reads final runs.
    expect(summary.claims_not_held).toBe(3);
    expect(summary.claims_not_held_explained).toBe(3);
    expect(markdown).toMatch(
      /1\. LoRA-Dash > LoRA \| too few steps[^\n]*\| \+2\.\d\d \[[^\n]*\| held \| supported/,
    );
    expect(markdown).toMatch(
      /1\. LoRA-Dash > LoRA \| where the adapters sit[^\n]*\| −2\.\d\d \[[^\n]*\| \*\*not held\*\* \| ruled out/,
    );
    // All rates are equal in the synthetic runs, so the rate change is the tuned comparison: not held.
    expect(markdown).toMatch(/1\. LoRA-Dash > LoRA \| the learning rate[^\n]*\| \*\*not held\*\*/);
  });
});

describe('the learning-rate search of a cell', () => {
  it('extends half a decade at a time, past three extensions, until the choice is interior', async () => {
    // Validation accuracy rises up to 0.316 and falls after: five extensions above the first grid.
    const cell = { bed: 'V' as const, task: 'mnist', label: '(IA)³', rank: 4 };
    const runs = new Map<string, RecordV>();
    for (const lr of [3.16e-4, 1e-3, 3.16e-3, 1e-2, 3.16e-2, 0.1, 0.316, 1])
      for (const seed of SELECTION_SEEDS) {
        const r = {
          kind: 'select' as const,
          ...cell,
          lr,
          seed,
          smoke: false,
          accuracy: 0.9 - Math.abs(Math.log10(lr / 0.316)) / 10,
        };
        runs.set(keyOf(r), { ...r, key: keyOf(r), losses: [1], trainable: 1, seconds: 1 });
      }
    const chosen = await chosenRate(runs, cell, false);
    expect(chosen).toMatchObject({
      lr: 0.316,
      interior: true,
      values: [3.16e-4, 1e-3, 3.16e-3, 1e-2, 3.16e-2, 0.1, 0.316, 1],
    });
    // Without the runs past 0.1 the search is not finished: no rate is chosen yet.
    for (const lr of [0.316, 1])
      for (const seed of SELECTION_SEEDS)
        runs.delete(keyOf({ kind: 'select', ...cell, lr, seed, smoke: false }));
    expect(await chosenRate(runs, cell, false)).toBeNull();
  });
});

describe('registration 7: per-task step budgets', () => {
  const job = (task: string, kind: 'select' | 'plateau' = 'select') =>
    ({ kind, bed: 'V', task, label: 'LoRA', rank: 4, lr: 0.01, seed: 100, smoke: false }) as const;
  it('doubles every run of a task off its plateau and keeps the others at the bed budget', () => {
    expect(budgetOf(job('mnist')).steps).toBe(BUDGETS.V.steps);
    expect(budgetOf(job('fashion-rot-inv')).steps).toBe(TASK_STEPS['fashion-rot-inv']);
    expect(budgetOf(job('fashion-rot-inv', 'plateau')).steps).toBe(
      PLATEAU.factor * TASK_STEPS['fashion-rot-inv']!,
    );
    // The steps are part of the key, so no run at the old budget is reused.
    expect(keyOf(job('fashion-rot-inv'))).toContain(`/${TASK_STEPS['fashion-rot-inv']}x${BUDGETS.V.batch}`);
  });
  it('measures the plateau gain from the selection and plateau runs, null while one is missing', () => {
    const runs = new Map<string, RecordV>();
    const add = (kind: 'select' | 'plateau', seed: number, accuracy: number) => {
      const j = { ...job('mnist', kind), seed };
      runs.set(keyOf(j), { ...j, key: keyOf(j), accuracy, losses: [], trainable: 1, seconds: 1 });
    };
    const c = job('mnist');
    add('select', 100, 0.7);
    add('select', 101, 0.74);
    add('plateau', 100, 0.75);
    expect(plateauCheck(c, [100, 101], false, runs)).toBeNull();
    add('plateau', 101, 0.77);
    const check = plateauCheck(c, [100, 101], false, runs)!;
    expect(check.gain).toBe(4);
    expect(check.base).toBeCloseTo(0.72, 12);
    expect(check.long).toBeCloseTo(0.76, 12);
    // mnist is at the bed's budget, so a gain above a point doubles its steps.
    expect(check.verdict).toBe('double');
  });
  it('keeps the budget of a task at its last doubling however much it gains (fashion-rot-inv)', () => {
    expect(TASK_STEPS['fashion-rot-inv']).toBe(BUDGETS.V.steps * 2 ** PLATEAU.maxDoublings);
    const runs = new Map<string, RecordV>();
    const add = (kind: 'select' | 'plateau', seed: number, accuracy: number, curve?: number[]) => {
      const j = { ...job('fashion-rot-inv', kind), seed };
      runs.set(keyOf(j), {
        ...j,
        key: keyOf(j),
        accuracy,
        losses: [],
        trainable: 1,
        seconds: 1,
        ...(curve ? { curve } : {}),
      });
    };
    add('select', 100, 0.8);
    add('select', 101, 0.8);
    add('plateau', 100, 0.83, [0.5, 0.83]);
    add('plateau', 101, 0.83, [0.7, 0.83]);
    const check = plateauCheck(job('fashion-rot-inv'), [100, 101], false, runs)!;
    expect(check.gain).toBe(3);
    expect(check.verdict).toBe('capped');
    expect(check.curve).toEqual([0.6, 0.83]);
  });
  it('reads a gain of exactly one point as one point, not more (fashion-noise-blur at 300 steps)', () => {
    const runs = new Map<string, RecordV>();
    const add = (kind: 'select' | 'plateau', seed: number, accuracy: number) => {
      const j = { ...job('fashion-noise-blur', kind), seed };
      runs.set(keyOf(j), { ...j, key: keyOf(j), accuracy, losses: [], trainable: 1, seconds: 1 });
    };
    add('select', 100, 0.663);
    add('select', 101, 0.645);
    add('plateau', 100, 0.675);
    add('plateau', 101, 0.653);
    expect(100 * ((0.675 + 0.653) / 2 - (0.663 + 0.645) / 2)).toBeGreaterThan(1); // the float trap
    const check = plateauCheck(job('fashion-noise-blur'), [100, 101], false, runs)!;
    expect(check.gain).toBe(1);
    expect(check.verdict).toBe('on');
  });
});
