import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decode,
  type EncodedMatrix,
  EPS,
  matrixArb,
  maxAbsDiff,
  naiveGemm,
  readFixture,
  stridedViewArb,
} from '../../testing/src/index.js';
import {
  add,
  argmax,
  argmin,
  axpy,
  DomainError,
  div,
  dot,
  from2D,
  gemm,
  gemv,
  isAllFinite,
  Matrix,
  map,
  max,
  mean,
  min,
  mul,
  NonFiniteError,
  Rng,
  ShapeError,
  scal,
  scale,
  squaredDistances,
  sub,
  sum,
  syrk,
} from '../src/index.js';

const fixtures = readFixture<{ syrk: { a: EncodedMatrix; aat: EncodedMatrix; ata: EncodedMatrix }[] }>(
  'core/fixtures.json',
);

describe('level 1', () => {
  it('dot, axpy and scal compute what they say', () => {
    expect(dot(Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(5, 4, 3, 2, 1))).toBe(35);
    expect(Array.from(axpy(2, Float64Array.of(1, 2), Float64Array.of(10, 20)))).toEqual([12, 24]);
    expect(Array.from(scal(-1, Float64Array.of(1, -2)))).toEqual([-1, 2]);
  });
  it('reject mismatched lengths and non-finite scalars', () => {
    expect(() => dot(new Float64Array(2), new Float64Array(3))).toThrow(
      'dot: x and y must have the same length (got 2 and 3)',
    );
    expect(() => axpy(Number.NaN, new Float64Array(1), new Float64Array(1))).toThrow(NonFiniteError);
    expect(() => axpy(1, new Float64Array(1), new Float64Array(2))).toThrow(ShapeError);
  });
});

describe('gemv', () => {
  it('agrees with gemm on a column vector for random strided matrices, both orientations', () => {
    fc.assert(
      fc.property(stridedViewArb(6, 4), fc.boolean(), (a, trans) => {
        const n = trans ? a.rows : a.cols;
        const x = Float64Array.from({ length: n }, (_, i) => i - 1.5);
        const ref = naiveGemm(a, new Matrix(n, 1, x), { transA: trans });
        const y = gemv(a, x, { trans });
        expect(maxAbsDiff([Array.from(y)], [ref.map((r) => r[0]!)])).toBeLessThanOrEqual(1e-12);
      }),
    );
  });
  it('applies alpha and beta', () => {
    const y = Float64Array.of(1, 1);
    gemv(
      from2D([
        [1, 2],
        [3, 4],
      ]),
      Float64Array.of(1, 1),
      { alpha: 2, beta: 10, y },
    );
    expect(Array.from(y)).toEqual([16, 24]);
  });
  it('rejects wrong lengths', () => {
    expect(() => gemv(new Matrix(2, 3), new Float64Array(2))).toThrow(
      'gemv: x must have length 3 to multiply op(a) of shape 2x3 (got 2)',
    );
    expect(() => gemv(new Matrix(2, 3), new Float64Array(3), { y: new Float64Array(3) })).toThrow(
      'gemv: y must have length 2 (got 3)',
    );
    expect(() => gemv(new Matrix(2, 3), new Float64Array(3), { beta: 2 })).toThrow(DomainError);
  });
});

describe('syrk', () => {
  it('matches numpy A·Aᵀ and Aᵀ·A exactly on dyadic data', () => {
    for (const f of fixtures.syrk) {
      const a = decode(f.a);
      expect(Array.from(syrk(a).data)).toEqual(f.aat.data);
      expect(Array.from(syrk(a, { trans: true }).data)).toEqual(f.ata.data);
    }
  });
  it('is exactly symmetric and agrees with gemm on strided views', () => {
    fc.assert(
      fc.property(stridedViewArb(9, 5), (a) => {
        const g = syrk(a, { trans: true, alpha: 0.5 });
        const ref = gemm(a, a, { transA: true, alpha: 0.5 });
        expect(maxAbsDiff(g.toArray(), ref.toArray())).toBeLessThanOrEqual(64 * EPS * 100);
        expect(g.toArray()).toEqual(g.T.toArray());
      }),
    );
  });
  it('writes into a given c (contiguous, strided, or overlapping A) with the same bits', () => {
    const a = new Rng(4).normalMatrix(7, 5);
    const want = syrk(a, { trans: true });
    const c = new Matrix(5, 5, new Float64Array(25).fill(Number.NaN)); // old values are not read
    expect(syrk(a, { trans: true, c })).toBe(c);
    expect(Array.from(c.data)).toEqual(Array.from(want.data));
    const wide = new Matrix(5, 8, new Float64Array(40).fill(7));
    const view = Matrix.view(5, 5, wide.data, 2, 8, 1);
    syrk(a, { trans: true, c: view });
    expect(view.toArray()).toEqual(want.toArray());
    expect(wide.get(0, 0)).toBe(7); // outside the view: untouched
    const square = new Rng(5).normalMatrix(6, 6);
    const self = syrk(square);
    expect(Array.from(syrk(square, { c: square }).data)).toEqual(Array.from(self.data));
    expect(() => syrk(a, { trans: true, c: new Matrix(4, 5) })).toThrow('syrk: c must be 5x5 (got 4x5)');
  });
});

describe('elementwise and reductions', () => {
  const a = from2D([
    [1, -2, 3],
    [4, 5, -6],
  ]);
  it('elementwise ops', () => {
    const b = from2D([
      [2, 2, 2],
      [2, 2, 2],
    ]);
    expect(add(a, b).toArray()).toEqual([
      [3, 0, 5],
      [6, 7, -4],
    ]);
    expect(sub(a, b).toArray()).toEqual([
      [-1, -4, 1],
      [2, 3, -8],
    ]);
    expect(mul(a, b).toArray()).toEqual([
      [2, -4, 6],
      [8, 10, -12],
    ]);
    expect(div(a, b).toArray()).toEqual([
      [0.5, -1, 1.5],
      [2, 2.5, -3],
    ]);
    expect(scale(a, -1).get(1, 2)).toBe(6);
    expect(map(a, (x, i, j) => x + i + j).get(1, 2)).toBe(-3);
    expect(isAllFinite(a)).toBe(true);
    expect(isAllFinite(from2D([[Number.NaN]]))).toBe(false);
    expect(() => add(a, new Matrix(3, 2))).toThrow('add: a and b must have the same shape (got 2x3 and 3x2)');
  });
  it('reductions over all elements and along each axis', () => {
    expect(sum(a)).toBe(5);
    expect(Array.from(sum(a, 0))).toEqual([5, 3, -3]);
    expect(Array.from(sum(a, 1))).toEqual([2, 3]);
    expect(mean(a)).toBeCloseTo(5 / 6, 15);
    expect(Array.from(mean(a, 1))).toEqual([2 / 3, 1]);
    expect(max(a)).toBe(5);
    expect(min(a)).toBe(-6);
    expect(Array.from(max(a, 0))).toEqual([4, 5, 3]);
    expect(Array.from(argmax(a, 1))).toEqual([2, 1]);
    expect(Array.from(argmin(a, 0))).toEqual([0, 0, 1]);
    expect(Array.from(argmax(a.T, 0))).toEqual([2, 1]);
  });
  it('NaN wins in min/max/argmax; empty reductions are rejected', () => {
    const n = from2D([[1, Number.NaN, 3]]);
    expect(max(n)).toBeNaN();
    expect(Array.from(argmax(n, 1))).toEqual([1]);
    expect(() => mean(new Matrix(0, 2))).toThrow(
      'mean: cannot average over an empty dimension (matrix is 0x2)',
    );
    expect(() => argmax(new Matrix(2, 0), 1)).toThrow(
      'argmax: cannot reduce over an empty dimension (matrix is 2x0)',
    );
    expect(() => sum(a, 2 as 0)).toThrow('sum: axis must be 0, 1 or omitted (got 2)');
  });
  it('sum along an axis agrees with the total (property)', () => {
    fc.assert(
      fc.property(matrixArb(4, 3), (m) => {
        const total = sum(m);
        expect(Math.abs(Array.from(sum(m, 0)).reduce((x, y) => x + y, 0) - total)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });
});

describe('squaredDistances', () => {
  it('matches the naive sum of squared differences (views included), never negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (m, n, d, seed) => {
          const rng = new Rng(seed);
          const a = rng.normalMatrix(m, d);
          const b = rng.normalMatrix(d, n).T; // a strided view
          const got = squaredDistances(a, b);
          expect(got.rows).toBe(m);
          expect(got.cols).toBe(n);
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let c = 0; c < d; c++) s += (a.get(i, c) - b.get(j, c)) ** 2;
              expect(got.get(i, j)).toBeGreaterThanOrEqual(0);
              expect(Math.abs(got.get(i, j) - s)).toBeLessThanOrEqual(1e-12 * (1 + s) * d);
            }
        },
      ),
      { numRuns: 100, seed: 5 },
    );
  });

  it('rejects rows of different lengths', () => {
    expect(() => squaredDistances(new Matrix(2, 3), new Matrix(2, 4))).toThrow(
      'squaredDistances: rows of a have 3 entries but rows of b have 4',
    );
  });
});
