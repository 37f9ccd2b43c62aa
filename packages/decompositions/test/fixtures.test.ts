import { Matrix } from '@numts/core';
import { readFixture } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import { cholesky, cond, det, eigh, logdet, lstsq, pinv, rank, solve, svd } from '../src/index.js';

interface Case {
  name: string;
  rows: number;
  cols: number;
  data: number[];
  symmetric: boolean;
  spd: boolean;
  s: number[];
  rank: number;
  cond?: number | null;
  pinv?: number[];
  b?: number[];
  lstsq?: number[];
  det?: number;
  slogdet?: [number, number];
  solve?: number[];
  eigvalsh?: number[];
  cholesky?: number[];
}

const { cases } = readFixture<{ cases: Case[] }>('decompositions/fixtures.json');
const EPS = 2 ** -52;
const mat = (c: Case) => new Matrix(c.rows, c.cols, Float64Array.from(c.data));
/** Well-conditioned cases are compared to a relative 1e-10; ill-conditioned ones within the perturbation bound. */
const wellConditioned = (c: Case) => c.cond !== undefined && c.cond !== null && c.cond < 1e6;
/** Rank-deficient with a clear gap around numpy's cutoff, so that pinv/lstsq are well posed. */
const clearGap = (c: Case) => {
  const tol = Math.max(c.rows, c.cols) * EPS * (c.s[0] ?? 0);
  return (
    c.rank < c.s.length &&
    (c.rank === 0 || c.s[c.rank - 1]! > 1e3 * tol) &&
    c.s[c.rank]! < 1e-3 * (c.s[c.rank - 1] ?? 1)
  );
};

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const a = mat(c);
  const k = Math.min(c.rows, c.cols);

  it('singular values match numpy', () => {
    const { s } = svd(a, { mode: 'values' });
    expect(s.length).toBe(k);
    const s1 = c.s[0] ?? 0;
    for (let i = 0; i < k; i++) {
      // Weyl: |σᵢ − σ̂ᵢ| ≤ ‖E‖₂ for a backward error E; relative 1e-10 where σᵢ is not tiny.
      const bound = Math.max(1e-10 * c.s[i]!, 30 * Math.max(c.rows, c.cols) * EPS * s1);
      expect(Math.abs(s[i]! - c.s[i]!)).toBeLessThanOrEqual(bound);
    }
  });

  it('rank and condition number match numpy', () => {
    expect(rank(a)).toBe(c.rank);
    if (wellConditioned(c)) expect(Math.abs(cond(a) - c.cond!) / c.cond!).toBeLessThan(1e-10);
  });

  if (c.eigvalsh) {
    it('eigenvalues match numpy', () => {
      const { values } = eigh(a);
      const scale = Math.max(...c.eigvalsh!.map(Math.abs));
      c.eigvalsh!.forEach((v, i) => {
        expect(Math.abs(values[i]! - v)).toBeLessThanOrEqual(
          Math.max(1e-10 * Math.abs(v), 30 * c.rows * EPS * scale),
        );
      });
    });
  }

  if (c.det !== undefined) {
    it('det and logdet match numpy', () => {
      const d = det(a);
      const scale = c.s.reduce((p, x) => p * x, 1); // |det| = Πσ; its rounding bound scales with it
      expect(Math.abs(d - c.det!)).toBeLessThanOrEqual(
        Math.max(1e-10 * Math.abs(c.det!), 100 * c.rows * EPS * (c.cond ?? 1e16) * scale),
      );
      const { sign, logAbsDet } = logdet(a);
      if (c.slogdet![0] !== 0 && wellConditioned(c)) {
        expect(sign).toBe(c.slogdet![0]);
        expect(Math.abs(logAbsDet - c.slogdet![1])).toBeLessThan(
          1e-10 * Math.max(1, Math.abs(c.slogdet![1])),
        );
      }
    });
  }

  if (c.solve && wellConditioned(c)) {
    it('solve matches numpy', () => {
      const x = solve(
        a,
        Float64Array.from({ length: c.rows }, (_, i) => i + 1),
      );
      const xn = Math.max(...c.solve!.map(Math.abs));
      c.solve!.forEach((v, i) => {
        expect(Math.abs(x[i]! - v)).toBeLessThanOrEqual(1e-10 * xn);
      });
    });
  }

  if (c.pinv && (wellConditioned(c) || clearGap(c))) {
    it('pinv and lstsq match numpy', () => {
      const p = pinv(a);
      const pn = Math.max(...c.pinv!.map(Math.abs), 1e-300);
      c.pinv!.forEach((v, i) => {
        expect(Math.abs(p.data[i]! - v)).toBeLessThanOrEqual(1e-9 * pn);
      });
      const { x, rank: r } = lstsq(a, Float64Array.from(c.b!));
      expect(r).toBe(c.rank);
      const xn = Math.max(...c.lstsq!.map(Math.abs), 1e-300);
      c.lstsq!.forEach((v, i) => {
        expect(Math.abs(x[i]! - v)).toBeLessThanOrEqual(1e-9 * xn);
      });
    });
  }

  if (c.cholesky) {
    it('cholesky matches numpy', () => {
      const { l } = cholesky(a);
      const ln = Math.max(...c.cholesky!.map(Math.abs));
      c.cholesky!.forEach((v, i) => {
        expect(Math.abs(l.data[i]! - v)).toBeLessThanOrEqual(
          1e-10 * ln * Math.max(1, (c.cond ?? 1) * EPS * 1e6),
        );
      });
    });
  }
});
