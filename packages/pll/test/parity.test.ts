/**
 * Parity with the authors' MATLAB code (run under Octave) on the published reference splits of
 * ../shared/reference/pll. Skips with a message when ../shared is absent.
 */
import { announceSkip, SHARED_REMEDY } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import { fitPlAggd, fitPlcl, fitPlcp } from '../src/index.js';
import { countCorrect, loadReferenceTask, referenceAvailable, splitData } from './reference-tasks.js';

const available = referenceAvailable();
if (!available)
  announceSkip(
    "pll parity with the authors' code",
    '../shared/reference/pll or ../shared/data/pll',
    SHARED_REMEDY,
  );

function agreement(pred: Int32Array, ref: number[]): number {
  return countCorrect(pred, Int32Array.from(ref)) / pred.length;
}

describe.skipIf(!available)('PL-CL / PL-AGGD / PLCP parity with the authors’ code', () => {
  it('PL-CL on the authors’ lost demo split: same σ, same correct count after every iteration', () => {
    const task = loadReferenceTask('lost-authors-demo-split');
    const ref = task.ref.results['PL-CL']!;
    const d = splitData(task, 0);
    const perIteration: number[] = [];
    const model = fitPlcl(d.xTrain, d.yTrain, {
      onIteration: (_, m) => perIteration.push(countCorrect(m.predict(d.xTest), d.truthTest)),
    });
    expect(Math.abs(model.sigma - ref.par![0]!)).toBeLessThan(1e-9 * ref.par![0]!);
    expect(perIteration).toEqual(ref.per_iteration_correct![0]);
    const pred = model.predict(d.xTest);
    expect(countCorrect(pred, d.truthTest)).toBe(ref.correct[0]);
    expect(agreement(pred, ref.predictions![0]!)).toBeGreaterThanOrEqual(0.99);
  }, 60_000);

  it.each([
    ['lost-5050-seed1', [0, 1, 2]],
    ['glass-r1-p0.7-5050-seed1', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['glass-p1-r1-eps0.3-5050-seed1', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['vehicle-r2-p0.7-5050-seed1', [0, 1, 2]],
  ] as const)(
    'PL-CL and PL-AGGD on %s: per-split accuracy within 1 point, predictions agree',
    (id, splits) => {
      const task = loadReferenceTask(id);
      for (const [method, fit] of [
        ['PL-CL', fitPlcl],
        ['PL-AGGD', fitPlAggd],
      ] as const) {
        const ref = task.ref.results[method]!;
        for (const s of splits) {
          const i = ref.split_index.indexOf(s);
          const d = splitData(task, s);
          const pred = fit(d.xTrain, d.yTrain).predict(d.xTest);
          const acc = countCorrect(pred, d.truthTest) / pred.length;
          expect(Math.abs(acc - ref.accuracy[i]!), `${method} ${id} split ${s}`).toBeLessThanOrEqual(0.01);
          if (ref.predictions) expect(agreement(pred, ref.predictions[i]!)).toBeGreaterThanOrEqual(0.98);
        }
      }
    },
    120_000,
  );

  it('PLCP (PL-AGGD base) on lost split 0: partner per-round counts, partner and first-round base predictions', () => {
    const task = loadReferenceTask('lost-5050-seed1');
    const ref = task.ref.results.PLCP! as unknown as {
      split_index: number[];
      correct: number[];
      base_correct: number[];
      partner_round_correct: number[][];
      predictions: number[][];
      base_predictions: number[][];
    };
    const d = splitData(task, 0);
    const rounds: number[] = [];
    const model = fitPlcp(d.xTrain, d.yTrain, {
      onRound: (_, partner) => rounds.push(countCorrect(partner.predict(d.xTest), d.truthTest)),
    });
    const i = ref.split_index.indexOf(0);
    expect(rounds).toEqual(ref.partner_round_correct[i]);
    const pred = model.predict(d.xTest);
    expect(countCorrect(pred, d.truthTest)).toBe(ref.correct[i]);
    expect(agreement(pred, ref.predictions[i]!)).toBeGreaterThanOrEqual(0.99);
    const base = model.firstRoundBase!.predict(d.xTest);
    expect(countCorrect(base, d.truthTest)).toBe(ref.base_correct[i]);
    expect(agreement(base, ref.base_predictions[i]!)).toBeGreaterThanOrEqual(0.99);
  }, 120_000);
});
