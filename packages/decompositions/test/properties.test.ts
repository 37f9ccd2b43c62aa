import { gemm, Matrix, Rng } from '@numts/core';
import { matrixArb } from '@numts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskySolve,
  eigh,
  inv,
  lstsq,
  lu,
  pinv,
  qr,
  qrPivoted,
  solve,
  solveShiftedTridiagonal,
  solveTridiagonal,
  svd,
  tridiagonal,
  verifyCholesky,
  verifyEigh,
  verifyLu,
  verifyQr,
  verifySvd,
} from '../src/index.js';

const EPS = 2 ** -52;

/** Shapes up to 40×40: tall, wide and square. */
const shape = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }));

/** A well-scaled matrix, or (one time in three) an exactly rank-deficient product B·C. */
const anyMatrix = shape.chain(([m, n]) =>
  fc.oneof(
    { weight: 2, arbitrary: matrixArb(m, n) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0, max: Math.min(m, n) })
        .chain((r) => fc.tuple(matrixArb(m, r), matrixArb(r, n)))
        .map(([b, c]) => gemm(b, c)),
    },
  ),
);

const symmetric = fc.integer({ min: 1, max: 40 }).chain((n) =>
  matrixArb(n, n).map((x) => {
    const s = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s.data[i * n + j] = x.get(i, j) + x.get(j, i);
    return s;
  }),
);

const runs = { numRuns: 60 };

describe('factorizations pass their LAPACK-style checks (ratios < 30)', () => {
  it('svd, thin and full', () => {
    fc.assert(
      fc.property(anyMatrix, fc.constantFrom('thin' as const, 'full' as const), (a, mode) => {
        const f = svd(a, { mode });
        const r = verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! });
        expect(r.ok, JSON.stringify(r)).toBe(true);
      }),
      runs,
    );
  });

  it('qr, reduced and complete, and pivoted QR', () => {
    fc.assert(
      fc.property(anyMatrix, fc.constantFrom('reduced' as const, 'complete' as const), (a, mode) => {
        const f = qr(a, { mode });
        const r = verifyQr(a, { q: f.q!, r: f.r });
        expect(r.ok, JSON.stringify(r)).toBe(true);
        for (let i = 0; i < Math.min(f.r.rows, f.r.cols); i++)
          expect(f.r.get(i, i)).toBeGreaterThanOrEqual(0);
        const p = qrPivoted(a);
        const ap = new Matrix(a.rows, a.cols);
        for (let i = 0; i < a.rows; i++)
          for (let j = 0; j < a.cols; j++) ap.data[i * a.cols + j] = a.get(i, p.perm[j]!);
        expect(verifyQr(ap, { q: p.q, r: p.r }).ok).toBe(true);
        for (let i = 1; i < Math.min(a.rows, a.cols); i++) {
          expect(Math.abs(p.r.get(i, i))).toBeLessThanOrEqual(
            Math.abs(p.r.get(i - 1, i - 1)) * (1 + 1e-12) + 1e-300,
          );
        }
      }),
      runs,
    );
  });

  it('eigh', () => {
    fc.assert(
      fc.property(symmetric, (a) => {
        const f = eigh(a);
        const r = verifyEigh(a, { values: f.values, vectors: f.vectors! });
        expect(r.ok, JSON.stringify(r)).toBe(true);
        const v = eigh(a, { vectors: false }).values;
        for (let i = 0; i < v.length; i++)
          expect(Math.abs(v[i]! - f.values[i]!)).toBeLessThanOrEqual(
            64 * a.rows * EPS * Math.max(1, Math.abs(f.values[0]!), Math.abs(f.values[v.length - 1]!)),
          );
      }),
      runs,
    );
  });

  it('lu (any shape, singular included)', () => {
    fc.assert(
      fc.property(anyMatrix, (a) => {
        const f = lu(a);
        const r = verifyLu(a, f);
        expect(r.ok, JSON.stringify(r)).toBe(true);
      }),
      runs,
    );
  });

  it('cholesky of XᵀX + I', () => {
    fc.assert(
      fc.property(anyMatrix, (x) => {
        const a = gemm(x, x, { transA: true });
        for (let i = 0; i < a.rows; i++) a.data[i * a.cols + i] = a.data[i * a.cols + i]! + 1;
        const r = verifyCholesky(a, cholesky(a));
        expect(r.ok, JSON.stringify(r)).toBe(true);
      }),
      runs,
    );
  });
});

describe('tridiagonal', () => {
  it('A = Q·T·Qᵀ with Q orthogonal, to c·n·ε·‖A‖', () => {
    fc.assert(
      fc.property(anyMatrix, (x) => {
        const a = gemm(x, x, { transA: true });
        const n = a.rows;
        const { diagonal, offDiagonal, qt } = tridiagonal(a);
        expect(offDiagonal.length).toBe(Math.max(0, n - 1));
        const t = new Matrix(n, n);
        for (let i = 0; i < n; i++) {
          t.data[i * n + i] = diagonal[i]!;
          if (i < n - 1) t.data[i * n + i + 1] = t.data[(i + 1) * n + i] = offDiagonal[i]!;
        }
        const r = gemm(gemm(qt, t, { transA: true }), qt);
        const qq = gemm(qt, qt, { transB: true });
        let an = 0;
        for (const v of a.data) an = Math.max(an, Math.abs(v));
        for (let i = 0; i < n * n; i++) {
          expect(Math.abs(r.data[i]! - a.data[i]!)).toBeLessThanOrEqual(30 * n * EPS * an + 1e-300);
          expect(Math.abs(qq.data[i]! - (i % (n + 1) === 0 ? 1 : 0))).toBeLessThanOrEqual(30 * n * EPS);
        }
      }),
      runs,
    );
  });
});

describe('tridiagonal: Q applied from its reflectors', () => {
  /** The matrix Q·C (or Qᵀ·C) from the formed Qᵀ, for comparison. */
  const viaFormed = (qt: Matrix, c: Matrix, transpose: boolean) => gemm(qt, c, { transA: !transpose });

  it('multiplyQ equals the product with the formed Q and Qᵀ, to c·n·ε·‖C‖ (one and several reflector blocks)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          symmetric,
          fc.constant(130).chain((n) => matrixArb(n, n).map((x) => gemm(x, x, { transA: true }))),
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (a, k, seed) => {
          const n = a.rows;
          const r = tridiagonal(a);
          const c = new Rng(seed).uniformMatrix(n, k);
          for (const transpose of [false, true]) {
            const got = r.multiplyQ(c, { transpose });
            const want = viaFormed(r.qt, c, transpose);
            for (let i = 0; i < n * k; i++)
              expect(Math.abs(got.data[i]! - want.data[i]!)).toBeLessThanOrEqual(30 * n * EPS);
          }
          // Qᵀ·(Q·C) = C, and C is not modified.
          const back = r.multiplyQ(r.multiplyQ(c), { transpose: true });
          for (let i = 0; i < n * k; i++)
            expect(Math.abs(back.data[i]! - c.data[i]!)).toBeLessThanOrEqual(60 * n * EPS);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('{ overwrite: true } reduces in A’s storage with the same bits as a copy', () => {
    const x = new Rng(3).uniformMatrix(120, 120);
    const a = gemm(x, x, { transA: true });
    const copy = tridiagonal(a);
    const own = a.clone();
    const inPlace = tridiagonal(own, { overwrite: true });
    expect(inPlace.diagonal).toEqual(copy.diagonal);
    expect(inPlace.offDiagonal).toEqual(copy.offDiagonal);
    expect(inPlace.qt.data).toEqual(copy.qt.data);
    expect(own.data).not.toEqual(a.data);
  });

  it('multiplyQ rejects a C with the wrong row count or non-finite entries', () => {
    const r = tridiagonal(new Matrix(3, 3, Float64Array.of(2, 1, 0, 1, 2, 1, 0, 1, 2)));
    expect(() => r.multiplyQ(new Matrix(2, 1))).toThrow(
      'tridiagonal.multiplyQ: c must have 3 rows like A (got 2x1)',
    );
    expect(() => r.multiplyQ(new Matrix(3, 1, Float64Array.of(0, Number.NaN, 0)))).toThrow(
      'tridiagonal.multiplyQ: c must be finite',
    );
  });
});

describe('solveShiftedTridiagonal', () => {
  it('row k solves (I + shifts[k]·T)·x = b_k with the bits of solveTridiagonal, negative shifts included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (n, m, seed) => {
          const rng = new Rng(seed);
          const diagonal = rng.uniformArray(n).map((v) => 4 * v - 2);
          const off = rng.uniformArray(n - 1).map((v) => 2 * v - 1);
          const shifts = rng.uniformArray(m).map((v) => 6 * v - 3);
          const b = rng.uniformMatrix(m, n);
          const x = solveShiftedTridiagonal(diagonal, off, shifts, b);
          for (let k = 0; k < m; k++) {
            const c = shifts[k]!;
            const sub = off.map((v) => c * v);
            let want: Float64Array;
            try {
              want = solveTridiagonal(
                sub,
                diagonal.map((v) => 1 + c * v),
                sub,
                b.data.subarray(k * n, (k + 1) * n),
              );
            } catch {
              continue; // an exactly singular shifted matrix (not drawn in practice)
            }
            expect(x.data.subarray(k * n, (k + 1) * n)).toEqual(want);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('names the argument, the rule and the value', () => {
    const b = new Matrix(2, 2);
    expect(() => solveShiftedTridiagonal([1, 1], [0], [1], b)).toThrow(
      'solveShiftedTridiagonal: b must be 1x2 (one row per shift, one column per diagonal entry) and offDiagonal have n − 1 entries (got b 2x2, diagonal 2, offDiagonal 1, shifts 1)',
    );
    expect(() => solveShiftedTridiagonal([1, 1], [0], [0, -1], b)).toThrow(
      'solveShiftedTridiagonal: I + shifts[1]·T is singular (shift -1, zero pivot at row 0)',
    );
    expect(() => solveShiftedTridiagonal([1, 1], [0], [0, Number.NaN], b)).toThrow(
      'solveShiftedTridiagonal: shifts must be finite',
    );
  });
});

describe('solvers', () => {
  it('choleskySolve: A·X = B to backward error c·n·ε·‖A‖‖X‖, B untouched', () => {
    fc.assert(
      fc.property(anyMatrix, fc.integer({ min: 1, max: 5 }), (x, k) => {
        const n = x.cols;
        const a = gemm(x, x, { transA: true });
        for (let i = 0; i < n; i++) a.data[i * n + i] = a.data[i * n + i]! + 1;
        const b = new Rng(n * 7 + k).normalMatrix(n, k);
        const before = b.data.slice();
        const sol = choleskySolve(cholesky(a), b);
        expect(b.data).toEqual(before);
        const r = gemm(a, sol);
        let res = 0;
        for (let i = 0; i < r.data.length; i++) res = Math.max(res, Math.abs(r.data[i]! - b.data[i]!));
        let an = 0;
        for (const v of a.data) an = Math.max(an, Math.abs(v));
        let xn = 0;
        for (const v of sol.data) xn = Math.max(xn, Math.abs(v));
        expect(res).toBeLessThanOrEqual(20 * n * n * EPS * an * xn + 1e-300);
      }),
      runs,
    );
  });

  it('choleskySolve: shape and NaN errors name the argument', () => {
    const f = cholesky(new Matrix(2, 2, Float64Array.of(2, 0, 0, 2)));
    expect(() => choleskySolve(f, new Matrix(3, 1))).toThrow(
      'choleskySolve: b has 3 rows but the factor is 2x2',
    );
    expect(() => choleskySolve(f, new Matrix(2, 1, Float64Array.of(1, Number.NaN)))).toThrow(
      'choleskySolve: b contains NaN at flat index 1',
    );
  });

  it('solve and inv: small backward error ‖Ax − b‖ ≤ c·n·ε·‖A‖‖x‖', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }).chain((n) => matrixArb(n, n)),
        (a) => {
          const n = a.rows;
          // Make the matrix strictly diagonally dominant (entries are at most 10 in magnitude), so it is well conditioned.
          for (let i = 0; i < n; i++) a.data[i * n + i] = a.data[i * n + i]! + 10 * n + 1;
          const b = Float64Array.from({ length: n }, (_, i) => i - n / 2);
          const x = solve(a, b);
          let res = 0;
          let xn = 0;
          for (let i = 0; i < n; i++) {
            let s = -b[i]!;
            for (let j = 0; j < n; j++) s += a.get(i, j) * x[j]!;
            res = Math.max(res, Math.abs(s));
            xn = Math.max(xn, Math.abs(x[i]!));
          }
          expect(res).toBeLessThanOrEqual(30 * n * EPS * 10 * n * xn + 1e-300);
          const ai = inv(a);
          const id = gemm(a, ai);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++)
              expect(Math.abs(id.get(i, j) - (i === j ? 1 : 0))).toBeLessThan(1e-10);
          const xs = solve(gemm(a, a, { transA: true }), b, { assume: 'spd' });
          const xg = solve(gemm(a, a, { transA: true }), b);
          for (let i = 0; i < n; i++)
            expect(Math.abs(xs[i]! - xg[i]!)).toBeLessThanOrEqual(
              1e-8 * Math.max(1, ...Array.from(xg, Math.abs)),
            );
        },
      ),
      runs,
    );
  });

  it('lstsq satisfies the normal equations and pinv the Penrose conditions', () => {
    fc.assert(
      fc.property(anyMatrix, (a) => {
        const m = a.rows;
        const b = Float64Array.from({ length: m }, (_, i) => Math.cos(i));
        const { x } = lstsq(a, b);
        // Aᵀ(Ax − b) ≈ 0 relative to ‖A‖²‖x‖ + ‖A‖‖b‖.
        const r = gemm(a, new Matrix(a.cols, 1, x));
        for (let i = 0; i < m; i++) r.data[i] = r.data[i]! - b[i]!;
        const g = gemm(a, r, { transA: true });
        const an = Math.max(1e-300, ...Array.from(a.data, Math.abs)) * Math.max(m, a.cols);
        const xn = Math.max(...Array.from(x, Math.abs), 0);
        for (const v of g.data)
          expect(Math.abs(v)).toBeLessThanOrEqual(1e-9 * (an * an * xn + an * Math.sqrt(m)));
        const p = pinv(a);
        const apa = gemm(gemm(a, p), a);
        for (let i = 0; i < apa.data.length; i++)
          expect(Math.abs(apa.data[i]! - a.data[i]!)).toBeLessThanOrEqual(1e-9 * an);
      }),
      runs,
    );
  });
});

describe('empty dimensions give empty factors', () => {
  it.each([
    [0, 0],
    [0, 3],
    [3, 0],
  ])('%i×%i', (m, n) => {
    const a = new Matrix(m, n);
    expect(svd(a).s.length).toBe(0);
    expect(qr(a).r.rows).toBe(0);
    expect(lu(a).u.rows).toBe(0);
    if (m === n) {
      expect(eigh(a).values.length).toBe(0);
      expect(cholesky(a).l.rows).toBe(0);
    }
  });
});

describe('blocked triangular solves (n > 32, many right-hand sides)', () => {
  it('solve and solve(spd) with 70 unknowns and 12 right-hand sides have small residuals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 33, max: 90 }),
        fc.integer({ min: 8, max: 20 }),
        fc.integer({ min: 0, max: 999 }),
        (n, k, seed) => {
          const rng = new Rng(seed);
          const a = rng.normalMatrix(n, n);
          for (let i = 0; i < n; i++) a.data[i * n + i] = a.data[i * n + i]! + 2 * Math.sqrt(n);
          const b = rng.normalMatrix(n, k);
          const x = solve(a, b);
          const r = gemm(a, x);
          for (let i = 0; i < r.data.length; i++)
            expect(Math.abs(r.data[i]! - b.data[i]!)).toBeLessThan(1e-10);
          const spd = gemm(a, a, { transA: true });
          const xs = solve(spd, b, { assume: 'spd' });
          const rs = gemm(spd, xs);
          for (let i = 0; i < rs.data.length; i++)
            expect(Math.abs(rs.data[i]! - b.data[i]!)).toBeLessThan(1e-8 * n);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('solveTridiagonal', () => {
  it('agrees with a dense LU solve, with and without row interchanges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const rng = new Rng(seed);
        const lower = rng.normalArray(n - 1);
        const upper = rng.normalArray(n - 1);
        // Small diagonal entries force pivoting; keep the matrix safely non-singular by testing
        // the residual rather than comparing to a possibly ill-conditioned dense answer.
        const diag = rng.normalArray(n).map((v) => (seed % 2 ? 0.01 * v : 4 + v));
        const b = rng.normalArray(n);
        const x = solveTridiagonal(lower, diag, upper, b);
        const dense = new Matrix(n, n);
        for (let i = 0; i < n; i++) {
          dense.data[i * n + i] = diag[i]!;
          if (i < n - 1) {
            dense.data[(i + 1) * n + i] = lower[i]!;
            dense.data[i * n + i + 1] = upper[i]!;
          }
        }
        const ref = solve(dense, b);
        let xn = 0;
        for (const v of ref) xn = Math.max(xn, Math.abs(v));
        for (let i = 0; i < n; i++) {
          let r = diag[i]! * x[i]!;
          if (i > 0) r += lower[i - 1]! * x[i - 1]!;
          if (i < n - 1) r += upper[i]! * x[i + 1]!;
          expect(Math.abs(r - b[i]!)).toBeLessThanOrEqual(1e3 * n * EPS * (1 + xn) * 8);
        }
      }),
      runs,
    );
  });

  it('errors name the rule', () => {
    expect(() => solveTridiagonal([1], [1, 1], [], [1, 1])).toThrow(
      'solveTridiagonal: diag and b need n entries and lower, upper n − 1 (got diag 2, b 2, lower 1, upper 0)',
    );
    expect(() => solveTridiagonal([1], [0, 0], [1], [1, 1])).not.toThrow();
    expect(() => solveTridiagonal([0], [0, 1], [0], [1, 1])).toThrow(
      'solveTridiagonal: the matrix is singular (zero pivot at row 0)',
    );
    expect(() => solveTridiagonal([], [Number.NaN], [], [1])).toThrow(
      'solveTridiagonal: diag must be finite',
    );
  });
});
