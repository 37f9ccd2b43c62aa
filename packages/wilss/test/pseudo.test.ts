import { getBackend, Rng, setBackend, wasmSimdSupported } from '@numts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pamr, projectCapped, pseudoGtMask, pseudoLabels } from '../src/index.js';

function randomInputs(seed: number, n = 2, k = 6, kOld = 4, p = 16) {
  const rng = new Rng(seed);
  const omega = Float32Array.from({ length: n * kOld * p }, () => rng.uniform());
  const m = new Float32Array(n * k * p);
  for (let i = 0; i < n; i++)
    for (let q = 0; q < p; q++) {
      const e = Array.from({ length: k }, () => Math.exp(2 * rng.normal()));
      const s = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < k; c++) m[(i * k + c) * p + q] = e[c]! / s;
    }
  const present = new Float32Array(n * k);
  for (let i = 0; i < n; i++) present[i * k + kOld + (i % (k - kOld))] = 1;
  const current = Float32Array.from({ length: n * k * p }, () => rng.uniform());
  const regions = Int32Array.from({ length: n * p }, (_, i) => Math.floor((i % p) / 4));
  return { n, k, kOld, p, omega, m, present, current, regions };
}

describe('pseudo labels', () => {
  it('property: TME-lite targets respect exclusivity, bounds, absent-class zeros and old tendency', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.boolean(),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, object, fusion, lambda) => {
          const inp = randomInputs(seed);
          const { n, k, kOld, p } = inp;
          const out = pseudoLabels(inp, { pixel: true, object, fusion, lambda });
          for (let i = 0; i < n; i++)
            for (let q = 0; q < p; q++) {
              let sumNew = 0;
              for (let c = 0; c < k; c++) {
                const t = out.targets[(i * k + c) * p + q]!;
                expect(t).toBeGreaterThanOrEqual(0);
                expect(t).toBeLessThanOrEqual(1);
                if (c >= kOld && !inp.present[i * k + c]) expect(t).toBe(0);
                if (c >= kOld) sumNew += t;
              }
              // Exclusivity: new-class mass ≤ 1, and zero where the old model keeps the pixel without an object-level override.
              expect(sumNew).toBeLessThanOrEqual(1 + 1e-6);
              if (!object && out.conflict[i * p + q]) {
                for (let c = kOld; c < k; c++) expect(out.targets[(i * k + c) * p + q]).toBe(0);
              }
            }
        },
      ),
      { numRuns: 80, seed: 5 },
    );
  });

  it('with every switch off it is WILSON (Eq. 6–7) exactly', () => {
    const inp = randomInputs(1, 1, 5, 3, 4);
    const out = pseudoLabels(inp);
    const { k, kOld, p } = inp;
    for (let q = 0; q < p; q++) {
      const present = [3, 4].filter((c) => inp.present[c]);
      let best = 0;
      for (const c of present) if (inp.m[c * p + q]! > inp.m[best * p + q]!) best = c;
      for (let c = kOld; c < k; c++) {
        const hard = c === best ? 1 : 0;
        const masked = inp.present[c] ? inp.m[c * p + q]! : 0;
        expect(out.targets[c * p + q]).toBeCloseTo(0.5 * (inp.present[c] ? hard : 0) + 0.5 * masked, 6);
      }
      for (let c = 1; c < kOld; c++) expect(out.targets[c * p + q]).toBeCloseTo(inp.omega[c * p + q]!, 6);
      expect(out.targets[q]).toBeCloseTo(
        Math.min(inp.omega[q]!, 0.5 * (best === 0 ? 1 : 0) + 0.5 * inp.m[q]!),
        6,
      );
    }
  });

  it('resolves a conflict pixel to the old class (tendency), and object TME overrides by region vote', () => {
    // One image, 4 pixels, classes: bg, old 1, new 2. The old model is confident on pixels 0-1.
    const inp = {
      n: 1,
      k: 3,
      kOld: 2,
      p: 4,
      omega: Float32Array.from([0.1, 0.1, 0.9, 0.9, 0.9, 0.9, 0.1, 0.1]),
      m: Float32Array.from([0.1, 0.1, 0.1, 0.9, 0, 0, 0, 0, 0.9, 0.9, 0.9, 0.1]),
      present: Float32Array.from([0, 0, 1]),
      regions: Int32Array.from([0, 0, 1, 1]),
    };
    const pixel = pseudoLabels(inp, { pixel: true });
    expect(Array.from(pixel.conflict)).toEqual([1, 1, 0, 0]);
    expect(Array.from(pixel.hard)).toEqual([1, 1, 2, 0]);
    const wilson = pseudoLabels(inp);
    expect(wilson.hard[0]).toBe(2); // WILSON lets the seed win on the old object
    // Region 1 (pixels 2-3) has half its pixels seeded (< ρ_new = 0.5? = 0.5 → new) and no old mass.
    const object = pseudoLabels(inp, { object: true });
    expect(Array.from(object.hard.slice(0, 2))).toEqual([1, 1]);
    expect(object.targets[2 * 4 + 3]).toBeGreaterThan(0.4);
  });

  it('projectCapped clips to [0, 1] and rescales onto Σ ≤ cap', () => {
    const v = Float32Array.from([0.8, 1.4, -0.2, 0.6]);
    projectCapped(v, 0, 1, 4, 1);
    expect(Array.from(v).every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(v.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(v[2]).toBe(0);
    const w = Float32Array.from([0.2, 0.1]);
    projectCapped(w, 0, 1, 2, 0);
    expect(Array.from(w)).toEqual([0, 0]);
  });

  it('reports bad input', () => {
    const inp = randomInputs(2);
    expect(() => pseudoLabels({ ...inp, omega: new Float32Array(3) })).toThrow(
      'pseudoLabels: omega must have 128 values (got 3)',
    );
    expect(() => pseudoLabels({ ...inp, current: undefined }, { fusion: true })).toThrow(
      'pseudoLabels: current (for fusion) must have 192 values (got none)',
    );
  });
});

describe('PAMR and pseudo_gtmask', () => {
  it('keeps maps non-negative, keeps per-pixel distributions normalised (convex combinations) and smooths within colour regions', () => {
    const h = 6;
    const w = 6;
    const img = new Float32Array(3 * 36);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 36; p++) img[c * 36 + p] = p % 6 < 3 ? 0.1 : 0.9;
    const rng = new Rng(1);
    const maps = new Float32Array(2 * 36);
    for (let p = 0; p < 36; p++) {
      maps[p] = rng.uniform();
      maps[36 + p] = 1 - maps[p]!;
    }
    const out = pamr(img, maps, 2, h, w, { iterations: 10, dilations: [1, 2] });
    for (let p = 0; p < 36; p++) {
      expect(out[p]! + out[36 + p]!).toBeCloseTo(1, 5); // probabilities stay probabilities
      expect(out[p]).toBeGreaterThanOrEqual(0);
    }
    // A constant map stays constant.
    const flat = pamr(img, new Float32Array(36).fill(0.3), 1, h, w);
    for (const v of flat) expect(v).toBeCloseTo(0.3, 6);
    // Variance inside the left region shrinks.
    const left = (a: Float32Array) => {
      const v = [0, 1, 2, 6, 7, 8, 12, 13, 14].map((p) => a[p]!);
      const mu = v.reduce((x, y) => x + y, 0) / v.length;
      return v.reduce((x, y) => x + (y - mu) ** 2, 0);
    };
    expect(left(out)).toBeLessThan(left(maps));
  });

  it.skipIf(!wasmSimdSupported())('pamr gives the same bits on the wasm and TypeScript backends', () => {
    const rng = new Rng(4);
    const [h, w, k] = [9, 7, 5];
    const img = Float32Array.from({ length: 3 * h * w }, () => rng.uniform());
    const maps = Float32Array.from({ length: k * h * w }, () => rng.uniform());
    const before = getBackend();
    try {
      setBackend('js');
      const js = pamr(img, maps, k, h, w);
      setBackend('wasm');
      const wasm = pamr(img, maps, k, h, w);
      expect(wasm.length).toBe(k * h * w);
      for (let i = 0; i < js.length; i++)
        if (!Object.is(js[i], wasm[i])) expect([i, wasm[i]]).toEqual([i, js[i]]);
    } finally {
      setBackend(before);
    }
  });

  it('pseudo_gtmask: one class per kept pixel, cut-offs 0.6/0.7 of the max and 0.2, ambiguous pixels ignored', () => {
    // 2 classes (bg, c=1), 4 pixels.
    const maps = Float32Array.from([1.0, 0.8, 0.1, 0.75, 0.0, 0.5, 0.9, 0.9]);
    const { labels, classesOn } = pseudoGtMask(maps, 2, 4, [1]);
    // bg on where > 0.7: pixels 0, 1, 3; class 1 on where > max(0.54, 0.2): pixels 2, 3 → pixel 3 ambiguous.
    expect(Array.from(labels)).toEqual([0, 0, 1, -1]);
    expect(classesOn).toBe(2);
  });
});
