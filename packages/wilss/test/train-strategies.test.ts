/**
 * Each step method's targets on a hand-made 4×4 loss grid (p = 16), and the trainer's contract:
 * the methods reach the model through its public API only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { camOldTargets, newClassTargets, pseudoLabels } from '../src/index.js';

const P = 16;
/** A 4×4 grid from rows of text: one digit per pixel. */
const grid = (rows: string[]) => Uint8Array.from(rows.join(''), Number);
/** Channel c of image 0 of targets [1, k, p] as 4 rows of text (values × 10, rounded). */
const channel = (t: ArrayLike<number>, c: number) =>
  Array.from({ length: 4 }, (_, y) =>
    Array.from({ length: 4 }, (_, x) => Math.round(10 * t[c * P + y * 4 + x]!)).join(' '),
  );

describe('step targets on a 4×4 example (background 0, old class 1, new classes 2 and 3)', () => {
  // An old object (class 1) top-left, a new object (class 2) bottom-right, a new class 3 pixel.
  const mask = grid(['1100', '1100', '0022', '0322']);

  it('FT-pixel: one-hot of the new classes, the old class taught as background', () => {
    const t = newClassTargets(mask, 2, 4, P);
    expect(channel(t, 0)).toEqual(['10 10 10 10', '10 10 10 10', '10 10 0 0', '10 0 0 0']);
    expect(channel(t, 1)).toEqual(['0 0 0 0', '0 0 0 0', '0 0 0 0', '0 0 0 0']);
    expect(channel(t, 2)).toEqual(['0 0 0 0', '0 0 0 0', '0 0 10 10', '0 0 10 10']);
    expect(channel(t, 3)).toEqual(['0 0 0 0', '0 0 0 0', '0 0 0 0', '0 10 0 0']);
  });

  it('CAM+old: old scores kept, the CAM class 1, background min(ω₀, no CAM class)', () => {
    // Old model: class 1 with 0.8 on the old object, background 0.9 elsewhere.
    const omega = new Float32Array(2 * P);
    for (let q = 0; q < P; q++) {
      const old = mask[q] === 1;
      omega[q] = old ? 0.2 : 0.9;
      omega[P + q] = old ? 0.8 : 0.1;
    }
    // CAM finds class 2 on the new object and spills onto one old pixel (row 1, column 1).
    const cam = grid(['0000', '0200', '0022', '0022']);
    const t = camOldTargets(omega, cam, 2, 4, P);
    expect(channel(t, 0)).toEqual(['2 2 9 9', '2 0 9 9', '9 9 0 0', '9 9 0 0']);
    expect(channel(t, 1)).toEqual(['8 8 1 1', '8 8 1 1', '1 1 1 1', '1 1 1 1']);
    expect(channel(t, 2)).toEqual(['0 0 0 0', '0 10 0 0', '0 0 10 10', '0 0 10 10']);
    expect(channel(t, 3)).toEqual(['0 0 0 0', '0 0 0 0', '0 0 0 0', '0 0 0 0']);
  });

  // WILSON and TME-lite: localizer maps m (softmax over bg, old, new 2, new 3) that claim class 2
  // on the new object and, wrongly, on the old object's top-left pixel; class 3 is absent.
  const omega = new Float32Array(2 * P);
  const m = new Float32Array(4 * P);
  for (let q = 0; q < P; q++) {
    const old = mask[q] === 1;
    omega[q] = old ? 0.1 : 0.9;
    omega[P + q] = old ? 0.9 : 0.1;
    const seeded = mask[q] === 2 || q === 0;
    m[q] = seeded ? 0.05 : 0.8;
    m[P + q] = seeded ? 0.05 : 0.1;
    m[2 * P + q] = seeded ? 0.9 : 0.05;
    m[3 * P + q] = seeded ? 0 : 0.05;
  }
  const present = Float32Array.from([0, 0, 1, 0]);
  const inputs = { n: 1, k: 4, kOld: 2, p: P, omega, m, present };

  it('WILSON: the seed wins on the old object (its conflict pixel goes to the new class)', () => {
    // Seeded pixels: new 2 = ½·1 + ½·0.9 = 0.95 > ω₁ = 0.9 on the conflict pixel; elsewhere the old
    // scores or the background min(ω₀, ½·1 + ½·m₀) win; the absent class 3 gets nothing.
    const w = pseudoLabels(inputs);
    expect(Array.from(w.conflict)).toEqual(Array.from(grid(['1000', '0000', '0000', '0000'])));
    expect(Array.from(w.hard)).toEqual(Array.from(grid(['2100', '1100', '0022', '0022'])));
    // 0.95 (0.949999… in float32) shows as 9; the unseeded 0.025 as 0.
    expect(channel(w.targets, 2)).toEqual(['9 0 0 0', '0 0 0 0', '0 0 9 9', '0 0 9 9']);
    expect(w.targets[2 * P]).toBeCloseTo(0.95, 6);
    expect(channel(w.targets, 3)).toEqual(['0 0 0 0', '0 0 0 0', '0 0 0 0', '0 0 0 0']); // absent class
    expect(w.keep[0]).toBe(1);
  });

  it('TME-lite (pixel rule): the old tendency keeps the conflict pixel old', () => {
    const t = pseudoLabels(inputs, { pixel: true });
    expect(Array.from(t.hard)).toEqual(Array.from(grid(['1100', '1100', '0022', '0022'])));
    for (let q = 0; q < P; q++)
      expect(t.targets[2 * P + q]! + t.targets[P + q]!).toBeLessThanOrEqual(1 + 1e-6);
  });
});

describe('the methods use the model through its public API', () => {
  it('no file of the trainer casts the model to reach its fields', () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'train');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/as unknown as|\]\s*as\s+Module|\[['"](e\d|n\d|d\d|classifier)['"]\]/);
    }
  });
});
