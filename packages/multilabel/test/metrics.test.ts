import { fromFlat, Matrix, Rng } from '@numts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyThresholds, evaluateMultiLabel, thresholdTopK, tuneThresholdsF1 } from '../src/index.js';

const M = (rows: number[][]) => fromFlat(rows.length, rows[0]!.length, rows.flat());

describe('metrics against hand computations', () => {
  // 3 rows, 3 labels. Row 0: relevant {0}; row 1: {1, 2}; row 2: none.
  const y = M([
    [1, 0, 0],
    [0, 1, 1],
    [0, 0, 0],
  ]);
  const o = M([
    [0.9, 0.2, 0.1],
    [0.3, 0.8, 0.3],
    [0.2, 0.6, 0.1],
  ]);
  const p = M([
    [1, 0, 0],
    [0, 1, 0],
    [0, 1, 0],
  ]);

  it('standard conventions', () => {
    const m = evaluateMultiLabel(y, o, p);
    expect(m.hamming_loss).toBeCloseTo(2 / 9, 15); // row 1 misses label 2, row 2 predicts label 1
    // Ranking metrics over rows with 0 < |Y| < q: rows 0 and 1.
    expect(m.one_error).toBe(0);
    // Row 1: scores 0.3 (label 0, irrelevant) and 0.3 (label 2, relevant): the tie counts as an error.
    expect(m.ranking_loss).toBeCloseTo((0 + 1 / 2) / 2, 15);
    // Row 1 ranks: label 1 → 1, labels 0/2 tie at 0.3 → the larger index (2) ranks first: rank 2.
    expect(m.coverage).toBeCloseTo((0 + (2 - 1)) / 2, 15);
    // AP row 1: label 1: 1/1; label 2 (rank 2): |{1, 2}| with score ≥ 0.3 = 2 → 2/2. Row 0: 1.
    expect(m.average_precision).toBeCloseTo(1, 15);
    expect(m.subset_accuracy).toBeCloseTo(1 / 3, 15);
    expect(m.accuracy).toBeCloseTo((1 + 1 / 2 + 0) / 3, 15);
    // Label 0: positives {0}, negatives {1, 2} with scores 0.3, 0.2 < 0.9: AUC 1. Label 1: positive row 1 (0.8) vs 0.2, 0.6: 1.
    // Label 2: positive row 1 (0.3) vs 0.1, 0.1: 1. Macro and micro AUC.
    expect(m.macro_averaging_auc).toBe(1);
    expect(m.micro_averaging_f1).toBeCloseTo((2 * 2) / (2 * 2 + 1 + 1), 15);
    expect(m.macro_averaging_f1).toBeCloseTo((1 + 2 / 3 + 0) / 3, 15);
  });

  it('the HOMI authors’ conventions differ where the spec says', () => {
    const m = evaluateMultiLabel(y, o, p, { convention: 'homi' });
    expect(m.one_error).toBeCloseTo(1 / 3, 15); // the label-less row counts as an error
    expect(m.ranking_loss).toBeCloseTo(0.5 / 3, 15); // divided by all n
    expect(m.average_precision).toBeCloseTo(2 / 3, 15);
    expect(m.coverage).toBeCloseTo((0 + 1 - 1) / 9, 15); // a label-less row adds −1, then /(n·q)
    expect(m.accuracy).toBeCloseTo((1 + 0.5 + 0) / 3, 15);
    expect(m.f1).toBeCloseTo((2 * m.precision * m.recall) / (m.precision + m.recall), 15);
  });

  it('ties count ½ in the standard AUC and as correct in the HOMI one', () => {
    const yy = M([[1], [0]]);
    const oo = M([[0.5], [0.5]]);
    expect(evaluateMultiLabel(yy, oo).macro_averaging_auc).toBe(0.5);
    expect(evaluateMultiLabel(yy, oo, undefined, { convention: 'homi' }).macro_averaging_auc).toBe(1);
  });
});

describe('metric properties', () => {
  const data = fc.integer({ min: 0, max: 10_000 }).map((seed) => {
    const rng = new Rng(seed);
    const n = rng.int(2, 12);
    const q = rng.int(2, 6);
    const y = new Matrix(
      n,
      q,
      Float64Array.from({ length: n * q }, () => (rng.uniform() < 0.4 ? 1 : 0)),
    );
    const o = rng.normalMatrix(n, q);
    return { y, o };
  });

  it('bounds, and ideal values for perfect predictions', () => {
    fc.assert(
      fc.property(data, ({ y, o }) => {
        for (const convention of ['standard', 'homi'] as const) {
          const m = evaluateMultiLabel(y, o, undefined, { convention });
          for (const [k, v] of Object.entries(m))
            if (v !== null && k !== 'coverage') expect(v >= 0 && v <= 1, `${k} = ${v}`).toBe(true);
          const perfect = evaluateMultiLabel(y, y, y, { convention: 'standard' });
          expect(perfect.hamming_loss).toBe(0);
          expect(perfect.subset_accuracy).toBe(1);
          expect(perfect.ranking_loss).toBe(0);
        }
      }),
    );
  });

  it('ranking metrics are invariant under strictly increasing transforms of the scores', () => {
    fc.assert(
      fc.property(data, ({ y, o }) => {
        const t = new Matrix(
          o.rows,
          o.cols,
          o.clone().data.map((v) => Math.exp(2 * v) + 3),
        );
        const a = evaluateMultiLabel(y, o, y);
        const b = evaluateMultiLabel(y, t, y);
        for (const k of [
          'one_error',
          'coverage',
          'ranking_loss',
          'average_precision',
          'macro_averaging_auc',
          'micro_averaging_auc',
        ] as const) {
          expect(b[k]).toBeCloseTo(a[k], 12);
        }
      }),
    );
  });
});

describe('thresholding', () => {
  it('top-k, per-label F1-tuned thresholds', () => {
    const o = M([
      [0.9, 0.5, 0.1],
      [0.2, 0.7, 0.6],
    ]);
    expect(thresholdTopK(o, 2).toArray()).toEqual([
      [1, 1, 0],
      [0, 1, 1],
    ]);
    const y = M([
      [1, 0, 0],
      [0, 1, 1],
    ]);
    const t = tuneThresholdsF1(o, y);
    expect(applyThresholds(o, t).toArray()).toEqual(y.toArray());
  });
});
