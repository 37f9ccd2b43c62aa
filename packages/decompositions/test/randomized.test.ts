import { gemm, normFrobenius, Rng, sub } from '@numts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { svd, svdRandomized, svdTruncated, verifySvd } from '../src/index.js';

describe('svdRandomized', () => {
  it('recovers a planted rank-k matrix to 1e-8', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 8 }), (seed, k) => {
        const rng = new Rng(seed);
        const a = gemm(rng.normalMatrix(60, k), rng.normalMatrix(k, 45));
        const f = svdRandomized(a, k, { seed });
        const us = f.u!.clone();
        for (let i = 0; i < us.rows; i++)
          for (let j = 0; j < k; j++) us.data[i * k + j] = us.data[i * k + j]! * f.s[j]!;
        const rel = normFrobenius(sub(gemm(us, f.vt!), a)) / normFrobenius(a);
        expect(rel).toBeLessThan(1e-8);
        const exact = svd(a, { mode: 'values' }).s;
        for (let i = 0; i < k; i++) expect(Math.abs(f.s[i]! - exact[i]!) / exact[0]!).toBeLessThan(1e-10);
      }),
      { numRuns: 20 },
    );
  });

  it('is deterministic for a seed', () => {
    const a = new Rng(4).normalMatrix(30, 20);
    const x = svdRandomized(a, 5, { seed: 11 });
    const y = svdRandomized(a, 5, { seed: 11 });
    expect(Array.from(x.u!.data)).toEqual(Array.from(y.u!.data));
  });

  it('svdTruncated keeps the leading triplets of the full SVD', () => {
    const a = new Rng(5).normalMatrix(25, 18);
    const t = svdTruncated(a, 4);
    const f = svd(a);
    expect(Array.from(t.s)).toEqual(Array.from(f.s.slice(0, 4)));
    expect(t.u!.cols).toBe(4);
    expect(t.vt!.rows).toBe(4);
    // A truncated factorization is not a factorization of A: verifySvd checks its triplets instead
    // (A·vᵢ = σᵢuᵢ, Aᵀuᵢ = σᵢvᵢ), which the leading triplets of the full SVD satisfy.
    const rep = verifySvd(a, { u: t.u!, s: t.s, vt: t.vt! });
    expect(rep.ok).toBe(true);
    expect(rep.ratios.reconstruction).toBeUndefined();
  });
});
