import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { announceSkip, SHARED_DATA, SHARED_REMEDY, sharedDataAvailable } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import { loadMulan, loadPllMat, parseCsv } from '../src/index.js';

// The benchmark data sets live in ../shared/data (not in the repository). The expected shapes and
// statistics are the ones listed in ../shared/data/*/SOURCES.md.
const available = sharedDataAvailable();
if (!available) announceSkip('the io tests on the benchmark data sets', SHARED_DATA, SHARED_REMEDY);
const pll = (f: string) => readFileSync(join(SHARED_DATA, 'pll', f));
const ml = (f: string) => readFileSync(join(SHARED_DATA, 'multilabel', f));

function meanCandidates(c: { data: Float64Array; rows: number }): number {
  let s = 0;
  for (const v of c.data) s += v;
  return s / c.rows;
}

describe.skipIf(!available)('PLL data sets (../shared/data/pll)', () => {
  it.each([
    ['lost.mat', 1122, 108, 16, 2.2317],
    ['MSRCv2.mat', 1758, 48, 23, 3.1564],
    ['FG-NET.mat', 1002, 262, 78, 7.477],
  ])('%s: n, d, q and the mean candidate-set size', (file, n, d, q, avg) => {
    const ds = loadPllMat(pll(file));
    expect([ds.x.rows, ds.x.cols, ds.labels]).toEqual([n, d, q]);
    expect(meanCandidates(ds.candidates!)).toBeCloseTo(avg, 4);
    expect(ds.truth!.length).toBe(n);
  });

  it('vehicle.mat has labels but no candidate sets', () => {
    const ds = loadPllMat(pll('vehicle.mat'));
    expect([ds.x.rows, ds.x.cols, ds.labels]).toEqual([846, 18, 4]);
    expect(ds.candidates).toBeUndefined();
  });

  it('the authors’ demo splits of lost', () => {
    const plcl = loadPllMat(pll('sample_plcl_lost_split.mat'), {
      features: 'train_data',
      candidates: 'train_p_target',
      truth: 'train_target',
    });
    expect([plcl.x.rows, plcl.x.cols, plcl.labels]).toEqual([561, 108, 16]);
    const plcp = loadPllMat(pll('sample_plcp_lost_split.mat'), {
      features: 'train_data',
      candidates: 'train_p_target',
    });
    expect([plcp.x.rows, plcp.x.cols, plcp.labels]).toEqual([561, 108, 16]);
    expect(plcp.truth).toBeUndefined();
  });

  it('UCI text files: ecoli (whitespace), glass (CSV), steel (tab)', () => {
    const counts = (col: number[]) => {
      const m = new Map<number, number>();
      for (const v of col) m.set(v, (m.get(v) ?? 0) + 1);
      return [...m.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    };
    const ecoli = parseCsv(pll('ecoli.txt'), { header: false }).matrix;
    expect([ecoli.rows, ecoli.cols]).toEqual([336, 8]);
    expect(counts(Array.from({ length: 336 }, (_, i) => ecoli.get(i, 7)))).toEqual([
      143, 77, 2, 2, 35, 20, 5, 52,
    ]);
    const glass = parseCsv(pll('glass.data'), { header: false }).matrix;
    expect([glass.rows, glass.cols]).toEqual([214, 11]);
    expect([...new Set(Array.from({ length: 214 }, (_, i) => glass.get(i, 10)))].sort()).toEqual([
      1, 2, 3, 5, 6, 7,
    ]);
    const steel = parseCsv(pll('steel'), { header: false }).matrix;
    expect([steel.rows, steel.cols]).toEqual([1941, 34]);
    expect(
      Array.from({ length: 7 }, (_, k) =>
        Array.from({ length: 1941 }, (_, i) => steel.get(i, 27 + k)).reduce((a, b) => a + b, 0),
      ),
    ).toEqual([158, 190, 391, 72, 55, 402, 673]);
  });
});

describe.skipIf(!available)('multi-label data sets (../shared/data/multilabel)', () => {
  it.each([
    ['CAL500', 502, 68, 174, 26.044],
    ['emotions', 593, 72, 6, 1.868],
    ['yeast', 2417, 103, 14, 4.237],
    ['scene', 2407, 294, 6, 1.074],
    ['genbase', 662, 1185, 27, 1.252],
    ['flags', 194, 19, 7, 3.392],
    ['medical', 978, 1449, 45, 1.245],
  ])('%s: n, d, q and label cardinality', (name, n, d, q, card) => {
    const ds = loadMulan(ml(`${name}.arff`), ml(`${name}.xml`));
    expect([ds.x.rows, ds.x.cols, ds.y.cols]).toEqual([n, d, q]);
    let s = 0;
    for (const v of ds.y.data) s += v;
    expect(s / n).toBeCloseTo(card, 3);
    if (name === 'genbase') expect(ds.dropped).toEqual(['protein']);
  });

  it.each([
    ['emotions', 391, 202],
    ['yeast', 1500, 917],
    ['scene', 1211, 1196],
  ])('%s train/test splits', (name, ntrain, ntest) => {
    const xml = ml(`${name}.xml`);
    expect(loadMulan(ml(`${name}-train.arff`), xml).x.rows).toBe(ntrain);
    expect(loadMulan(ml(`${name}-test.arff`), xml).x.rows).toBe(ntest);
  });

  it('medical.mat holds the same data as medical.arff', () => {
    const fromArff = loadMulan(ml('medical.arff'), ml('medical.xml'));
    const vars = loadPllMat(ml('medical.mat'), { features: 'X', candidates: 'Y', truth: 'none' });
    expect([vars.x.rows, vars.x.cols]).toEqual([978, 1449]);
    expect(Array.from(vars.x.data)).toEqual(Array.from(fromArff.x.data));
  });
});
