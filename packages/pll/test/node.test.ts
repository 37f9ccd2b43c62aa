import { describe, expect, it } from 'vitest';
import { mnistPllTask } from '../src/node.js';

describe('mnistPllTask', () => {
  it('uniform corruption: truth plus exactly r wrong digits; seeded; disjoint-size splits', () => {
    const t = mnistPllTask({ trainSize: 200, testSize: 50, r: 3, seed: 2 });
    expect(t.xTrain.rows).toBe(200);
    expect(t.xTrain.cols).toBe(196);
    expect(t.xTest.rows).toBe(50);
    for (let i = 0; i < 200; i++) {
      expect(t.yTrain.get(i, t.truthTrain[i]!)).toBe(1);
      let cnt = 0;
      for (let c = 0; c < 10; c++) cnt += t.yTrain.get(i, c);
      expect(cnt).toBe(4);
    }
    const again = mnistPllTask({ trainSize: 200, testSize: 50, r: 3, seed: 2 });
    expect(Array.from(again.yTrain.data)).toEqual(Array.from(t.yTrain.data));
    expect(Array.from(again.xTest.data)).toEqual(Array.from(t.xTest.data));
  });

  it('pairwise corruption with ε = 1 adds the fixed confuser (d + 1) mod 10', () => {
    const t = mnistPllTask({ trainSize: 100, testSize: 10, corruption: 'pairwise', epsilon: 1, seed: 3 });
    for (let i = 0; i < 100; i++) {
      const d = t.truthTrain[i]!;
      const cands = [...Array(10).keys()].filter((c) => t.yTrain.get(i, c) === 1);
      expect(cands.sort()).toEqual([d, (d + 1) % 10].sort());
    }
  });

  it('rejects impossible sizes and parameters', () => {
    expect(() => mnistPllTask({ trainSize: 9000, testSize: 2000 })).toThrow(
      'mnistPllTask: trainSize (≥ 2) + testSize (≥ 1) must be integers with a sum ≤ 10000, got 9000 + 2000',
    );
    expect(() => mnistPllTask({ r: 10 })).toThrow('mnistPllTask: r must be an integer in [0, 9], got 10');
  });
});
