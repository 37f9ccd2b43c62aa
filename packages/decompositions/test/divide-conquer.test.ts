// eigh by divide and conquer (the default with vectors for n > 32), checked with LAPACK's ratios,
// against the QL iteration, on matrices that exercise its deflation (repeated and clustered
// eigenvalues, exact zeros, uncoupled blocks) and on hostile scaling.
import { gemm, Matrix, Rng } from '@numts/core';
import { hostile, matrixArb } from '@numts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eigh, qr, tridiagonal, verifyEigh } from '../src/index.js';

const EPS = 2 ** -52;
const dc = { method: 'divide-and-conquer' } as const;

function symmetricFrom(x: Matrix): Matrix {
  const n = x.rows;
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) a.data[i * n + j] = i >= j ? x.get(i, j) : x.get(j, i);
  return a;
}

function tridiagonalMatrix(d: ArrayLike<number>, e: ArrayLike<number>): Matrix {
  const n = d.length;
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    a.data[i * n + i] = d[i]!;
    if (i + 1 < n) a.data[i * n + i + 1] = a.data[(i + 1) * n + i] = e[i]!;
  }
  return a;
}

/** A = Q·diag(λ)·Qᵀ for a random orthogonal Q. */
function withSpectrum(values: number[], seed: number): Matrix {
  const n = values.length;
  const { q } = qr(new Rng(seed).normalMatrix(n, n));
  const ql = q!.clone();
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) ql.data[i * n + j] = ql.data[i * n + j]! * values[j]!;
  return symmetricFrom(gemm(ql, q!, { transB: true }));
}

function expectGood(a: Matrix, label: string): Float64Array {
  const f = eigh(a, dc);
  const r = verifyEigh(a, { values: f.values, vectors: f.vectors! });
  expect(r.ok, `${label}: ${JSON.stringify(r)}`).toBe(true);
  for (let i = 1; i < f.values.length; i++) expect(f.values[i]!).toBeGreaterThanOrEqual(f.values[i - 1]!);
  return f.values;
}

describe('eigh by divide and conquer', () => {
  it('property: passes verifyEigh and agrees with QL on well-scaled matrices of 25–90 rows', () => {
    const sym = fc
      .integer({ min: 25, max: 90 })
      .chain((n) => matrixArb(n, n))
      .map(symmetricFrom);
    fc.assert(
      fc.property(sym, (a) => {
        const values = expectGood(a, 'random');
        const ql = eigh(a, { method: 'ql', vectors: false }).values;
        const scale = Math.max(Math.abs(ql[0]!), Math.abs(ql[ql.length - 1]!), 1);
        for (let i = 0; i < ql.length; i++)
          expect(Math.abs(values[i]! - ql[i]!)).toBeLessThanOrEqual(16 * a.rows * EPS * scale);
      }),
      { numRuns: 25, seed: 17 },
    );
  });

  it('property: hostile entries (subnormal to 1e±150, signed zeros) scaled by 2^±1000 give finite, verified results', () => {
    const scaled = fc.constantFrom(1, 2 ** -1000, 2 ** 1000);
    const hostileSym = fc
      .tuple(
        fc.integer({ min: 25, max: 60 }).chain((n) => matrixArb(n, n, hostile)),
        scaled,
      )
      .map(([x, s]) =>
        symmetricFrom(
          new Matrix(
            x.rows,
            x.cols,
            x.data.map((v) => v * s),
          ),
        ),
      );
    fc.assert(
      fc.property(hostileSym, (a) => {
        if (!a.data.every(Number.isFinite)) return;
        const f = eigh(a, dc);
        expect(f.values.every(Number.isFinite) && f.vectors!.data.every(Number.isFinite)).toBe(true);
        expect(verifyEigh(a, { values: f.values, vectors: f.vectors! }).ok).toBe(true);
      }),
      { numRuns: 40, seed: 23 },
    );
  });

  it('repeated, clustered and zero eigenvalues (deflation) keep orthogonal vectors', () => {
    const n = 96;
    const spectra: [string, number[]][] = [
      ['identity plus rank one', Array.from({ length: n }, (_, i) => (i === 0 ? 5 : 1))],
      ['three values', Array.from({ length: n }, (_, i) => [2, -1, 0.5][i % 3]!)],
      ['rank 10', Array.from({ length: n }, (_, i) => (i < 10 ? i + 1 : 0))],
      ['clusters 1e-12 apart', Array.from({ length: n }, (_, i) => Math.floor(i / 4) + (i % 4) * 1e-12)],
      ['graded 2^-i/2', Array.from({ length: n }, (_, i) => 2 ** (-i / 2))],
    ];
    for (const [label, values] of spectra) {
      const got = expectGood(withSpectrum(values, 5), label);
      const want = [...values].sort((x, y) => x - y);
      const scale = Math.max(...values.map(Math.abs));
      for (let i = 0; i < n; i++)
        expect(Math.abs(got[i]! - want[i]!), label).toBeLessThan(64 * n * EPS * scale);
    }
  });

  it('tridiagonal matrices with known spectra: the 1-2-1 matrix and Wilkinson W⁺₂₀₁ (close pairs)', () => {
    const n = 200;
    const values = expectGood(
      tridiagonalMatrix(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1)),
      '1-2-1',
    );
    for (let k = 1; k <= n; k++)
      expect(Math.abs(values[k - 1]! - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(
        32 * n * EPS * 4,
      );
    const m = 201;
    const w = expectGood(
      tridiagonalMatrix(
        Float64Array.from({ length: m }, (_, i) => Math.abs(i - 100)),
        new Float64Array(m - 1).fill(1),
      ),
      'Wilkinson',
    );
    // The two largest eigenvalues of W⁺₂₀₁ (≈ 100.746) agree to far more digits than the gap to
    // the next pair: D&C must deflate such pairs without losing orthogonality.
    expect(w[m - 1]! - w[m - 2]!).toBeLessThan(1e-12);
    expect(w[m - 1]!).toBeCloseTo(100.746, 3);
  });

  it('blocks that do not talk to each other (zero off-diagonals) and negative couplings', () => {
    const n = 80;
    const rng = new Rng(11);
    const e = Float64Array.from({ length: n - 1 }, (_, i) => (i % 20 === 19 ? 0 : -Math.abs(rng.normal())));
    expectGood(
      tridiagonalMatrix(
        Float64Array.from({ length: n }, () => rng.normal()),
        e,
      ),
      'split',
    );
  });

  it('is the default for vectors above 32 rows, and the method option is checked', () => {
    const a = withSpectrum(
      Array.from({ length: 40 }, (_, i) => i),
      2,
    );
    const auto = eigh(a);
    const forced = eigh(a, dc);
    expect(Array.from(auto.values)).toEqual(Array.from(forced.values));
    expect(Array.from(auto.vectors!.data)).toEqual(Array.from(forced.vectors!.data));
    expect(() => eigh(a, { method: 'jacobi' as 'ql' })).toThrow(
      'eigh: method must be "auto", "divide-and-conquer" or "ql" (got "jacobi")',
    );
  });

  it('the blocked reduction (n > 96): A = Q·T·Qᵀ to p(n)·ε and eigh verifies, also scaled by 2^±1000', () => {
    for (const [n, scale] of [
      [97, 1],
      [130, 2 ** 1000],
      [200, 2 ** -1000],
    ] as const) {
      const x = new Rng(n).normalMatrix(n, n);
      const a = symmetricFrom(
        new Matrix(
          n,
          n,
          x.data.map((v) => v * scale),
        ),
      );
      const { diagonal, offDiagonal, qt } = tridiagonal(a);
      const t = tridiagonalMatrix(diagonal, offDiagonal);
      const back = gemm(gemm(qt, t, { transA: true }), qt);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < n * n; i++) {
        err = Math.max(err, Math.abs(back.data[i]! - a.data[i]!));
        norm = Math.max(norm, Math.abs(a.data[i]!));
      }
      expect(err / norm, `n = ${n}`).toBeLessThan(4 * n * EPS);
      expectGood(a, `n = ${n}`);
    }
  });

  it('zero and nearly zero matrices (everything deflates): finite, orthonormal vectors', () => {
    const zero = new Matrix(70, 70);
    expect(expectGood(zero, 'zero').every((v) => v === 0)).toBe(true);
    const tiny = new Matrix(70, 70);
    tiny.data[3 * 70 + 5] = tiny.data[5 * 70 + 3] = 1e-300;
    const values = expectGood(tiny, 'one tiny pair');
    expect(Math.abs(values[0]! + 1e-300)).toBeLessThan(1e-314);
    expect(Math.abs(values[69]! - 1e-300)).toBeLessThan(1e-314);
  });
});
