import { eye, gemm, Matrix, NonFiniteError, Rng, ShapeError, Tensor } from '@numts/core';
import { assertAllClose, readFixture } from '@numts/testing';
import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  cp,
  fold,
  hosvd,
  khatriRao,
  kronecker,
  modeProduct,
  multiModeProduct,
  qr,
  reconstructCp,
  reconstructTt,
  reconstructTucker,
  tensorInner,
  tensorNorm,
  ttSvd,
  tucker,
  unfold,
  verifyCp,
  verifyTucker,
} from '../src/index.js';

interface Labelled {
  shape: number[];
  data: number[];
  tensorly: number[][];
  kolda: number[][];
  modeProducts: { mode: number; m: number[]; mRows: number; shape: number[]; out: number[] }[];
}
interface TuckerCase {
  name: string;
  shape: number[];
  data: number[];
  ranks: number[];
  hosvdError: number;
  hosvdCoreNorm: number;
  hooiErrors: number[];
  hooiCoreNorm: number;
}
const fixtures = readFixture<{ labelled: Labelled[]; tucker: TuckerCase[] }>('tensors/fixtures.json');
const EPS = 2 ** -52;

function randomTensor(rng: Rng, shape: number[]): Tensor<Float64Array> {
  return new Tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

/** A tensor of exact multilinear rank `ranks` with orthonormal factors. */
function plantedTucker(
  rng: Rng,
  shape: number[],
  ranks: number[],
): { x: Tensor<Float64Array>; factors: Matrix[] } {
  const core = randomTensor(rng, ranks);
  const factors = shape.map((i, n) => qr(rng.normalMatrix(i, ranks[n]!)).q!);
  return { x: reconstructTucker(core, factors), factors };
}

describe('unfold / fold against numpy', () => {
  it.each(fixtures.labelled.map((l) => [l.shape.join('x'), l] as const))('%s', (_s, l) => {
    const x = new Tensor(Float64Array.from(l.data), l.shape);
    l.shape.forEach((_, n) => {
      expect(Array.from(unfold(x, n).data)).toEqual(l.tensorly[n]);
      expect(Array.from(unfold(x, n, { order: 'kolda' }).data)).toEqual(l.kolda[n]);
      expect(Array.from(fold(unfold(x, n, { order: 'kolda' }), n, l.shape, { order: 'kolda' }).data)).toEqual(
        l.data,
      );
    });
    for (const p of l.modeProducts) {
      const m = new Matrix(p.mRows, l.shape[p.mode]!, Float64Array.from(p.m));
      const y = modeProduct(x, m, p.mode);
      expect(y.shape).toEqual(p.shape);
      expect(Array.from(y.data)).toEqual(p.out); // dyadic inputs: exact
    }
  });

  it('the TensorLy check value', () => {
    const x = new Tensor(
      Float64Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    expect(unfold(x, 1).toArray()[0]).toEqual([0, 1, 2, 3, 12, 13, 14, 15]);
    expect(unfold(x, 1, { order: 'kolda' }).toArray()[0]).toEqual([0, 12, 1, 13, 2, 14, 3, 15]);
  });
});

const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 6 });

describe('unfold / mode product properties', () => {
  it('fold(unfold(T, n), n) = T for every mode, both orders, on strided views and ndarrays', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), (shape, seed) => {
        const rng = new Rng(seed);
        const t = randomTensor(rng, shape);
        const view = t.transpose(...shape.map((_, i) => shape.length - 1 - i)); // strided
        const nd = ndarray(view.data, [...view.shape], [...view.stride], view.offset);
        for (let n = 0; n < shape.length; n++) {
          for (const order of ['tensorly', 'kolda'] as const) {
            expect(Array.from(fold(unfold(view, n, { order }), n, [...view.shape], { order }).data)).toEqual(
              view.toFlatArray(),
            );
            expect(Array.from(unfold(nd, n, { order }).data)).toEqual(
              Array.from(unfold(view, n, { order }).data),
            );
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('modeProduct agrees with unfold–gemm–fold, and multiModeProduct with repeated modeProduct', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), fc.boolean(), (shape, seed, transpose) => {
        const rng = new Rng(seed);
        const t = randomTensor(rng, shape);
        for (let n = 0; n < shape.length; n++) {
          const m = transpose ? rng.normalMatrix(shape[n]!, 3) : rng.normalMatrix(3, shape[n]!);
          const y = modeProduct(t, m, n, { transpose });
          const newShape = [...shape];
          newShape[n] = 3;
          const ref = fold(gemm(m, unfold(t, n), { transA: transpose }), n, newShape);
          expect(y.shape).toEqual(newShape);
          assertAllClose(y.data, ref.data, { abs: 1e-12, rel: 1e-12 }, `mode ${n}`);
        }
        const ms = shape.map((s) => rng.normalMatrix(2, s));
        let step = t;
        ms.forEach((m, n) => {
          step = modeProduct(step, m, n);
        });
        const all = multiModeProduct(t, ms);
        assertAllClose(all.data, step.data, { abs: 1e-12, rel: 1e-12 }, 'multiModeProduct');
      }),
      { numRuns: 30 },
    );
  });

  it('khatriRao and kronecker satisfy unfold(CP) = A₀·KR(rest)ᵀ and (A⊗B)(C⊗D) = AC⊗BD', () => {
    const rng = new Rng(9);
    const factors = [rng.normalMatrix(3, 2), rng.normalMatrix(4, 2), rng.normalMatrix(5, 2)];
    const x = reconstructCp(undefined, factors);
    const viaKr = gemm(factors[1]!, khatriRao(factors, { skip: 1 }), { transB: true });
    const u = unfold(x, 1);
    assertAllClose(u.data, viaKr.data, { abs: 1e-12 }, 'unfold vs Khatri–Rao');
    const [a, b, c, d] = [
      rng.normalMatrix(2, 3),
      rng.normalMatrix(2, 2),
      rng.normalMatrix(3, 2),
      rng.normalMatrix(2, 2),
    ];
    const lhs = gemm(kronecker(a, b), kronecker(c, d));
    const rhs = kronecker(gemm(a, c), gemm(b, d));
    assertAllClose(lhs.data, rhs.data, { abs: 1e-12 }, 'mixed product');
    expect(tensorInner(x, x)).toBeCloseTo(tensorNorm(x) ** 2, 10);
  });
});

describe('Tucker', () => {
  it.each(fixtures.tucker.map((c) => [c.name, c] as const))('HOSVD and HOOI match numpy on %s', (_n, c) => {
    const x = new Tensor(Float64Array.from(c.data), c.shape);
    const h = hosvd(x, c.ranks);
    const coreNorm = tensorNorm(h.core);
    // The error formula √|‖X‖² − ‖core‖²|/‖X‖ has a floor near √ε: compare within it.
    const xn = tensorNorm(x);
    const hosvdError = Math.sqrt(Math.abs(xn * xn - coreNorm * coreNorm)) / xn;
    expect(Math.abs(hosvdError - c.hosvdError)).toBeLessThan(
      Math.max(4 * Math.sqrt(EPS), 1e-10 * c.hosvdError),
    );
    expect(Math.abs(coreNorm - c.hosvdCoreNorm)).toBeLessThan(1e-12 * c.hosvdCoreNorm);
    const t = tucker(x, c.ranks, { svd: 'direct' });
    expect(t.iterations).toBe(c.hooiErrors.length);
    // Below ~1e-7 both error histories are rounding noise of the formula (its floor is about √ε).
    assertAllClose(t.errors, c.hooiErrors, { abs: 4 * Math.sqrt(EPS), rel: 1e-9 }, 'HOOI errors');
    const g = tucker(x, c.ranks); // Gram route
    expect(Math.abs(tensorNorm(g.core) - c.hooiCoreNorm)).toBeLessThan(1e-8 * c.hooiCoreNorm);
  });

  it('recovers a planted multilinear-rank tensor (+1e-10 noise) to < 1e-8 with orthonormal factors', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 4, max: 9 }), { minLength: 3, maxLength: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        (shape, seed) => {
          const rng = new Rng(seed);
          const ranks = shape.map((s) => 1 + (seed % Math.min(3, s)));
          const { x } = plantedTucker(rng, shape, ranks);
          // Noise of relative size 1e-10: ‖noise‖ ≈ 1e-10·‖X‖.
          const sd = (1e-10 * tensorNorm(x)) / Math.sqrt(x.data.length);
          const noisy = new Tensor(
            x.data.map((v) => v + sd * rng.normal()),
            shape,
          );
          const model = tucker(noisy, ranks);
          const report = verifyTucker(x, model, { maxRelativeError: 1e-8 });
          expect(report.ok, JSON.stringify(report)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('HOOI error never increases across sweeps (beyond the √ε floor of its formula)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const rng = new Rng(seed);
        const x = randomTensor(rng, [6, 7, 5]);
        const { errors } = tucker(x, [2, 3, 2], { tol: 0, maxIter: 15 });
        for (let i = 1; i < errors.length; i++)
          expect(errors[i]!).toBeLessThanOrEqual(errors[i - 1]! + 4 * Math.sqrt(EPS));
      }),
      { numRuns: 25 },
    );
  });

  it('rejects ranks out of range and non-finite data', () => {
    const x = randomTensor(new Rng(1), [3, 4, 5]);
    expect(() => tucker(x, [2, 5, 2])).toThrow(ShapeError);
    expect(() => tucker(x, [2, 5, 2])).toThrow(
      'tucker: ranks[1] must be an integer in [1, 4] (the size of mode 1) (got 5)',
    );
    expect(() => hosvd(x, [2, 2])).toThrow(
      'hosvd: ranks must be a number or an array with one rank per mode (3) (got [2,2])',
    );
    const bad = new Tensor(
      Float64Array.from(x.data, (v, i) => (i === 7 ? Number.NaN : v)),
      [3, 4, 5],
    );
    expect(() => tucker(bad, 2)).toThrow(NonFiniteError);
    expect(() => tucker(bad, 2)).toThrow('tucker: x must be finite (element 7 in C order is NaN)');
    expect(() => unfold(x, 3)).toThrow('unfold: mode must be an integer in [0, 2] (got 3)');
    expect(() => modeProduct(x, eye(3), 1)).toThrow(
      'modeProduct: m must have 4 columns to multiply a mode of size 4 (got 3x3)',
    );
  });
});

describe('CP', () => {
  /** Factor congruence up to permutation and scale: best matching of normalised columns. */
  function congruence(a: Matrix[], b: Matrix[]): number {
    const r = a[0]!.cols;
    const unit = (m: Matrix, k: number) => {
      let s = 0;
      for (let i = 0; i < m.rows; i++) s += m.get(i, k) ** 2;
      return Array.from({ length: m.rows }, (_, i) => m.get(i, k) / Math.sqrt(s));
    };
    const score = (i: number, j: number) =>
      a.reduce((p, fa, n) => {
        const x = unit(fa, i);
        const y = unit(b[n]!, j);
        return p * Math.abs(x.reduce((s, v, t) => s + v * y[t]!, 0));
      }, 1);
    // Greedy matching is enough for well-separated planted components.
    const used = new Set<number>();
    let worst = 1;
    for (let i = 0; i < r; i++) {
      let best = -1;
      let bj = -1;
      for (let j = 0; j < r; j++) {
        if (used.has(j)) continue;
        const s = score(i, j);
        if (s > best) {
          best = s;
          bj = j;
        }
      }
      used.add(bj);
      worst = Math.min(worst, best);
    }
    return worst;
  }

  it('recovers a planted rank-R tensor from several seeds (error < 1e-6, congruence > 0.99)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = new Rng(seed);
      const shape = [8, 9, 10];
      const truth = shape.map((s) => rng.normalMatrix(s, 3));
      const x = reconstructCp(undefined, truth);
      const model = cp(x, 3, { seed, tol: 1e-14, maxIter: 500 });
      expect(verifyCp(x, model, { maxRelativeError: 1e-6 }).ok).toBe(true);
      expect(congruence(model.factors, truth)).toBeGreaterThan(0.99);
      const normalized = cp(x, 3, { seed, tol: 1e-14, maxIter: 500, normalize: true });
      expect(verifyCp(x, normalized).relativeError).toBeLessThan(1e-6);
    }
  });

  it('non-negative CP keeps factors ≥ 0 and fits non-negative planted data', () => {
    const rng = new Rng(7);
    const truth = [6, 7, 8].map((s) => rng.uniformMatrix(s, 2));
    const x = reconstructCp(undefined, truth);
    const model = cp(x, 2, { nonnegative: true, maxIter: 2000, tol: 1e-12 });
    for (const a of model.factors) expect(a.data.every((v) => v >= 0)).toBe(true);
    expect(verifyCp(x, model).relativeError).toBeLessThan(1e-3);
    expect(() =>
      cp(new Tensor(Float64Array.of(-1, 1, 1, 1, 1, 1, 1, 1), [2, 2, 2]), 1, { nonnegative: true }),
    ).toThrow('cp: nonnegative CP needs x ≥ 0 (element 0 in C order is -1)');
  });
});

describe('tensor train', () => {
  it('respects its eps bound and is exact for low TT rank', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2, max: 5 }), { minLength: 3, maxLength: 5 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom(1e-1, 1e-3, 1e-8),
        (shape, seed, eps) => {
          const x = randomTensor(new Rng(seed), shape);
          const { cores, ranks } = ttSvd(x, { eps });
          const xh = reconstructTt(cores);
          let diff = 0;
          for (let i = 0; i < x.data.length; i++) diff += (x.data[i]! - xh.data[i]!) ** 2;
          expect(Math.sqrt(diff)).toBeLessThanOrEqual(eps * tensorNorm(x) * (1 + 1e-10) + 1e-12);
          expect(ranks[0]).toBe(1);
          expect(ranks[ranks.length - 1]).toBe(1);
        },
      ),
      { numRuns: 40 },
    );
    const rng = new Rng(3);
    const { x } = plantedTucker(rng, [5, 6, 7], [1, 1, 1]);
    const tt = ttSvd(x, { ranks: [1, 1] });
    expect(tt.ranks).toEqual([1, 1, 1, 1]);
    const xh = reconstructTt(tt.cores);
    assertAllClose(xh.data, x.data, { abs: 1e-12 }, 'TT reconstruction');
  });
});
