import { describe, expect, it } from 'vitest';
import {
  type BaseCheckpoint,
  buildIncrementalData,
  evaluate,
  SETTINGS,
  trainBase,
  trainJoint,
  trainStep,
} from '../src/index.js';

describe('training pipeline (tiny, end to end)', () => {
  const data = buildIncrementalData(SETTINGS['7-3']!, { base: 24, step: 16, val: 4, test: 8 }, 3);
  const base = trainBase(data.base, 8, { epochs: 1, seed: 1 });

  const checkpoints: BaseCheckpoint[] = [];
  const straight = trainBase(data.base, 8, { epochs: 3, seed: 2, onCheckpoint: (c) => checkpoints.push(c) });
  const checkpointOf = (epochs: number) => checkpoints[epochs - 1]!;

  it('trainBase resumed from a checkpoint ends bit for bit where the uninterrupted run ends', () => {
    expect(checkpoints.map((c) => c.epochs)).toEqual([1, 2, 3]);
    const resumed = trainBase(data.base, 8, { epochs: 3, seed: 2, resume: checkpointOf(1) });
    expect(resumed.stateDict()).toEqual(straight.stateDict());
    // Restarting from the weights alone (fresh Adam moments) would not land there.
    const weightsOnly = trainBase(data.base, 8, {
      epochs: 3,
      seed: 2,
      resume: { ...checkpointOf(1), optimizer: { steps: 0, slots: {} } },
    });
    expect(weightsOnly.stateDict()).not.toEqual(straight.stateDict());
  });

  it('every step method grows the classifier, leaves the old model untouched and gives metrics in range', () => {
    const before = base.stateDict();
    for (const method of ['ft-pixel', 'ft-weak', 'cam-old', 'wilson', 'tme'] as const) {
      const { model, mechanism } = trainStep(base, data.steps[0]!, 11, { method, epochs: 2, seed: 1 });
      expect(model.classes).toBe(11);
      const r = evaluate(model, data.test, 7);
      for (const v of [r.all, r.pixelAccuracy]) expect(v >= 0 && v <= 1).toBe(true);
      if (method === 'wilson' || method === 'tme') {
        expect(mechanism).not.toBeNull();
        expect(mechanism!.conflictRate).toBeGreaterThanOrEqual(0);
        expect(mechanism!.keptImages).toBeLessThanOrEqual(1);
      } else expect(mechanism).toBeNull();
    }
    const after = base.stateDict();
    for (const k of Object.keys(before))
      expect(Array.from(after[k]!.data)).toEqual(Array.from(before[k]!.data));
    expect(trainJoint(base, [data.base, data.steps[0]!], 11, { epochs: 1, seed: 1 }).classes).toBe(11);
  });

  it('scores follow the calibration: softmax sums to 1 over classes, sigmoid is per class', () => {
    const logits = Float32Array.from({ length: 2 * 8 * 3 }, (_, i) => Math.sin(i));
    const soft = base.scores(logits, 2, 3);
    for (let i = 0; i < 2; i++)
      for (let q = 0; q < 3; q++) {
        let s = 0;
        for (let c = 0; c < 8; c++) s += soft[(i * 8 + c) * 3 + q]!;
        expect(s).toBeCloseTo(1, 6);
      }
    const copy = base.clone();
    copy.calibration = 'sigmoid';
    expect(copy.scores(logits, 2, 3)[5]).toBeCloseTo(1 / (1 + Math.exp(-Math.sin(5))), 6);
  });

  it('is deterministic: same seed, same weights, whatever ran before in the process', () => {
    const a = trainStep(base, data.steps[0]!, 11, { method: 'tme', epochs: 2, seed: 4 }).model.stateDict();
    // Other runs in between (the benchmark's smoke tier runs its jobs one after another in one process).
    trainStep(base, data.steps[0]!, 11, { method: 'wilson', epochs: 1, seed: 5 });
    trainJoint(base, [data.base, data.steps[0]!], 11, { epochs: 1, seed: 6 });
    const b = trainStep(base, data.steps[0]!, 11, { method: 'tme', epochs: 2, seed: 4 }).model.stateDict();
    for (const k of Object.keys(a)) expect(Array.from(a[k]!.data)).toEqual(Array.from(b[k]!.data));
  });

  it('PF fuses with the localizer when asked: other weights at λ_max = 0, the same weights as the segmenter source there', () => {
    const run = (fusionSource: 'segmenter' | 'localizer', lambdaMax: number) =>
      trainStep(base, data.steps[0]!, 11, {
        method: 'tme',
        tme: { object: true, fusion: true, fusionSource },
        lambdaMax,
        epochs: 4,
        seed: 2,
      }).model.stateDict()['classifier.weight']!.data;
    expect(Array.from(run('localizer', 0))).toEqual(Array.from(run('segmenter', 0)));
    expect(Array.from(run('localizer', 1))).not.toEqual(Array.from(run('segmenter', 1)));
  });

  it('WILSON uses the α it is given (and only α: the TME-lite switches stay off)', () => {
    const run = (tme: Record<string, unknown> | undefined) =>
      trainStep(base, data.steps[0]!, 11, { method: 'wilson', tme, epochs: 2, seed: 2 }).model.stateDict()[
        'classifier.weight'
      ]!.data;
    const dflt = Array.from(run(undefined));
    expect(Array.from(run({ alpha: 0.5 }))).toEqual(dflt);
    expect(Array.from(run({ alpha: 0.2 }))).not.toEqual(dflt);
    expect(Array.from(run({ alpha: 0.5, object: true, fusion: true }))).toEqual(dflt);
  });

  it('rejects bad arguments', () => {
    expect(() =>
      trainStep(base, data.steps[0]!, 11, {
        method: 'tme',
        tme: { fusion: true, fusionSource: 'old' as 'localizer' },
        epochs: 1,
        seed: 1,
      }),
    ).toThrow('trainStep: tme.fusionSource must be "segmenter" or "localizer" (got "old")');
    expect(() => trainStep(base, data.steps[0]!, 8, { method: 'wilson', epochs: 1, seed: 1 })).toThrow(
      'trainStep: k must exceed the old class count 8 (got 8)',
    );
    expect(() =>
      trainStep(base, data.steps[0]!, 11, { method: 'nope' as 'wilson', epochs: 1, seed: 1 }),
    ).toThrow(
      /trainStep: method must be one of "ft-pixel", "ft-weak", "cam-old", "wilson", "tme" \(got "nope"\)/,
    );
    expect(() =>
      trainBase(data.base, 8, { epochs: 2, seed: 1, resume: { ...checkpointOf(1), epochs: 3 } }),
    ).toThrow('trainBase: resume.epochs must be an integer in [0, 2] (got 3)');
    expect(() => trainBase(data.base, 8, { epochs: 0, seed: 1 })).toThrow(
      'trainBase: epochs must be a positive integer (got 0)',
    );
  });
});
