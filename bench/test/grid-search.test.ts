import { describe, expect, it } from 'vitest';
import {
  aroundOnLadder,
  coordinateSearch,
  halfDecades,
  ladderSteps,
  linearSteps,
} from '../lib/grid-search.js';
import { decide, paired, verdictAbove } from '../lib/paired.js';

describe('coordinateSearch', () => {
  it('extends a grid past an edge until the best value is interior, one constant at a time', async () => {
    // Score peaks at a = 0.9 (beyond the first grid's top 0.7) and b = 0.2.
    const seen: string[] = [];
    const r = await coordinateSearch(
      [
        { name: 'a', start: 0.5, grid: [0.3, 0.5, 0.7], beyond: linearSteps(0.2, 0.1, 1.5) },
        { name: 'b', start: 0.3, grid: [0.2, 0.3, 0.4], beyond: linearSteps(0.1, 0.1, 0.7) },
      ],
      async ({ a, b }) => {
        seen.push(`${a},${b}`);
        return -((a - 0.9) ** 2) - (b - 0.2) ** 2;
      },
    );
    expect(r.chosen).toEqual({ a: 0.9, b: 0.2 });
    expect(r.searched[0]).toMatchObject({
      name: 'a',
      values: [0.3, 0.5, 0.7, 0.9, 1.1],
      chosen: 0.9,
      interior: true,
    });
    // b's grid is searched with a at its chosen value, and 0.1 is tried because 0.2 was at the edge.
    expect(r.searched[1]).toMatchObject({ values: [0.1, 0.2, 0.3, 0.4], chosen: 0.2, interior: true });
    expect(seen).toContain('0.9,0.1');
    expect(new Set(seen).size).toBe(seen.length); // every assignment scored once
  });

  it('ties go to the start, so flat scores stop at once; a bound or the extension cap ends a climb', async () => {
    const flat = await coordinateSearch(
      [{ name: 'l', start: 1, grid: [0.316, 1, 3.16], beyond: halfDecades(0.01, 100), logScale: true }],
      async () => 0.5,
    );
    expect(flat.searched[0]).toMatchObject({ values: [0.316, 1, 3.16], chosen: 1, interior: true });
    const climbing = await coordinateSearch(
      [{ name: 'l', start: 1, grid: [0.316, 1, 3.16], beyond: halfDecades(0.01, 100), logScale: true }],
      async ({ l }) => l,
      { maxExtensions: 2 },
    );
    expect(climbing.searched[0]).toMatchObject({
      values: [0.316, 1, 3.16, 10, 31.6],
      chosen: 31.6,
      interior: false,
    });
    const bounded = await coordinateSearch(
      [{ name: 'a', start: 0.5, grid: [0.3, 0.5, 0.7], beyond: linearSteps(0.2, 0.1, 0.9) }],
      async ({ a }) => a,
    );
    expect(bounded.searched[0]).toMatchObject({ values: [0.3, 0.5, 0.7, 0.9], chosen: 0.9, interior: false });
  });
});

describe('coordinateSearch in progress', () => {
  it('stops at the first score not recorded yet and reports what was scored so far', async () => {
    const known: Record<string, number> = { '0.3,0.3': 1, '0.5,0.3': 3, '0.7,0.3': 2, '0.5,0.2': 4 };
    const r = await coordinateSearch(
      [
        { name: 'a', start: 0.5, grid: [0.3, 0.5, 0.7], beyond: linearSteps(0.2, 0.1, 0.9) },
        { name: 'b', start: 0.3, grid: [0.2, 0.3, 0.4], beyond: linearSteps(0.1, 0.1, 0.7) },
      ],
      async ({ a, b }) => known[`${a},${b}`] ?? null,
    );
    expect(r.complete).toBe(false);
    expect(r.searched[0]).toMatchObject({ name: 'a', chosen: 0.5, interior: true });
    expect(r.searched[0]!.pending).toBeUndefined();
    // b = 0.4 is missing: the trace holds 0.2 and 0.3 (in grid order) and the best of them.
    expect(r.searched[1]).toMatchObject({
      name: 'b',
      values: [0.2, 0.3],
      scores: [4, 3],
      chosen: 0.2,
      interior: false,
      pending: true,
    });
  });
});

describe('paired', () => {
  it('gives the 95 % t-interval of the mean difference and the verdicts', () => {
    // mean 2, sd 1, n = 4: half-width 3.182 · 1 / 2.
    const p = paired([1, 2, 3, 2].map((v) => v - 0));
    expect(p.mean).toBe(2);
    expect(p.ci![0]).toBeCloseTo(2 - 3.182 * (Math.sqrt(2 / 3) / 2), 10);
    expect(verdictAbove(p)).toBe('held');
    expect(verdictAbove(paired([-1, 1, -2, 2]))).toBe('inconclusive');
    expect(verdictAbove(paired([-3, -2, -4]))).toBe('not held');
    expect(verdictAbove(paired([5]))).toBe('incomplete');
  });

  it('decides greater / non-inferior / equivalent claims against their margins', () => {
    const around = (mean: number) => paired([mean - 0.1, mean + 0.1, mean - 0.1, mean + 0.1]);
    expect(decide(around(2), 'greater', 0.5)).toBe('held');
    expect(decide(around(0.3), 'greater', 0.5)).toBe('inconclusive'); // above 0 but maybe below the minimum
    expect(decide(around(-2), 'greater', 0.5)).toBe('not held');
    expect(decide(around(-0.2), 'nonInferior', 0.5)).toBe('held');
    expect(decide(around(-2), 'nonInferior', 0.5)).toBe('not held');
    expect(decide(around(0.1), 'equivalent', 1)).toBe('held');
    expect(decide(around(3), 'equivalent', 1)).toBe('not held');
    expect(decide(around(0.9), 'equivalent', 1)).toBe('inconclusive');
  });
});

describe('a second pass along ladders', () => {
  it('searches around the first choice on the ladder and walks past an edge to the ladder end', async () => {
    const ladder = [0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99];
    const c = aroundOnLadder({ name: 'a', ladder }, 0.9);
    expect(c).toMatchObject({ start: 0.9, grid: [0.7, 0.9, 0.95] });
    expect(aroundOnLadder({ name: 'a', ladder }, 0.1).grid).toEqual([0.1, 0.3]);
    expect(() => aroundOnLadder({ name: 'a', ladder }, 0.8)).toThrow(
      'aroundOnLadder: a = 0.8 is not a value of its ladder [0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99]',
    );
    // The score climbs to the top: the search walks to 0.99 and stops there (not interior).
    const climbing = await coordinateSearch([c], async ({ a }) => a);
    expect(climbing.searched[0]).toMatchObject({
      values: [0.7, 0.9, 0.95, 0.99],
      chosen: 0.99,
      interior: false,
    });
    // A peak at 0.95 is interior after one step.
    const peak = await coordinateSearch([c], async ({ a }) => -Math.abs(a - 0.95));
    expect(peak.searched[0]).toMatchObject({ values: [0.7, 0.9, 0.95, 0.99], chosen: 0.95, interior: true });
    expect(ladderSteps(ladder)(0.1, false)).toBeNull();
  });
});
