import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, Matrix, Rng, ShapeError } from '@numts/core';
import { loadMulan } from '@numts/io';
import { announceSkip, SHARED_DATA, SHARED_REMEDY, sharedDataAvailable } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import {
  evaluateMultiLabel,
  fitHomi,
  Homi,
  type HomiJson,
  homiPreprocess,
  homiScores,
  numpyFoldsAndInits,
  takeRows,
} from '../src/index.js';

const available = sharedDataAvailable();
if (!available) announceSkip("HOMI parity with the authors' code", SHARED_DATA, SHARED_REMEDY);

interface Reference {
  folds: { train: number[]; test: number[] }[];
  preprocessing: { x0_check: { row0_first8: number[] } };
  rng: { init_checksums_per_fold: { W_sum: number; B_sum: number }[] };
  results: Record<string, Record<string, (number | null)[]>>;
}

function reference(name: string, seed: number): Reference {
  return JSON.parse(
    readFileSync(
      join(SHARED_DATA, '..', 'reference', 'multilabel', `${name}-5fold-seed${seed}.json`),
      'utf8',
    ),
  ) as Reference;
}

describe.skipIf(!available)(
  'HOMI reproduces the authors’ code fold by fold (../shared/reference/multilabel)',
  () => {
    it.each([
      ['flags', 0],
      ['emotions', 0],
      ['emotions', 1],
      // More labels than features (68 < 174): the B-step's low-rank route.
      ['CAL500', 0],
    ])('%s seed %i: preprocessing, folds, initialisation, iterations and every metric', (name, seed) => {
      const ref = reference(name as string, seed as number);
      const ds = loadMulan(
        readFileSync(join(SHARED_DATA, 'multilabel', `${name}.arff`)),
        readFileSync(join(SHARED_DATA, 'multilabel', `${name}.xml`)),
      );
      const x0 = homiPreprocess(ds.x);
      ref.preprocessing.x0_check.row0_first8.forEach((v, j) => {
        expect(Math.abs(x0.get(0, j) - v)).toBeLessThan(1e-12);
      });
      const { folds, inits } = numpyFoldsAndInits(ds.x.rows, seed as number, x0.cols, ds.y.cols);
      const authors = ref.results["HOMI (authors' code)"]!;
      folds.forEach((fold, f) => {
        expect(fold.test).toEqual(ref.folds[f]!.test);
        expect(inits[f]!.w.data.reduce((a, b) => a + b, 0)).toBeCloseTo(
          ref.rng.init_checksums_per_fold[f]!.W_sum,
          9,
        );
        const model = fitHomi(takeRows(x0, fold.train), takeRows(ds.y, fold.train), { init: inits[f]! });
        expect(model.iterations).toBe(authors.iterations![f]);
        const m = evaluateMultiLabel(
          takeRows(ds.y, fold.test),
          homiScores(model, takeRows(x0, fold.test)),
          undefined,
          { convention: 'homi' },
        );
        for (const [k, v] of Object.entries(m)) {
          const r = authors[k]?.[f];
          if (r === null || r === undefined || v === null) continue;
          expect(Math.abs(v - r), `${name} fold ${f} ${k}`).toBeLessThan(1e-9);
        }
      });
    });
  },
);

describe('HOMI on synthetic data', () => {
  /** Labels driven by a linear map with correlated labels: label 2 = label 0 OR label 1. */
  function synthetic(seed: number, n = 120, d = 8): { x: Matrix; y: Matrix } {
    const rng = new Rng(seed);
    const x = rng.normalMatrix(n, d);
    const y = new Matrix(n, 3);
    for (let i = 0; i < n; i++) {
      const a = x.get(i, 0) + 0.5 * x.get(i, 1) > 0 ? 1 : 0;
      const b = x.get(i, 2) - x.get(i, 3) > 0.5 ? 1 : 0;
      y.set(i, 0, a);
      y.set(i, 1, b);
      y.set(i, 2, a || b ? 1 : 0);
    }
    return { x, y };
  }

  it('learns the labels, decreases the squared objective, and round-trips through JSON', () => {
    const { x, y } = synthetic(1);
    const model = new Homi({ seed: 3 }).fit(x, y);
    const { x: xt, y: yt } = synthetic(2);
    const m = evaluateMultiLabel(yt, model.decisionFunction(xt));
    expect(m.average_precision).toBeGreaterThan(0.85);
    expect(m.ranking_loss).toBeLessThan(0.15);
    const copy = Homi.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as HomiJson);
    expect(Array.from(copy.predict(xt).data)).toEqual(Array.from(model.predict(xt).data));
    expect(() => Homi.fromJSON({ format: 'other', version: 1 } as unknown as HomiJson)).toThrow(
      'Homi.fromJSON: expected format numts.multilabel.Homi version 1, got "other" version 1',
    );
    // The layout written before Homi kept the learner contract still loads.
    const saved = model.toJSON();
    const legacy = { format: saved.format, version: 1, options: saved.options, ...saved.model };
    const old = Homi.fromJSON(JSON.parse(JSON.stringify(legacy)));
    expect(Array.from(old.predict(xt).data)).toEqual(Array.from(model.predict(xt).data));
  });

  it('handles d ≥ n (where the authors’ code inverts a singular matrix) with finite output', () => {
    const rng = new Rng(4);
    const x = rng.normalMatrix(30, 60);
    const { y } = synthetic(5, 30, 8);
    const model = fitHomi(x, y, { maxIter: 20 });
    const o = homiScores(model, rng.normalMatrix(10, 60));
    expect(o.clone().data.every(Number.isFinite)).toBe(true);
  });

  it('rejects bad input with clear errors', () => {
    const { x, y } = synthetic(1, 20);
    expect(() => fitHomi(x, takeRows(y, [0, 1, 2]))).toThrow(ShapeError);
    expect(() => fitHomi(x, takeRows(y, [0, 1, 2]))).toThrow(
      'fitHomi: x and y must have the same number of rows (got 20 and 3)',
    );
    const y2 = y.clone();
    y2.set(3, 1, 2);
    expect(() => fitHomi(x, y2)).toThrow(DomainError);
    expect(() => fitHomi(x, y2)).toThrow('fitHomi: y must hold only 0 and 1 (row 3, label 1 is 2)');
    const x2 = x.clone();
    x2.set(5, 2, Number.NaN);
    expect(() => fitHomi(x2, y)).toThrow('fitHomi: x must be finite (row 5, column 2 is NaN)');
    expect(() => fitHomi(x, y, { lambda: 0 })).toThrow('fitHomi: lambda must be a finite number > 0 (got 0)');
    expect(() => new Homi().fit(x, y).decisionFunction(new Matrix(2, 3))).toThrow(
      'homiScores: x must have 8 columns like the training data (got 3)',
    );
    // A label that is never positive is allowed: HOMI learns to score it low.
    const y3 = y.clone();
    for (let i = 0; i < y3.rows; i++) y3.set(i, 2, 0);
    const o = homiScores(fitHomi(x, y3), x);
    for (let i = 0; i < o.rows; i++) expect(o.get(i, 2)).toBeLessThan(0.5);
  });
});
