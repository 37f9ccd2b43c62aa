import { Rng } from '@numts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundaryRecall,
  buildIncrementalData,
  felzenszwalb,
  generateScene,
  knownLabels,
  newLabels,
  PARTNER,
  rasterize,
  SETTINGS,
  SHAPE_NAMES,
  shapeId,
} from '../src/index.js';

describe('Shapes-WILSS scenes', () => {
  it('are a function of the seed (same seed, same bits; another seed, another scene)', () => {
    const spec = { classes: [1, 2, 3, 4], required: [6], partnerProbability: 1 };
    const a = generateScene(new Rng(5), spec);
    const b = generateScene(new Rng(5), spec);
    const c = generateScene(new Rng(6), spec);
    expect(Buffer.from(a.image.buffer).equals(Buffer.from(b.image.buffer))).toBe(true);
    expect(Array.from(a.mask)).toEqual(Array.from(b.mask));
    expect(Buffer.from(a.image.buffer).equals(Buffer.from(c.image.buffer))).toBe(false);
  });

  it('property: labels are exactly the classes with ≥ 8 mask pixels; images lie in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { minLength: 1 }),
        (seed, classes) => {
          const s = generateScene(new Rng(seed), {
            classes,
            partnerProbability: 0.5,
            required: [classes[0]!],
          });
          const counts = new Map<number, number>();
          for (const v of s.mask) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
          const want = [...counts]
            .filter(([, n]) => n >= 8)
            .map(([c]) => c)
            .sort((x, y) => x - y);
          expect(s.labels).toEqual(want);
          for (const v of counts.keys())
            expect(classes.includes(v) || v === shapeId(PARTNER[SHAPE_NAMES[classes[0]! - 1]!])).toBe(true);
          for (const v of s.image) expect(v >= 0 && v <= 1).toBe(true);
        },
      ),
      { numRuns: 60, seed: 3 },
    );
  });

  it('places the look-alike partner touching the required object', () => {
    let touching = 0;
    for (let seed = 0; seed < 20; seed++) {
      const ring = shapeId('ring');
      const circle = shapeId('circle');
      const s = generateScene(new Rng(seed), { classes: [], required: [ring], partnerProbability: 1 });
      let adjacent = false;
      for (let p = 0; p < 1024; p++)
        if (s.mask[p] === ring)
          for (const d of [1, -1, 32, -32]) if (s.mask[p + d] === circle) adjacent = true;
      if (adjacent) touching++;
    }
    expect(touching).toBeGreaterThanOrEqual(16);
  });

  it('rasterizes anti-aliased coverage in [0, 1] with partial pixels on edges', () => {
    for (const name of SHAPE_NAMES) {
      const c = rasterize(name, 12);
      expect(c.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(c.some((v) => v === 1)).toBe(true);
    }
    expect(rasterize('circle', 12).some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('builds settings with the right learner labels per step', () => {
    const s = SETTINGS['4-2-2-2']!;
    expect(knownLabels(s, 0)).toEqual([1, 2, 3, 4]);
    expect(newLabels(s, 2)).toEqual([7, 8]);
    const d = buildIncrementalData(s, { base: 20, step: 15, val: 5, test: 10 }, 2);
    expect(d.steps).toHaveLength(3);
    for (const m of d.base.masks) expect(m <= 4).toBe(true);
    // Every step image has at least one of its new classes; no future class in the disjoint protocol.
    d.steps.forEach((set, t) => {
      const fresh = newLabels(s, t + 1);
      for (let i = 0; i < set.n; i++) {
        expect(
          set.labels[i]!.some((c) => fresh.includes(c)) ||
            set.masks.subarray(i * 1024, i * 1024 + 1024).some((v) => fresh.includes(v)),
        ).toBe(true);
        for (const c of set.labels[i]!) expect(c).toBeLessThanOrEqual(Math.max(...fresh));
      }
    });
    const again = buildIncrementalData(s, { base: 20, step: 15, val: 5, test: 10 }, 2);
    expect(Array.from(again.test.masks)).toEqual(Array.from(d.test.masks));
    expect(() => buildIncrementalData(s, { base: 0, step: 1, val: 1, test: 1 }, 1)).toThrow(
      'buildIncrementalData: sizes.base must be a positive integer (got 0)',
    );
  });
});

describe('region proposals (SAM proxy)', () => {
  it('partition the image, are deterministic, and find most object boundaries', () => {
    let recall = 0;
    for (let seed = 0; seed < 10; seed++) {
      const s = generateScene(new Rng(seed), { classes: [1, 2, 3] });
      const a = felzenszwalb(s.image, 32, 32);
      const b = felzenszwalb(s.image, 32, 32);
      expect(Array.from(a.regions)).toEqual(Array.from(b.regions));
      expect(Math.max(...a.regions) + 1).toBe(a.count);
      const sizes = new Map<number, number>();
      for (const r of a.regions) sizes.set(r, (sizes.get(r) ?? 0) + 1);
      for (const n of sizes.values()) expect(n).toBeGreaterThanOrEqual(4);
      recall += boundaryRecall(a.regions, s.mask, 32, 32) / 10;
    }
    expect(recall).toBeGreaterThan(0.7);
  });

  it('a two-colour image splits into the two halves', () => {
    const img = new Float32Array(3 * 64);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 64; p++) img[c * 64 + p] = p % 8 < 4 ? 0 : 1;
    const { regions, count } = felzenszwalb(img, 8, 8);
    expect(count).toBe(2);
    expect(regions[0]).not.toBe(regions[7]);
    expect(() => felzenszwalb(img, 8, 9)).toThrow(
      'felzenszwalb: image must have 3·h·w = 216 values (got 192)',
    );
  });
});
