import { describe, expect, it } from 'vitest';
import { inconclusiveReading, intervalText, meanStdText, paired, signed, welch } from '../lib/paired.js';

describe('welch: the difference of two independent means', () => {
  it('gives the Welch interval with the degrees of freedom rounded down', () => {
    // a: mean 2.5, s² 5/3, s²/n 5/12; b: mean 0.5, s² 1/4, s²/n 1/12; se = √(1/2);
    // df = (1/2)² / ((5/12)²/3 + (1/12)²/2) = 4.0755 → 4, t = 2.776: half-width 2.776·√(1/2) = 1.96293.
    const w = welch([1, 2, 3, 4], [0, 0.5, 1]);
    expect(w.mean).toBeCloseTo(2, 12);
    expect(w.std).toBeCloseTo(Math.SQRT1_2, 12);
    expect(w.n).toBe(7);
    expect(w.ci![0]).toBeCloseTo(2 - 2.776 * Math.SQRT1_2, 10);
    expect(w.ci![1]).toBeCloseTo(2 + 2.776 * Math.SQRT1_2, 10);
  });
  it('has no interval below two values a side, and no runs at all when a side is empty', () => {
    expect(welch([1, 2], [3]).ci).toBeNull();
    expect(welch([1, 2], [3]).mean).toBe(-1.5);
    expect(welch([], [1, 2]).n).toBe(0);
  });
  it('gives a zero-width interval at the difference when neither sample varies', () => {
    expect(welch([2, 2], [1, 1, 1]).ci).toEqual([1, 1]);
  });
});

describe('signed and intervalText: how the pages print differences', () => {
  it('writes the sign of every value, with a true minus sign, and no sign on zero', () => {
    expect(signed(1.234, 2)).toBe('+1.23');
    expect(signed(-0.5, 1)).toBe('−0.5');
    expect(signed(-0.004, 2)).toBe('0.00');
    expect(signed(0, 1)).toBe('0.0');
  });
  it('prints mean [low, high], scaled, and the mean alone without an interval', () => {
    // diffs 0.01, 0.03: mean 0.02, std √2·0.01, half-width 12.706·0.01 = 0.12706.
    expect(intervalText(paired([0.01, 0.03]), 1, 100)).toBe('+2.0 [−10.7, +14.7]');
    expect(intervalText(paired([-3]), 2)).toBe('−3.00');
  });
});

describe('inconclusiveReading: why an undecided claim is undecided', () => {
  // Each sample's interval: mean ± 12.706·std/√2 with two values.
  const around = (mean: number, half: number) => paired([mean - half / 12.706, mean + half / 12.706]);
  it('says a greater claim rules out its minimum effect when the interval ends below it', () => {
    const p = around(0.05, 0.1); // [−0.05, 0.15]
    expect(inconclusiveReading(p, 'greater', 0.5)).toBe(
      'any effect is below the registered minimum: the interval excludes 0.5 or more',
    );
  });
  it('tells a too-wide interval from one above 0 that may miss the minimum', () => {
    expect(inconclusiveReading(around(3, 7), 'greater', 0.5)).toMatch(/^too wide to decide/);
    expect(inconclusiveReading(around(0.4, 0.3), 'greater', 0.5)).toMatch(/^above 0, but/);
  });
  it('is empty for a decided claim and without an interval', () => {
    expect(inconclusiveReading(around(3, 1), 'greater', 0.5)).toBe('');
    expect(inconclusiveReading(around(-3, 1), 'greater', 0.5)).toBe('');
    expect(inconclusiveReading(paired([1]), 'greater', 0.5)).toBe('');
  });
  it('names the margin of non-inferiority and equivalence claims', () => {
    expect(inconclusiveReading(around(-1, 1), 'nonInferior', 1)).toBe(
      'the interval reaches below −1, the registered margin',
    );
    expect(inconclusiveReading(around(0.5, 1), 'equivalent', 1)).toBe(
      'the interval crosses the registered band of ±1',
    );
  });
});

describe('meanStdText', () => {
  it('prints mean ± sample std, and the value alone for one value', () => {
    const f = (x: number) => x.toFixed(1);
    expect(meanStdText([1, 3], f)).toBe('2.0 ± 1.4');
    expect(meanStdText([0.5], f)).toBe('0.5');
  });
});
