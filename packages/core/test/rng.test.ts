import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EPS, readFixture } from '../../testing/src/index.js';
import { DomainError, Rng, ShapeError } from '../src/index.js';
import { portableLog } from '../src/rng.js';

interface RngCase {
  seed: number;
  uint32: number[];
  uniform: number[];
  afterJump: number[];
}
const fixtures = readFixture<{ rng: RngCase[] }>('core/fixtures.json');

describe('Rng bits match an independent implementation', () => {
  it.each(fixtures.rng.map((f) => [f.seed, f] as const))('seed %d', (_seed, f) => {
    const r = new Rng(f.seed);
    expect(Array.from({ length: 8 }, () => r.nextUint32())).toEqual(f.uint32);
    const u = new Rng(f.seed);
    expect(Array.from({ length: 4 }, () => u.uniform())).toEqual(f.uniform);
    const parent = new Rng(f.seed);
    const child = parent.split();
    // The child continues the original stream; the parent jumped 2^64 steps ahead.
    expect(child.nextUint32()).toBe(f.uint32[0]);
    expect(Array.from({ length: 4 }, () => parent.nextUint32())).toEqual(f.afterJump);
  });
});

describe('Rng reproducibility', () => {
  it('the same seed gives the same draws of every kind', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (seed) => {
        const draw = (r: Rng) => [
          r.uniform(),
          r.normal(),
          r.int(0, 10),
          ...r.permutation(5),
          ...r.choice(9, 3),
          r.split().uniform(),
        ];
        expect(draw(new Rng(seed))).toEqual(draw(new Rng(seed)));
      }),
      { numRuns: 50 },
    );
  });

  it('state round-trips through getState/fromState', () => {
    const r = new Rng(7);
    r.nextUint32();
    const s = Rng.fromState(r.getState());
    expect(s.nextUint32()).toBe(r.nextUint32());
  });

  it('split streams differ from the parent', () => {
    const r = new Rng(3);
    const c = r.split();
    const a = Array.from({ length: 20 }, () => r.nextUint32());
    const b = Array.from({ length: 20 }, () => c.nextUint32());
    expect(a).not.toEqual(b);
  });
});

describe('Rng distributions (sanity bounds at ~5 standard errors)', () => {
  const N = 200_000;
  it('uniform has mean 1/2 and variance 1/12, and stays in [0, 1)', () => {
    const r = new Rng(11);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
    }
    const mean = s / N;
    const variance = s2 / N - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / N));
  });

  it('normal has mean 0, variance 1 and normal tails', () => {
    const r = new Rng(12);
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < N; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(s / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    const p = 0.0455; // P(|Z| > 2)
    expect(Math.abs(beyond2 / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
  });

  it('int is unbiased over a range that does not divide 2^32', () => {
    const r = new Rng(13);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(0, 7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(5 * Math.sqrt(10_000 * (6 / 7)));
  });

  it('permutation and choice return valid index sets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2 ** 30 }), (n, seed) => {
        const r = new Rng(seed);
        expect([...r.permutation(n)].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        const k = Math.floor(n / 2);
        const c = [...r.choice(n, k)];
        expect(new Set(c).size).toBe(k);
        expect(c.every((x) => x >= 0 && x < n)).toBe(true);
      }),
    );
  });
});

describe('portableLog', () => {
  it('is within 2 ulp of Math.log on (0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1, noNaN: true }), (x) => {
        const ref = Math.log(x);
        expect(Math.abs(portableLog(x) - ref)).toBeLessThanOrEqual(
          2 * EPS * Math.max(Math.abs(ref), 1e-300) + 1e-300,
        );
      }),
      { numRuns: 2000 },
    );
    expect(portableLog(1)).toBe(0);
  });
});

describe('Rng rejects bad arguments', () => {
  it('with messages naming the rule and the value', () => {
    expect(() => new Rng(-1)).toThrow(DomainError);
    expect(() => new Rng(1.5)).toThrow('Rng: seed must be a non-negative safe integer (got 1.5)');
    const r = new Rng(1);
    expect(() => r.normal(0, -1)).toThrow(
      'Rng.normal: mean must be finite and sd a finite number ≥ 0 (got 0, -1)',
    );
    expect(() => r.int(5, 5)).toThrow(
      'Rng.int: bounds must be integers with low < high and high − low ≤ 2^32 (got 5, 5)',
    );
    expect(() => r.uniform(2, 1)).toThrow('Rng.uniform: bounds must be finite with low ≤ high (got 2, 1)');
    expect(() => r.choice(3, 4)).toThrow(ShapeError);
    expect(() => r.choice(3, 4)).toThrow('Rng.choice: k must be ≤ n without replacement (got k = 4, n = 3)');
    expect(() => r.choice(0, 1, { replace: true })).toThrow(
      'Rng.choice: cannot draw from an empty population (n = 0)',
    );
    expect(() => r.permutation(-1)).toThrow('Rng.permutation: n must be a non-negative integer (got -1)');
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(
      /Rng.fromState: state must be four uint32 words, not all zero/,
    );
  });
});
