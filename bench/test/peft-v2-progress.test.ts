import { describe, expect, it } from 'vitest';
import { type ChosenRate, cellKey } from '../lib/peft-v2-claims.js';
import { LR_GRID, PLATEAU } from '../lib/peft-v2-plan.js';
import { progressOf, stepsOfKey } from '../lib/peft-v2-progress.js';
import { budgetOf, cells, type JobV, keyOf, type RecordV } from '../lib/peft-v2-stages.js';

const record = (j: JobV, secondsPerStep: number): RecordV => ({
  ...j,
  key: keyOf(j),
  accuracy: 0.5,
  losses: [1],
  trainable: 1,
  seconds: secondsPerStep * budgetOf(j).steps,
});

describe('peft v2 progress', () => {
  const all = cells(true);
  const lora = all.find((c) => c.bed === 'V' && c.label === 'LoRA')!;
  const dash = all.find((c) => c.bed === 'V' && c.label === 'LoRA-Dash')!;

  it('reads the steps a run trained for from its key, not from today’s budget', () => {
    expect(stepsOfKey('select/V/fashion-rot-inv/LoRA/r4/lr0.01/s100/300x32')).toBe(300);
    expect(stepsOfKey('explain/V/mnist/LoRA/r4/lr0.01/s0/900x32/steps')).toBe(900);
    expect(stepsOfKey('final/V/mnist/LoRA/r4/lr0.01/s0/20x8/smoke')).toBe(20);
    expect(() => stepsOfKey('final/V/mnist')).toThrow(/key must hold <steps>x<batch>, got 'final\/V\/mnist'/);
  });

  it('counts the starting grid and the finals of every cell while nothing is recorded, none timed', () => {
    const p = progressOf(new Map(), new Map(), true);
    expect(p.missingRuns).toBe(all.length * (LR_GRID.length + 1));
    expect(p.untimedRuns).toBe(p.missingRuns);
    expect(p.missingHours).toBe(0);
    expect(p.recordedRuns).toBe(0);
  });

  it('counts a chosen cell’s finals, equal-LR runs and plateau check, timed by its task’s recorded steps', () => {
    const runs = new Map<string, RecordV>();
    const add = (j: JobV, s: number) => runs.set(keyOf(j), record(j, s));
    // LoRA's selection is done (1e-3 chosen); LoRA-Dash's too, at another rate (3.16e-3).
    for (const lr of LR_GRID) {
      add({ kind: 'select', ...lora, lr, seed: 100, smoke: true }, 0.2);
      add({ kind: 'select', ...dash, lr, seed: 100, smoke: true }, 0.2);
    }
    const chosen = new Map<string, ChosenRate>([
      [cellKey(lora), { lr: 1e-3, interior: true, values: [...LR_GRID], scores: [0, 0, 0] }],
      [cellKey(dash), { lr: 3.16e-3, interior: true, values: [...LR_GRID], scores: [0, 0, 0] }],
    ]);
    const p = progressOf(runs, chosen, true);
    expect(p.recordedRuns).toBe(2 * LR_GRID.length);
    const steps = budgetOf({ kind: 'select', ...lora, smoke: true }).steps;
    expect(p.recordedHours).toBeCloseTo((2 * LR_GRID.length * 0.2 * steps) / 3600, 12);
    // Missing on V: LoRA final + plateau; LoRA-Dash final + its equal-LR run at LoRA's rate.
    const others = all.length - 2;
    expect(p.missingRuns).toBe(4 + others * (LR_GRID.length + 1));
    const vHours = (0.2 * (3 * steps + PLATEAU.factor * steps)) / 3600;
    // The other cells of V (none in the smoke plan) would be timed too; T and CNN have no record.
    const vOthers = all.filter((c) => c.bed === 'V').length - 2;
    expect(p.untimedRuns).toBe((others - vOthers) * (LR_GRID.length + 1));
    expect(p.missingHours).toBeCloseTo(vHours + (vOthers * (LR_GRID.length + 1) * 0.2 * steps) / 3600, 12);
    // Recording LoRA's final removes it from the count.
    add({ kind: 'final', ...lora, lr: 1e-3, seed: 0, smoke: true }, 0.2);
    expect(progressOf(runs, chosen, true).missingRuns).toBe(p.missingRuns - 1);
  });
});
