import { Matrix } from '@numts/core';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  fitClpl,
  fitIpal,
  fitPlcl,
  fitPlcp,
  fitPlSvm,
  generateCandidates,
  PlCl,
  PlclModel,
  PlKnn,
} from '../src/index.js';

const x = new Matrix(
  12,
  2,
  Float64Array.from({ length: 24 }, (_, i) => Math.sin(i)),
);
const y = new Matrix(
  12,
  3,
  Float64Array.from({ length: 36 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 || i % 5 === 0 ? 1 : 0)),
);

describe('bad input gets a clear error', () => {
  it('empty candidate set', () => {
    const bad = y.clone();
    for (let c = 0; c < 3; c++) bad.data[4 * 3 + c] = 0;
    for (const fit of [fitPlcl, fitPlcp, fitIpal, fitClpl, fitPlSvm])
      expect(() => fit(x, bad)).toThrow(
        'instance 4 has an empty candidate set (candidates row 4 is all zero)',
      );
  });

  it('candidate entries other than 0/1, and label indices out of range', () => {
    const bad = y.clone();
    bad.data[5] = 2;
    expect(() => fitPlcl(x, bad)).toThrow('fitPlcl: candidates[1][2] must be 0 or 1, got 2');
    expect(() => generateCandidates([0, 3], 3, { kind: 'uniform', r: 1, p: 1, seed: 0 })).toThrow(
      'generateCandidates: truth[1] must be a label index in [0, 3), got 3',
    );
  });

  it('NaN features, in training and at prediction', () => {
    const bad = x.clone();
    bad.data[7] = Number.NaN;
    expect(() => fitPlcl(bad, y)).toThrow('fitPlcl: x must be finite (row 3, column 1 is NaN)');
    const model = fitPlcl(x, y, { k: 3, maxIter: 1 });
    expect(() => model.predict(bad)).toThrow(
      'PlclModel.decisionFunction: x must be finite (row 3, column 1 is NaN)',
    );
  });

  it('fewer instances than k + 1', () => {
    expect(() => fitPlcl(x, y, { k: 12 })).toThrow(
      'fitPlcl: k (at most n − 1 neighbours) must be an integer in [1, 11] (got 12)',
    );
    expect(() => fitIpal(x, y, { k: 20 })).toThrow('fitIpal: k must be an integer in [1, 11] (got 20)');
  });

  it('a test matrix of the wrong width, and mismatched rows', () => {
    const model = fitPlcl(x, y, { k: 3, maxIter: 1 });
    expect(() => model.predict(new Matrix(2, 3))).toThrow(
      'PlclModel.decisionFunction: x has 3 columns but the model was trained on 2 features',
    );
    expect(() => new PlKnn().fit(x, y).predict(new Matrix(1, 5))).toThrow(
      'PlKnn.decisionFunction: x has 5 columns',
    );
    expect(() => fitPlcl(x, new Matrix(11, 3))).toThrow(
      'fitPlcl: x has 12 rows but candidates has 11; they must describe the same instances',
    );
  });

  it('options out of range, unknown formats, use before fit', () => {
    expect(() => fitPlcl(x, y, { lambda: 0 })).toThrow('fitPlcl: lambda must be a finite number > 0 (got 0)');
    expect(() => fitPlcp(x, y, { base: 'svm' as 'pl-cl' })).toThrow(
      'fitPlcp: base must be one of "pl-aggd", "pl-cl" (got "svm")',
    );
    expect(() => new PlCl().predict(x)).toThrow('PlCl: call fit before using the model');
    expect(() => PlCl.fromJSON({ format: 'numts.pll.Plcp', version: 1, options: {}, model: null })).toThrow(
      'PlCl.fromJSON: expected format numts.pll.PlCl version 1, got "numts.pll.Plcp" version 1',
    );
    expect(() => PlclModel.fromJSON({} as never)).toThrow(
      'PlclModel.fromJSON: expected format numts.pll.PlclModel version 1, got undefined version undefined',
    );
    expect(() => accuracy([1, 2], [1])).toThrow('accuracy: predicted has 2 entries but truth has 1');
  });

  it('a training set whose n×n matrices cannot be allocated is a clear error, not a bare RangeError', () => {
    // 2^20 rows: the n×n distances alone would be 2^40 doubles.
    const n = 2 ** 20;
    const big = new Matrix(
      n,
      1,
      Float64Array.from({ length: n }, (_, i) => i % 7),
    );
    const cands = new Matrix(
      n,
      2,
      Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? 1 : i % 4 === 1 ? 1 : 0)),
    );
    expect(() => fitPlcl(big, cands)).toThrow(
      'fitPlcl: not enough memory for the n×n distances of 1048576 training rows (about 16777216 MB in all); PL-CL keeps two n×n matrices; train on fewer rows or on a machine with more memory',
    );
  });
});
