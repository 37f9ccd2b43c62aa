// svd by divide and conquer on the bidiagonal (the default with vectors for min(m, n) > 32),
// checked with LAPACK's ratios, against the QR iteration, on spectra that exercise its deflation
// (repeated, clustered, zero and graded singular values) and on hostile scaling.
import { gemm, Matrix, Rng } from '@numts/core';
import { hostile, matrixArb } from '@numts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qr, svd, verifySvd } from '../src/index.js';

const EPS = 2 ** -52;
const dc = { method: 'divide-and-conquer' } as const;

function expectGood(a: Matrix, label: string, mode: 'thin' | 'full' = 'thin'): Float64Array {
  const f = svd(a, { ...dc, mode });
  const r = verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! });
  expect(r.ok, `${label}: ${JSON.stringify(r)}`).toBe(true);
  for (let i = 1; i < f.s.length; i++) expect(f.s[i]!).toBeLessThanOrEqual(f.s[i - 1]!);
  expect(f.s.every((v) => v >= 0)).toBe(true);
  return f.s;
}

/** A = U·diag(σ)·Vᵀ for random orthogonal U, V (m×n, m ≥ n = σ.length). */
function withSingularValues(m: number, sigma: number[], seed: number): Matrix {
  const n = sigma.length;
  const { q: u } = qr(new Rng(seed).normalMatrix(m, n));
  const { q: v } = qr(new Rng(seed + 1).normalMatrix(n, n));
  const us = u!.clone();
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) us.data[i * n + j] = us.data[i * n + j]! * sigma[j]!;
  return gemm(us, v!, { transB: true });
}

describe('svd by divide and conquer', () => {
  it('property: passes verifySvd and agrees with the QR iteration on well-scaled tall, square and wide matrices', () => {
    const shapes = fc.tuple(fc.integer({ min: 25, max: 90 }), fc.integer({ min: 25, max: 90 }));
    fc.assert(
      fc.property(
        shapes.chain(([m, n]) => matrixArb(m, n)),
        (a) => {
          const s = expectGood(a, `${a.rows}×${a.cols}`);
          const q = svd(a, { method: 'qr', mode: 'values' }).s;
          for (let i = 0; i < q.length; i++)
            expect(Math.abs(s[i]! - q[i]!)).toBeLessThanOrEqual(16 * Math.max(a.rows, a.cols) * EPS * q[0]!);
        },
      ),
      { numRuns: 25, seed: 29 },
    );
  });

  it('property: hostile entries scaled by 2^±1000 give finite, verified factors', () => {
    const scaled = fc.constantFrom(1, 2 ** -1000, 2 ** 1000);
    const arb = fc
      .tuple(
        fc
          .tuple(fc.integer({ min: 25, max: 50 }), fc.integer({ min: 25, max: 50 }))
          .chain(([m, n]) => matrixArb(m, n, hostile)),
        scaled,
      )
      .map(
        ([x, s]) =>
          new Matrix(
            x.rows,
            x.cols,
            x.data.map((v) => v * s),
          ),
      );
    fc.assert(
      fc.property(arb, (a) => {
        if (!a.data.every(Number.isFinite)) return;
        const f = svd(a, dc);
        expect(
          f.s.every(Number.isFinite) && f.u!.data.every(Number.isFinite) && f.vt!.data.every(Number.isFinite),
        ).toBe(true);
        expect(verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! }).ok).toBe(true);
      }),
      { numRuns: 40, seed: 31 },
    );
  });

  it('repeated, clustered, zero and graded singular values (deflation), thin and full', () => {
    const n = 96;
    const spectra: [string, number[]][] = [
      ['three values', Array.from({ length: n }, (_, i) => [3, 2, 1][i % 3]!)],
      ['rank 10', Array.from({ length: n }, (_, i) => (i < 10 ? i + 1 : 0))],
      ['clusters 1e-13 apart', Array.from({ length: n }, (_, i) => 1 + Math.floor(i / 4) + (i % 4) * 1e-13)],
      ['graded 2^-i/2', Array.from({ length: n }, (_, i) => 2 ** (-i / 2))],
      ['one nonzero', Array.from({ length: n }, (_, i) => (i === 0 ? 7 : 0))],
    ];
    for (const [label, sigma] of spectra) {
      const a = withSingularValues(n + 7, sigma, 3);
      const got = expectGood(a, label);
      expectGood(a, `${label} (full)`, 'full');
      const want = [...sigma].sort((x, y) => y - x);
      for (let i = 0; i < n; i++)
        expect(Math.abs(got[i]! - want[i]!), label).toBeLessThan(64 * n * EPS * want[0]!);
    }
  });

  it('a bidiagonal matrix with known singular values (the 1-2-1 matrix is BᵀB for B with 1 on both diagonals)', () => {
    // B (n×n) upper bidiagonal with 1 on the diagonal and superdiagonal: σₖ = 2·cos(kπ/(2n+1)).
    const n = 150;
    const b = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      b.data[i * n + i] = 1;
      if (i + 1 < n) b.data[i * n + i + 1] = 1;
    }
    const s = expectGood(b, 'bidiagonal ones');
    for (let k = 1; k <= n; k++)
      expect(Math.abs(s[k - 1]! - 2 * Math.cos((k * Math.PI) / (2 * n + 1)))).toBeLessThan(64 * n * EPS);
  });

  it('is the default for vectors above 32 columns, and the method option is checked', () => {
    const a = new Rng(4).normalMatrix(50, 40);
    const auto = svd(a);
    const forced = svd(a, dc);
    expect(Array.from(auto.s)).toEqual(Array.from(forced.s));
    expect(Array.from(auto.u!.data)).toEqual(Array.from(forced.u!.data));
    expect(() => svd(a, { method: 'jacobi' as 'qr' })).toThrow(
      'svd: method must be "auto", "divide-and-conquer" or "qr" (got "jacobi")',
    );
  });

  it('zero and nearly zero matrices (everything deflates): finite, orthogonal factors', () => {
    for (const [m, n] of [
      [39, 34],
      [34, 39],
      [64, 64],
    ] as const) {
      const zero = new Matrix(m, n);
      const s = expectGood(zero, `zero ${m}×${n}`);
      expect(s.every((v) => v === 0)).toBe(true);
      expectGood(zero, `zero ${m}×${n} (full)`, 'full');
      const tiny = new Matrix(m, n);
      tiny.data[7] = 1e-300;
      expect(expectGood(tiny, 'one tiny entry')[0]).toBe(1e-300);
    }
  });

  it('property: the blocked bidiagonal reduction (more than 96 columns) passes verifySvd, also scaled by 2^±1000', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 97, max: 160 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(1, 2 ** 1000, 2 ** -1000),
        fc.integer({ min: 0, max: 1e6 }),
        (n, extra, scale, seed) => {
          const x = new Rng(seed).normalMatrix(n + extra, n);
          expectGood(
            new Matrix(
              n + extra,
              n,
              x.data.map((v) => v * scale),
            ),
            `${n + extra}×${n}`,
          );
        },
      ),
      { numRuns: 6, seed: 37 },
    );
  });
});
