import { gemm, type Matrix, normFrobenius, Rng, ShapeError } from '@numts/core';
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  eigh,
  lu,
  qr,
  svd,
  svdTruncated,
  verifyCholesky,
  verifyEigh,
  verifyLu,
  verifyQr,
  verifySvd,
} from '../src/index.js';

const rng = new Rng(99);
const a = rng.normalMatrix(12, 9);
const sym = gemm(a, a, { transA: true });
const spd = sym.clone();
for (let i = 0; i < 9; i++) spd.data[i * 9 + i] = spd.data[i * 9 + i]! + 1;

/** A copy of m with entry (i, j) moved by `delta`. */
function perturbed(m: Matrix, i: number, j: number, delta: number): Matrix {
  const c = m.clone();
  c.data[i * c.cols + j] = c.data[i * c.cols + j]! + delta;
  return c;
}

describe('verify* accept correct factorizations and detect a 1e-6·‖A‖ corruption', () => {
  const delta = 1e-6 * normFrobenius(a);

  it('verifySvd', () => {
    const f = svd(a);
    expect(verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! }).ok).toBe(true);
    const bad = verifySvd(a, { u: perturbed(f.u!, 3, 2, 1e-6), s: f.s, vt: f.vt! });
    expect(bad.ok).toBe(false);
    expect(bad.ratios.reconstruction).toBeGreaterThan(30);
    const unordered = verifySvd(a, { u: f.u!, s: Float64Array.from(f.s).reverse(), vt: f.vt! });
    expect(unordered.checks.descending).toBe(false);
  });

  it('verifyQr', () => {
    const f = qr(a);
    expect(verifyQr(a, { q: f.q!, r: f.r }).ok).toBe(true);
    expect(verifyQr(a, { q: f.q!, r: perturbed(f.r, 0, 5, delta) }).ok).toBe(false);
    expect(verifyQr(perturbed(a, 4, 4, delta), { q: f.q!, r: f.r }).ok).toBe(false);
  });

  it('verifyEigh', () => {
    const f = eigh(sym);
    expect(verifyEigh(sym, { values: f.values, vectors: f.vectors! }).ok).toBe(true);
    expect(
      verifyEigh(perturbed(sym, 1, 2, 1e-6 * normFrobenius(sym)), { values: f.values, vectors: f.vectors! })
        .ok,
    ).toBe(false);
  });

  it('verifyLu', () => {
    const f = lu(a);
    expect(verifyLu(a, f).ok).toBe(true);
    expect(verifyLu(a, { ...f, u: perturbed(f.u, 2, 7, delta) }).ok).toBe(false);
  });

  it('verifyCholesky', () => {
    const f = cholesky(spd);
    expect(verifyCholesky(spd, f).ok).toBe(true);
    expect(verifyCholesky(spd, { l: perturbed(f.l, 5, 1, 1e-6 * normFrobenius(spd)) }).ok).toBe(false);
  });

  it('reject factors of the wrong shape with a message', () => {
    const f = svd(a);
    expect(() => verifySvd(a, { u: f.vt!, s: f.s, vt: f.vt! })).toThrow(ShapeError);
    expect(() => verifySvd(a, { u: f.vt!, s: f.s, vt: f.vt! })).toThrow(
      'verifySvd: u must have 12 rows and at least 9 columns (got 9x9)',
    );
    expect(() => verifyCholesky(spd, { l: a })).toThrow('verifyCholesky: l must be 9x9 (got 12x9)');
    expect(() => verifyLu(a, { ...lu(a), perm: [0, 0, 1] })).toThrow(
      'verifyLu: perm must be a permutation of 0..11',
    );
  });
});

describe('verifySvd on truncated factors', () => {
  it('checks the leading triplets (A·V = U·Σ, Aᵀ·U = V·Σ) and catches a wrong one', () => {
    const a = new Rng(11).normalMatrix(30, 20);
    const t = svdTruncated(a, 5);
    const rep = verifySvd(a, { u: t.u!, s: t.s, vt: t.vt! });
    expect(rep.ok).toBe(true);
    expect(Object.keys(rep.ratios).sort()).toEqual([
      'orthogonalityU',
      'orthogonalityV',
      'residualAV',
      'residualAtU',
    ]);
    const s = Float64Array.from(t.s);
    s[4] = s[4]! * (1 + 1e-8);
    const bad = verifySvd(a, { u: t.u!, s, vt: t.vt! });
    expect(bad.ok).toBe(false);
    expect(bad.ratios.residualAV!).toBeGreaterThan(30);
  });
});
