import { Rng } from '@numts/core';
import { AdamW, add, Conv2d, getDefaultDtype, mse, Sequential, setDefaultDtype, Variable } from '@numts/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adaptersOf,
  injectAdapters,
  type LoraDashAdapter,
  mpcPenalty,
  notifyOptimizerStep,
  trainableParameterCount,
} from '../src/index.js';
import { randomInput, TinyMlp } from './helpers.js';

describe('training with adapters', () => {
  it('freezes the base, trains the adapter, and LoRA-Dash selects its directions at step t', () => {
    const model = new TinyMlp(6, 8, 2, 1);
    injectAdapters(model, {
      method: 'lora-dash',
      targetModules: ['fc1', 'fc2'],
      rank: 2,
      alpha: 4,
      dashDirections: 2,
      preLaunchSteps: 5,
    });
    const w1 = Float64Array.from(model.fc1.weight.data);
    const head = Float64Array.from(model.head.weight.data);
    const opt = new AdamW(
      model.parameters().filter((p) => p.requiresGrad),
      { lr: 1e-2 },
    );
    const x = randomInput(1, [16, 6]);
    const y = randomInput(2, [16, 2]);
    const dash = adaptersOf(model)[0]![1] as LoraDashAdapter;
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      model.zeroGrad();
      const loss = mse(model.forward(x), y);
      loss.backward();
      opt.step();
      notifyOptimizerStep(model);
      losses.push(loss.item());
      if (step === 3) expect(dash.dashU).toBeNull();
      if (step === 4) expect(dash.selected).toHaveLength(2);
    }
    expect(dash.steps).toBe(40);
    expect(Array.from(model.fc1.weight.data)).toEqual(Array.from(w1));
    expect(Array.from(model.head.weight.data)).toEqual(Array.from(head));
    expect(losses[39]!).toBeLessThan(losses[0]! * 0.8);
    expect(Array.from(dash.dashScale.data).some((v) => v !== 0)).toBe(true);
  });

  it('LoRA-Dash counts the steps of an nn optimizer by itself (no notifyOptimizerStep): directions at step t', () => {
    const model = new TinyMlp(6, 8, 2);
    injectAdapters(model, {
      method: 'lora-dash',
      targetModules: ['fc1'],
      rank: 2,
      dashDirections: 2,
      preLaunchSteps: 5,
    });
    const dash = adaptersOf(model)[0]![1] as LoraDashAdapter;
    const opt = new AdamW(
      model.parameters().filter((p) => p.requiresGrad),
      { lr: 1e-2 },
    );
    const x = randomInput(1, [16, 6]);
    const y = randomInput(2, [16, 2]);
    for (let step = 0; step < 8; step++) {
      model.zeroGrad();
      mse(model.forward(x), y).backward();
      opt.step();
      expect(dash.steps).toBe(step + 1);
      if (step < 4) expect(dash.dashU, `step ${step}`).toBeNull();
    }
    // Selected at the first forward after step 5, as a notifyOptimizerStep after step 5 would.
    expect(dash.selected).toHaveLength(2);
  });

  it('counts trainable parameters exactly (spec formulas)', () => {
    const count = (c: Parameters<typeof injectAdapters>[1], m = new TinyMlp(6, 8, 2)) => {
      injectAdapters(m, c);
      return trainableParameterCount(m);
    };
    const t = ['fc1', 'fc2'];
    const r = 2;
    // fc1: 6→8, fc2: 8→8.
    expect(count({ method: 'lora', targetModules: t, rank: r })).toBe(r * (6 + 8) + r * (8 + 8));
    expect(count({ method: 'dora', targetModules: t, rank: r })).toBe(r * 14 + 8 + r * 16 + 8);
    expect(count({ method: 'lora-dash', targetModules: t, rank: r, dashDirections: 3 })).toBe(r * 30 + 2 * 3);
    expect(count({ method: 'ssl', targetModules: t })).toBe(6 + 8);
    expect(count({ method: 'ssb', targetModules: t })).toBe(14 + 16);
    expect(count({ method: 'ia3', targetModules: t })).toBe(8 + 8);
    expect(count({ method: 'sam-parser', targetModules: t })).toBe(6 + 8);
    expect(count({ method: 'trilora', targetModules: t, rank: r })).toBe(r * 30 + 2 * r);
    expect(count({ method: 'moslora', targetModules: t, rank: r })).toBe(r * 30 + 2 * r * r);
    expect(count({ method: 'flora', targetModules: t, rank: r })).toBe(r * 30 + 2 * r * r);
    expect(count({ method: 'lora', targetModules: t, rank: r, modulesToSave: ['head'] })).toBe(
      r * 30 + 8 * 2 + 2,
    );
    // FLoRA conv: ∏r + Σ dims·r with dims (in/groups, out, kh, kw); LoRA conv: r(in·k² + out).
    const conv = () => new Sequential(new Conv2d(16, 32, 3, { padding: 1 }));
    expect(count({ method: 'flora', targetModules: ['0'], floraRanks: [4, 8, 2, 2] }, conv() as never)).toBe(
      4 * 8 * 2 * 2 + 16 * 4 + 32 * 8 + 3 * 2 + 3 * 2,
    );
    expect(count({ method: 'lora', targetModules: ['0'], rank: 3 }, conv() as never)).toBe(3 * (16 * 9 + 32));
  });
});

describe('MPC penalties', () => {
  let previous: ReturnType<typeof getDefaultDtype>;
  beforeAll(() => {
    previous = getDefaultDtype();
    setDefaultDtype('float64');
  });
  afterAll(() => setDefaultDtype(previous));

  /** ‖P‖_F of an r×r product computed with plain loops. */
  function gramDeviation(
    f: Float64Array | Float32Array,
    rows: number,
    cols: number,
    left: boolean,
    diagonalFree: boolean,
  ): number {
    // left: F·Fᵀ (r×r from r×cols); else Fᵀ·F (r×r from rows×r).
    const r = left ? rows : cols;
    let s = 0;
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        let g = 0;
        if (left) for (let k = 0; k < cols; k++) g += f[i * cols + k]! * f[j * cols + k]!;
        else for (let k = 0; k < rows; k++) g += f[k * cols + i]! * f[k * cols + j]!;
        const target = i === j ? (diagonalFree ? g : 1) : 0;
        s += (g - target) ** 2;
      }
    return s;
  }

  for (const kind of ['orthogonal', 'diagonal'] as const)
    for (const form of ['loralib', 'squared'] as const)
      it(`${kind}/${form}: value from the definition, gradient = finite differences`, () => {
        const model = new TinyMlp(5, 6, 2, 3);
        injectAdapters(model, { method: 'lora', targetModules: ['fc1', 'fc2'], rank: 2 });
        const rng = new Rng(4);
        for (const [, a] of adaptersOf(model)) {
          const f = a.lowRankFactors()!;
          for (let i = 0; i < f.up.size; i++) f.up.data[i] = rng.normal();
        }
        const lambda = 0.3;
        const penalty = () => mpcPenalty(model, { kind, lambda, form });
        let want = 0;
        const terms: number[] = [];
        for (const [, a] of adaptersOf(model)) {
          const f = a.lowRankFactors()!;
          terms.push(gramDeviation(f.down.data, f.down.shape[0]!, f.down.shape[1]!, true, false));
          terms.push(gramDeviation(f.up.data, f.up.shape[0]!, f.up.shape[1]!, false, kind === 'diagonal'));
        }
        want =
          form === 'squared'
            ? lambda * terms.reduce((a, b) => a + b, 0)
            : (lambda * terms.reduce((a, b) => a + Math.sqrt(b), 0)) / terms.length;
        expect(penalty().item()).toBeCloseTo(want, 9);
        const params = adaptersOf(model).flatMap(([, a]) => a.parameters());
        for (const p of params) p.grad = null;
        penalty().backward();
        for (const p of params) {
          for (let i = 0; i < p.size; i++) {
            const o = p.data[i]!;
            p.data[i] = o + 1e-6;
            const up = penalty().item();
            p.data[i] = o - 1e-6;
            const down = penalty().item();
            p.data[i] = o;
            expect(Math.abs(p.grad![i]! - (up - down) / 2e-6)).toBeLessThan(1e-6);
          }
        }
      });

  it('is zero for semi-orthogonal factors (MPCo) and reduces the deviation when trained', () => {
    const model = new TinyMlp(5, 6, 2, 3);
    injectAdapters(model, { method: 'lora', targetModules: ['fc1'], rank: 2 });
    const [, a] = adaptersOf(model)[0]!;
    const f = a.lowRankFactors()!;
    f.down.data.fill(0);
    f.down.data[0] = 1;
    f.down.data[5 + 1] = 1;
    f.up.data.fill(0);
    f.up.data[0] = 1;
    f.up.data[2 + 1] = 1;
    expect(mpcPenalty(model, { kind: 'orthogonal', form: 'squared' }).item()).toBeCloseTo(0, 20);
    const rng = new Rng(2);
    for (let i = 0; i < f.up.size; i++) f.up.data[i] = rng.normal();
    const opt = new AdamW([f.down, f.up], { lr: 0.05, weightDecay: 0 });
    const first = mpcPenalty(model, { kind: 'orthogonal' }).item();
    for (let i = 0; i < 100; i++) {
      f.down.grad = null;
      f.up.grad = null;
      mpcPenalty(model, { kind: 'orthogonal' }).backward();
      opt.step();
    }
    expect(mpcPenalty(model, { kind: 'orthogonal' }).item()).toBeLessThan(first * 0.2);
    // Adding it to a task loss keeps the graph usable.
    const loss = add(
      mse(model.forward(randomInput(1, [3, 5])), Variable.zeros([3, 2])),
      mpcPenalty(model, { kind: 'diagonal' }),
    );
    expect(Number.isFinite(loss.item())).toBe(true);
  });
});
