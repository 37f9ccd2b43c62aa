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
  wellScaled,
} from '../../testing/src/index.js';
import {
  DomainError,
  from2D,
  gemm,
  gemm32,
  Matrix,
  Matrix32,
  matmul,
  NonFiniteError,
  ShapeError,
} from '../src/index.js';
import { gemmPacked, gemmSmall, KC, MC, MR, NC, NR } from '../src/kernels/gemm.js';

interface GemmCase {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  a: EncodedMatrix;
  b: EncodedMatrix;
  c: EncodedMatrix;
  out: EncodedMatrix;
}

const fixtures = readFixture<{ gemm: GemmCase[] }>('core/fixtures.json');

describe('gemm against numpy fixtures', () => {
  it('matches every case exactly (dyadic inputs make the product exact)', () => {
    expect(fixtures.gemm.length).toBeGreaterThan(30);
    for (const f of fixtures.gemm) {
      const c = decode(f.c);
      const out = gemm(decode(f.a), decode(f.b), {
        transA: f.transA,
        transB: f.transB,
        alpha: f.alpha,
        beta: f.beta,
        c,
      });
      expect(out).toBe(c);
      expect(Array.from(out.data), `case ${f.m}x${f.n}x${f.k} tA=${f.transA} tB=${f.transB}`).toEqual(
        f.out.data,
      );
    }
  });
});

/** Tolerance of a dot product of length k with entries ≤ 10: γ_k·Σ|a||b| ≤ k·ε·k·100. */
const tol = (k: number) => 4 * (k + 1) * EPS * (k + 1) * 100;

const dims = fc.record({
  m: fc.integer({ min: 0, max: 23 }),
  n: fc.integer({ min: 0, max: 23 }),
  k: fc.integer({ min: 0, max: 23 }),
});

describe('gemm properties', () => {
  it('agrees with a naive triple loop for random shapes, transposes, alpha and beta', () => {
    fc.assert(
      fc.property(
        dims.chain(({ m, n, k }) =>
          fc
            .record({
              transA: fc.boolean(),
              transB: fc.boolean(),
              alpha: wellScaled,
              beta: fc.oneof(fc.constant(0), wellScaled),
            })
            .chain((o) =>
              fc.record({
                o: fc.constant(o),
                k: fc.constant(k),
                a: o.transA ? stridedViewArb(k, m) : stridedViewArb(m, k),
                b: o.transB ? stridedViewArb(n, k) : stridedViewArb(k, n),
                c: stridedViewArb(m, n),
              }),
            ),
        ),
        ({ o, k, a, b, c }) => {
          const expected = naiveGemm(a, b, { ...o, c });
          const out = gemm(a, b, { ...o, c });
          expect(out).toBe(c);
          expect(maxAbsDiff(out.toArray(), expected)).toBeLessThanOrEqual(tol(k));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('packed and small kernels agree with the naive loop across tile, block and panel edges', () => {
    // Sizes straddle MR, NR, MC, KC and NC so every edge case of the packing is exercised.
    const sizes = fc.record({
      m: fc.constantFrom(1, MR - 1, MR + 1, MC - 1, MC + 3, 2 * MC + 1),
      n: fc.constantFrom(1, NR + 1, 7, NC + 1),
      k: fc.constantFrom(1, 3, KC - 1, KC + 5),
    });
    fc.assert(
      fc.property(sizes, fc.integer({ min: 0, max: 2 ** 31 }), ({ m, n, k }, seed) => {
        if (m * n * k > 3e6) return; // keep the naive reference cheap
        let s = seed;
        const rnd = () => {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          return (s % 2001) / 100 - 10;
        };
        const a = new Matrix(m, k, Float64Array.from({ length: m * k }, rnd));
        const b = new Matrix(k, n, Float64Array.from({ length: k * n }, rnd));
        const expected = naiveGemm(a, b, {});
        for (const kernel of [gemmPacked, gemmSmall]) {
          const c = new Matrix(m, n);
          kernel(m, n, k, 1, a.data, 0, k, 1, b.data, 0, n, 1, c.data, 0, n, 1);
          expect(maxAbsDiff(c.toArray(), expected)).toBeLessThanOrEqual(tol(k));
        }
      }),
      { numRuns: 25 },
    );
  });

  it('alpha = 0 ignores A and B, beta = 0 ignores NaN in C', () => {
    const a = from2D([[Number.NaN, 1]]);
    const b = from2D([[1], [Number.POSITIVE_INFINITY]]);
    const c = from2D([[2]]);
    expect(gemm(a, b, { alpha: 0, beta: 3, c }).get(0, 0)).toBe(6);
    const d = from2D([[Number.NaN]]);
    expect(gemm(from2D([[1, 2]]), from2D([[3], [4]]), { c: d }).get(0, 0)).toBe(11);
  });

  it('propagates NaN from the operands', () => {
    expect(Number.isNaN(matmul(from2D([[Number.NaN, 1]]), from2D([[1], [1]])).get(0, 0))).toBe(true);
  });

  it('is safe when C aliases an operand', () => {
    fc.assert(
      fc.property(matrixArb(5, 5), (a) => {
        const expected = naiveGemm(a, a, { c: a, beta: 1 });
        const c = a.clone();
        gemm(c, c, { c, beta: 1 });
        expect(maxAbsDiff(c.toArray(), expected)).toBeLessThanOrEqual(tol(5));
      }),
    );
  });

  it('takes operands and C from windows of one matrix, overlapping or not', () => {
    // Windows (rows r, cols c, size h×w) of one 12×12 buffer: C overwrites its window only, and
    // reads of A and B see the values before the product whether or not they share rows or columns.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        (ar, ac, br, bc, cr, cc, k, transB) => {
          const base = new Matrix(
            12,
            12,
            Float64Array.from({ length: 144 }, (_, i) => Math.sin(i + 1)),
          );
          const before = base.clone();
          const m = 6;
          const n = 6;
          const a = base.slice(ar, ar + m, ac, ac + k);
          const b = transB ? base.slice(br, br + n, bc, bc + k) : base.slice(br, br + k, bc, bc + n);
          const c = base.slice(cr, cr + m, cc, cc + n);
          const want = naiveGemm(
            before.slice(ar, ar + m, ac, ac + k),
            transB ? before.slice(br, br + n, bc, bc + k).T : before.slice(br, br + k, bc, bc + n),
            { c: before.slice(cr, cr + m, cc, cc + n), beta: 0.5 },
          );
          gemm(a, b, { c, beta: 0.5, transB });
          expect(maxAbsDiff(c.toArray(), want)).toBeLessThanOrEqual(tol(k + 1));
          // Everything outside C's window is untouched.
          for (let i = 0; i < 12; i++)
            for (let j = 0; j < 12; j++)
              if (i < cr || i >= cr + m || j < cc || j >= cc + n)
                expect(base.get(i, j)).toBe(before.get(i, j));
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('gemm32 agrees with gemm up to float32 rounding', () => {
    fc.assert(
      fc.property(dims, fc.boolean(), fc.boolean(), ({ m, n, k }, transA, transB) => {
        const a = new Matrix(
          transA ? k : m,
          transA ? m : k,
          Float64Array.from({ length: m * k }, (_, i) => Math.fround(Math.sin(i))),
        );
        const b = new Matrix(
          transB ? n : k,
          transB ? k : n,
          Float64Array.from({ length: k * n }, (_, i) => Math.fround(Math.cos(i))),
        );
        const ref = gemm(a, b, { transA, transB });
        const out = gemm32(a.toFloat32(), b.toFloat32(), { transA, transB });
        expect(out).toBeInstanceOf(Matrix32);
        for (let i = 0; i < m * n; i++) expect(out.data[i]).toBe(Math.fround(ref.data[i]!));
      }),
      { numRuns: 50 },
    );
  });
});

describe('gemm rejects bad input', () => {
  const a = new Matrix(3, 4);
  it('inner dimension mismatch', () => {
    expect(() => gemm(a, new Matrix(5, 2))).toThrow(ShapeError);
    expect(() => gemm(a, new Matrix(5, 2))).toThrow(
      'gemm: inner dimensions differ (op(a) is 3x4, op(b) is 5x2; transA=false, transB=false)',
    );
    expect(() => gemm32(new Matrix32(2, 3), new Matrix32(2, 3))).toThrow(
      /gemm32: inner dimensions differ \(op\(a\) is 2x3, op\(b\) is 2x3/,
    );
  });
  it('wrong output shape', () => {
    expect(() => gemm(a, new Matrix(4, 2), { c: new Matrix(2, 3) })).toThrow(
      'gemm: c must be 3x2 to hold op(a)·op(b) (got 2x3)',
    );
  });
  it('non-finite alpha or beta', () => {
    expect(() => gemm(a, new Matrix(4, 2), { alpha: Number.NaN })).toThrow(NonFiniteError);
    expect(() => gemm(a, new Matrix(4, 2), { alpha: Number.NaN })).toThrow(
      'gemm: alpha must be a finite number (got NaN)',
    );
    expect(() => gemm(a, new Matrix(4, 2), { c: new Matrix(3, 2), beta: Number.POSITIVE_INFINITY })).toThrow(
      'gemm: beta must be a finite number (got Infinity)',
    );
  });
  it('beta without c', () => {
    expect(() => gemm(a, new Matrix(4, 2), { beta: 1 })).toThrow(DomainError);
    expect(() => gemm(a, new Matrix(4, 2), { beta: 1 })).toThrow(
      'gemm: beta must be 0 when no c is given (got 1)',
    );
  });
  it('wrong element type', () => {
    expect(() => gemm(new Matrix32(2, 2) as unknown as Matrix, a)).toThrow(
      'gemm: a must be a Matrix (use gemm32 for Matrix32)',
    );
  });
});
