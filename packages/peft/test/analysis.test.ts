import { Matrix, NonFiniteError, Rng, ShapeError } from '@numts/core';
import { Linear, Sequential } from '@numts/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adaptersOf,
  injectAdapters,
  type LoraDashAdapter,
  selectDirections,
  singularSpectrum,
  subspaceSimilarity,
  taskSpecificDirections,
} from '../src/index.js';
import { readJson } from './fixtures.js';

interface Fixtures {
  tsd: {
    W: number[];
    dW: number[];
    shape: [number, number];
    s: number;
    sigma: number[];
    rates: number[];
    indices: number[];
  };
  subspace: {
    U1: number[];
    U2: number[];
    rows: number;
    k1: number;
    k2: number;
    angles: number[];
    similarity: number;
  };
  spectrum: {
    M: number[];
    shape: [number, number];
    values: number[];
    stableRank: number;
    effectiveRank: number;
    rank: number;
  };
}
const fx = readJson<Fixtures>('fixtures.json');
const mat = (v: number[], r: number, c: number) => new Matrix(r, c, Float64Array.from(v));

describe('taskSpecificDirections', () => {
  it('matches numpy: σ, change rates |uᵢᵀΔWvᵢ|/σᵢ and the top-s indices', () => {
    const { W, dW, shape, s } = fx.tsd;
    const res = taskSpecificDirections(mat(W, ...shape), mat(dW, ...shape), s);
    res.sigma.forEach((v, i) => {
      expect(v).toBeCloseTo(fx.tsd.sigma[i]!, 12);
    });
    res.rates.forEach((v, i) => {
      expect(Math.abs(v - fx.tsd.rates[i]!)).toBeLessThan(1e-12);
    });
    expect(Array.from(res.indices)).toEqual(fx.tsd.indices);
  });

  it('property: the selected indices equal a brute-force top-k of δᵢ computed from the vectors it returns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 0, max: 10_000 }),
        (m, n, seed) => {
          const rng = new Rng(seed);
          const w = rng.normalMatrix(m, n);
          const dw = rng.normalMatrix(m, n, 0.1);
          const k = Math.min(m, n);
          const s = 1 + (seed % k);
          const res = taskSpecificDirections(w, dw, s);
          // Brute force: δᵢ from explicit loops over every direction, then a full sort.
          const all = selectDirections(w, dw, k, 'top-sigma');
          const brute: number[] = [];
          for (let i = 0; i < k; i++) {
            let c = 0;
            for (let r = 0; r < m; r++)
              for (let q = 0; q < n; q++) c += all.u[r * k + i]! * dw.get(r, q) * all.vt[i * n + q]!;
            brute.push(Math.abs(c) / res.sigma[i]!);
          }
          const order = brute.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
          const gap = s < k ? order[s - 1]![0] - order[s]![0] : 1;
          if (gap < 1e-9) return true; // a numerical tie: either choice is a top-k
          return order.slice(0, s).every(([, i], j) => i === res.indices[j]);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it('returns U_s and V_sᵀ as the selected singular vectors (the coordinates of W on them are σ)', () => {
    const rng = new Rng(3);
    const w = rng.normalMatrix(6, 4);
    const res = taskSpecificDirections(w, rng.normalMatrix(6, 4), 2);
    for (let j = 0; j < 2; j++) {
      let c = 0;
      for (let r = 0; r < 6; r++)
        for (let q = 0; q < 4; q++) c += res.u[r * 2 + j]! * w.get(r, q) * res.vt[j * 4 + q]!;
      expect(c).toBeCloseTo(res.sigma[res.indices[j]!]!, 12);
    }
  });

  it('gives null directions of a rank-deficient W rate 0, and rejects bad input', () => {
    const w = new Matrix(3, 3, Float64Array.from([1, 0, 0, 0, 2, 0, 0, 0, 0]));
    const dw = new Matrix(3, 3, Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, 5]));
    const res = taskSpecificDirections(w, dw, 1);
    expect(res.rates[2]).toBe(0);
    expect(() => taskSpecificDirections(w, new Matrix(2, 3), 1)).toThrow(ShapeError);
    expect(() => taskSpecificDirections(w, dw, 4)).toThrow(
      'taskSpecificDirections: s must be an integer in [1, 3] (got 4)',
    );
    const bad = dw.clone();
    bad.set(0, 0, Number.NaN);
    expect(() => taskSpecificDirections(w, bad, 1)).toThrow(NonFiniteError);
  });

  it('ablation selections: top-σ, bottom-σ and random pick what they say', () => {
    const rng = new Rng(4);
    const w = rng.normalMatrix(7, 5);
    const dw = rng.normalMatrix(7, 5);
    expect(Array.from(selectDirections(w, dw, 2, 'top-sigma').indices)).toEqual([0, 1]);
    expect(Array.from(selectDirections(w, dw, 2, 'bottom-sigma').indices)).toEqual([4, 3]);
    const r1 = selectDirections(w, dw, 3, 'random', 11).indices;
    expect(new Set(r1).size).toBe(3);
    expect(Array.from(selectDirections(w, dw, 3, 'random', 11).indices)).toEqual(Array.from(r1));
  });

  it("LoRA-Dash's random ablation draws other directions for other seeds and other layers", () => {
    // Selected at construction (preLaunchSteps 0), so the draw depends on the seeds alone.
    const drawn = (seed: number) => {
      const model = new Sequential(new Linear(24, 24, { seed: 1 }), new Linear(24, 24, { seed: 2 }));
      injectAdapters(model, {
        method: 'lora-dash',
        targetModules: ['0', '1'],
        rank: 2,
        dashDirections: 4,
        preLaunchSteps: 0,
        dashSelection: 'random',
        seed,
      });
      return adaptersOf(model).map(([, a]) => Array.from((a as LoraDashAdapter).selected).join(','));
    };
    const [seed0Layer0, seed0Layer1] = drawn(0);
    const [seed7Layer0] = drawn(7);
    expect(seed0Layer0).not.toBe(seed0Layer1);
    expect(seed7Layer0).not.toBe(seed0Layer0);
    expect(drawn(0)).toEqual([seed0Layer0, seed0Layer1]);
  });
});

describe('subspaceSimilarity', () => {
  it('matches scipy.linalg.subspace_angles', () => {
    const { U1, U2, rows, k1, k2, angles, similarity } = fx.subspace;
    const res = subspaceSimilarity(mat(U1, rows, k1), mat(U2, rows, k2));
    res.angles.forEach((a, i) => {
      expect(Math.abs(a - angles[i]!)).toBeLessThan(1e-10);
    });
    expect(res.similarity).toBeCloseTo(similarity, 12);
  });

  it('is 1 for the same subspace in another basis, 0 for orthogonal ones', () => {
    const rng = new Rng(5);
    const u = rng.normalMatrix(6, 2);
    const mixed = new Matrix(6, 2);
    for (let r = 0; r < 6; r++) {
      mixed.set(r, 0, u.get(r, 0) + 2 * u.get(r, 1));
      mixed.set(r, 1, -u.get(r, 0) + 0.5 * u.get(r, 1));
    }
    expect(subspaceSimilarity(u, mixed).similarity).toBeCloseTo(1, 12);
    const e1 = new Matrix(3, 1, Float64Array.from([1, 0, 0]));
    const e2 = new Matrix(3, 1, Float64Array.from([0, 1, 0]));
    expect(subspaceSimilarity(e1, e2).similarity).toBe(0);
    expect(subspaceSimilarity(e1, e2).angles[0]).toBeCloseTo(Math.PI / 2, 14);
    expect(() => subspaceSimilarity(e1, new Matrix(4, 1))).toThrow(
      'subspaceSimilarity: U1 and U2 must have the same number of rows (got 3 and 4)',
    );
  });
});

describe('singularSpectrum', () => {
  it('matches numpy on a rank-3 matrix', () => {
    const { M, shape, values, stableRank, effectiveRank, rank } = fx.spectrum;
    const res = singularSpectrum(mat(M, ...shape));
    res.values.forEach((v, i) => {
      expect(Math.abs(v - values[i]!)).toBeLessThan(1e-12 * values[0]!);
    });
    expect(res.rank).toBe(rank);
    expect(res.stableRank).toBeCloseTo(stableRank, 10);
    expect(res.effectiveRank).toBeCloseTo(effectiveRank, 6);
    expect(res.cumulativeEnergy[res.cumulativeEnergy.length - 1]).toBeCloseTo(1, 14);
  });

  it('reports zeros for a zero update', () => {
    const res = singularSpectrum(new Matrix(3, 4));
    expect([res.rank, res.stableRank, res.effectiveRank]).toEqual([0, 0, 0]);
  });
});
