import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decode,
  type EncodedMatrix,
  EPS,
  hostile,
  matrixArb,
  readFixture,
  stridedViewArb,
} from '../../testing/src/index.js';
import {
  DomainError,
  from2D,
  gemm,
  Matrix,
  type NormKind,
  norm,
  norm1,
  norm2,
  normFrobenius,
  normInf,
  normMax,
} from '../src/index.js';

interface NormCase {
  name: string;
  a: EncodedMatrix;
  fro: number;
  one: number;
  inf: number;
  max: number;
}
const fixtures = readFixture<{ norms: NormCase[] }>('core/fixtures.json');

describe('norms against numpy / exact references', () => {
  it.each(fixtures.norms.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const a = decode(f.a);
    // Frobenius reference is correctly rounded; allow a few ulp for the summation.
    expect(Math.abs(normFrobenius(a) - f.fro)).toBeLessThanOrEqual(4 * EPS * f.fro);
    expect(Math.abs(norm1(a) - f.one)).toBeLessThanOrEqual(4 * a.rows * EPS * f.one);
    expect(Math.abs(normInf(a) - f.inf)).toBeLessThanOrEqual(4 * a.cols * EPS * f.inf);
    expect(normMax(a)).toBe(f.max);
  });
});

describe('norm inequalities (properties)', () => {
  const dims = fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }));
  it('‖A‖max ≤ ‖A‖F ≤ √(mn)·‖A‖max and the 1/∞ norms bound each other', () => {
    fc.assert(
      fc.property(
        dims.chain(([m, n]) => matrixArb(m, n, hostile)),
        (a) => {
          const fro = normFrobenius(a);
          const mx = normMax(a);
          const slack = 1 + 8 * EPS;
          expect(Number.isFinite(fro)).toBe(true);
          expect(mx).toBeLessThanOrEqual(fro * slack);
          expect(fro).toBeLessThanOrEqual(Math.sqrt(a.rows * a.cols) * mx * slack);
          expect(norm1(a)).toBeLessThanOrEqual(a.rows * normInf(a) * slack);
          expect(normInf(a)).toBeLessThanOrEqual(a.cols * norm1(a) * slack);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('submultiplicativity ‖AB‖ ≤ ‖A‖‖B‖ for F, 1 and ∞ norms', () => {
    fc.assert(
      fc.property(matrixArb(4, 5), matrixArb(5, 3), (a, b) => {
        const ab = gemm(a, b);
        for (const k of ['fro', '1', 'inf'] as NormKind[]) {
          expect(norm(ab, k)).toBeLessThanOrEqual(norm(a, k) * norm(b, k) * (1 + 16 * EPS) + 1e-300);
        }
      }),
    );
  });

  it('strided views give the same norms as their contiguous copies', () => {
    fc.assert(
      fc.property(stridedViewArb(6, 4), (v) => {
        const c = v.clone();
        expect(normFrobenius(v)).toBeCloseTo(normFrobenius(c), 12);
        expect(norm1(v)).toBe(norm1(c));
        expect(normInf(v)).toBe(normInf(c));
        expect(normMax(v)).toBe(normMax(c));
      }),
    );
  });
});

describe('norm edge cases', () => {
  it('NaN gives NaN, Infinity gives Infinity, empty gives 0', () => {
    const withNaN = from2D([
      [1, Number.NaN],
      [Number.POSITIVE_INFINITY, 2],
    ]);
    for (const f of [normFrobenius, norm1, normInf, normMax]) expect(f(withNaN)).toBeNaN();
    const withInf = from2D([[1, Number.NEGATIVE_INFINITY]]);
    for (const f of [normFrobenius, norm1, normInf, normMax])
      expect(f(withInf)).toBe(Number.POSITIVE_INFINITY);
    for (const f of [normFrobenius, norm1, normInf, normMax]) expect(f(new Matrix(0, 3))).toBe(0);
    expect(Math.abs(norm2(Float64Array.of(3e-320, 4e-320)) - 5e-320)).toBeLessThanOrEqual(2 * 5e-324);
    expect(norm2(Float64Array.of(3e300, 4e300))).toBe(5e300);
  });
  it('rejects an unknown norm kind', () => {
    expect(() => norm(new Matrix(1, 1), 'two' as NormKind)).toThrow(DomainError);
    expect(() => norm(new Matrix(1, 1), 'two' as NormKind)).toThrow(
      'norm: kind must be one of "fro", "1", "inf", "max" (got "two")',
    );
  });
});
