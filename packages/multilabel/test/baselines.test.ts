import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matrix, Rng } from '@numts/core';
import { loadMulan } from '@numts/io';
import { announceSkip, SHARED_DATA, SHARED_REMEDY, sharedDataAvailable } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import {
  BinaryRelevanceLogistic,
  BinaryRelevanceRidge,
  ClassifierChain,
  evaluateMultiLabel,
  homiPreprocess,
  Llsf,
  Lsml,
  MlKnn,
  numpyFoldsAndInits,
  takeRows,
} from '../src/index.js';

const available = sharedDataAvailable();
if (!available) announceSkip('the reference baseline tests', SHARED_DATA, SHARED_REMEDY);

describe.skipIf(!available)('ridge Binary Relevance reproduces the reference baseline exactly', () => {
  it('emotions seed 0, all folds, every metric', () => {
    const ref = JSON.parse(
      readFileSync(join(SHARED_DATA, '..', 'reference', 'multilabel', 'emotions-5fold-seed0.json'), 'utf8'),
    );
    const ds = loadMulan(
      readFileSync(join(SHARED_DATA, 'multilabel', 'emotions.arff')),
      readFileSync(join(SHARED_DATA, 'multilabel', 'emotions.xml')),
    );
    const x0 = homiPreprocess(ds.x);
    const { folds } = numpyFoldsAndInits(ds.x.rows, 0, x0.cols, ds.y.cols);
    const ridge = ref.results['Ridge BR (lambda=1, unpenalised intercept, threshold 0.5)'];
    folds.forEach((fold, f) => {
      const model = new BinaryRelevanceRidge({ lambda: 1 }).fit(
        takeRows(x0, fold.train),
        takeRows(ds.y, fold.train),
      );
      const m = evaluateMultiLabel(
        takeRows(ds.y, fold.test),
        model.decisionFunction(takeRows(x0, fold.test)),
        undefined,
        { convention: 'homi' },
      );
      for (const [k, v] of Object.entries(m)) {
        const r = ridge[k]?.[f];
        if (r === null || r === undefined || v === null) continue;
        expect(Math.abs(v - r), `fold ${f} ${k}`).toBeLessThan(1e-9);
      }
    });
  });
});

describe('baselines learn a synthetic task', () => {
  function synthetic(seed: number, n: number): { x: Matrix; y: Matrix } {
    const rng = new Rng(seed);
    const x = rng.normalMatrix(n, 6);
    const y = new Matrix(n, 3);
    for (let i = 0; i < n; i++) {
      const a = x.get(i, 0) > 0 ? 1 : 0;
      const b = x.get(i, 1) + x.get(i, 2) > 0 ? 1 : 0;
      y.set(i, 0, a);
      y.set(i, 1, b);
      y.set(i, 2, a && b ? 1 : 0);
    }
    return { x, y };
  }
  const train = synthetic(1, 200);
  const test = synthetic(2, 200);
  it.each([
    ['BinaryRelevanceRidge', () => new BinaryRelevanceRidge()],
    ['BinaryRelevanceLogistic', () => new BinaryRelevanceLogistic()],
    ['ClassifierChain', () => new ClassifierChain({ order: [0, 1, 2] })],
    ['MlKnn', () => new MlKnn({ k: 10 })],
    ['Llsf', () => new Llsf()],
    ['Lsml', () => new Lsml()],
  ])('%s', (_name, make) => {
    const model = make().fit(train.x, train.y);
    const m = evaluateMultiLabel(test.y, model.decisionFunction(test.x), model.predict(test.x));
    expect(m.average_precision).toBeGreaterThan(0.85);
    expect(m.hamming_loss).toBeLessThan(0.2);
  });

  it('reject mismatched inputs', () => {
    expect(() => new MlKnn().fit(train.x, takeRows(train.y, [0, 1]))).toThrow(
      'fitMlKnn: x and y must have the same number of rows (got 200 and 2)',
    );
    expect(() => new MlKnn({ k: 500 }).fit(train.x, train.y)).toThrow(
      'fitMlKnn: k must be smaller than the number of training instances (k = 500, n = 200)',
    );
    expect(() => new ClassifierChain({ order: [0, 0, 1] }).fit(train.x, train.y)).toThrow(
      'fitClassifierChain: order must be a permutation of 0..2',
    );
  });
});
