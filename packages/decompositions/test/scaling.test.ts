/**
 * Scale invariance: the tensor decompositions and every verifier give the same answer on X·2^k
 * as on X, from the subnormals to 2^±1000, and det/verify* follow LAPACK's arithmetic at the
 * ends of the double range.
 */
import { Matrix, Rng, Tensor } from '@numts/core';
import { hostile, matrixArb } from '@numts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cp,
  det,
  eigh,
  hosvd,
  logdet,
  reconstructTt,
  svd,
  tensorNorm,
  ttSvd,
  tucker,
  verifyCp,
  verifyEigh,
  verifySvd,
  verifyTucker,
} from '../src/index.js';

/** A random 3-way tensor with multilinear rank (2, 2, 2) plus small noise, entries near 1. */
function planted(seed: number, shape = [6, 5, 4]): Tensor<Float64Array> {
  const rng = new Rng(seed);
  const core = rng.normalMatrix(1, 8).data;
  const us = shape.map((i) => rng.normalMatrix(i, 2));
  const out = new Float64Array(shape[0]! * shape[1]! * shape[2]!);
  for (let a = 0; a < shape[0]!; a++)
    for (let b = 0; b < shape[1]!; b++)
      for (let c = 0; c < shape[2]!; c++) {
        let v = 0;
        for (let p = 0; p < 2; p++)
          for (let q = 0; q < 2; q++)
            for (let r = 0; r < 2; r++)
              v += core[p * 4 + q * 2 + r]! * us[0]!.get(a, p) * us[1]!.get(b, q) * us[2]!.get(c, r);
        out[(a * shape[1]! + b) * shape[2]! + c] = v + 1e-6 * rng.normal();
      }
  return new Tensor(out, shape);
}

function scaled(t: Tensor<Float64Array>, s: number): Tensor<Float64Array> {
  return new Tensor(
    t.data.map((v) => v * s),
    [...t.shape],
  );
}

/** Scale exponents: both ends of the double range and the middle. */
const exponent = fc.oneof(
  fc.integer({ min: -1000, max: -900 }),
  fc.integer({ min: -40, max: 40 }),
  fc.integer({ min: 900, max: 1000 }),
);
const seed = fc.integer({ min: 0, max: 1000 });
const RUNS = { numRuns: 25, seed: 16 };

describe('tensor decompositions are scale invariant (X·2^k for k in ±1000)', () => {
  it('hosvd and tucker: the same factors, the core scaled by 2^k exactly, verifyTucker agrees', () => {
    fc.assert(
      fc.property(seed, exponent, (sd, k) => {
        const x = planted(sd);
        const s = 2 ** k;
        for (const run of [
          (t: Tensor<Float64Array>) => hosvd(t, [2, 2, 2]),
          (t: Tensor<Float64Array>) => tucker(t, [2, 2, 2]),
        ]) {
          const ref = run(x);
          const got = run(scaled(x, s));
          for (const [n, u] of got.factors.entries())
            expect(Array.from(u.data)).toEqual(Array.from(ref.factors[n]!.data));
          expect(Array.from(got.core.data)).toEqual(Array.from(ref.core.data, (v) => v * s));
          const rep = verifyTucker(scaled(x, s), got);
          const rep0 = verifyTucker(x, ref);
          expect(rep.relativeError).toBe(rep0.relativeError);
          expect(rep.relativeError).toBeGreaterThan(1e-8); // the noise is there …
          expect(rep.relativeError).toBeLessThan(1e-5); // … and nothing else
          expect(rep.ok).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('verifyTucker does not call a wrong model right at X·1e-300 (its norms do not underflow)', () => {
    const x = scaled(planted(1), 1e-300);
    const model = hosvd(x, [2, 2, 2]);
    const wrong = { core: scaled(model.core, 2), factors: model.factors };
    const rep = verifyTucker(x, wrong, { maxRelativeError: 1e-3 });
    expect(rep.relativeError).toBeGreaterThan(0.9);
    expect(rep.ok).toBe(false);
    expect(verifyTucker(x, model).relativeError).toBeLessThan(1e-5);
  });

  it('cp: the same fit at every scale, factors rescaled evenly, verifyCp agrees', () => {
    fc.assert(
      fc.property(seed, exponent, fc.boolean(), (sd, k, normalize) => {
        const x = planted(sd);
        const s = 2 ** (3 * Math.round(k / 3)); // a power of 2^3 splits exactly over the 3 factors
        const ref = cp(x, 3, { normalize, maxIter: 30 });
        const got = cp(scaled(x, s), 3, { normalize, maxIter: 30 });
        expect(Array.from(got.errors)).toEqual(Array.from(ref.errors));
        const r0 = verifyCp(x, ref, { maxRelativeError: 0.5 });
        const r1 = verifyCp(scaled(x, s), got, { maxRelativeError: 0.5 });
        expect(r1.relativeError).toBeCloseTo(r0.relativeError, 12);
        expect(r1.ok).toBe(r0.ok);
      }),
      RUNS,
    );
  });

  it('verifyCp is right at X·1e-160 and X·1e-300', () => {
    for (const s of [1e-160, 1e-300, 1e300]) {
      const x = scaled(planted(2), s);
      const m = cp(x, 3, { maxIter: 50 });
      const rep = verifyCp(x, m, { maxRelativeError: 0.5 });
      expect(rep.relativeError).toBeCloseTo(m.errors[m.errors.length - 1]!, 6);
      const wrong = { weights: [2, 2, 2], factors: m.factors };
      expect(verifyCp(x, wrong).ok).toBe(false);
      expect(verifyCp(x, wrong).relativeError).toBeGreaterThan(0.5);
    }
  });

  it('ttSvd({eps}): the same ranks and relative error at every scale', () => {
    fc.assert(
      fc.property(seed, exponent, (sd, k) => {
        const x = planted(sd);
        const s = 2 ** k;
        const ref = ttSvd(x, { eps: 1e-3 });
        const got = ttSvd(scaled(x, s), { eps: 1e-3 });
        expect(got.ranks).toEqual(ref.ranks);
        expect(got.ranks).toEqual([1, 2, 2, 1]);
        const xs = scaled(x, s);
        const back = reconstructTt(got.cores);
        const err =
          tensorNorm(
            new Tensor(
              back.data.map((v, i) => v - xs.data[i]!),
              [...x.shape],
            ),
          ) / tensorNorm(xs);
        expect(err).toBeLessThan(1e-3);
      }),
      RUNS,
    );
  });

  it("the audit's cases: hosvd/tucker at 1e-300 and 1e+160, ttSvd at 1e±300, cp at 1e-300", () => {
    const x = planted(4);
    const ref = hosvd(x, [2, 2, 2]);
    const refErr = verifyTucker(x, ref).relativeError;
    for (const s of [1e-300, 1e160, 1e300]) {
      const xs = scaled(x, s);
      for (const m of [hosvd(xs, [2, 2, 2]), tucker(xs, [2, 2, 2])]) {
        const rep = verifyTucker(xs, m);
        expect(rep.relativeError).toBeCloseTo(refErr, 8); // was 0.9998 at 1e-300, NonFiniteError at 1e+160
        expect(rep.ok).toBe(true);
      }
      const tt = ttSvd(xs, { eps: 1e-10 });
      expect(tt.ranks.slice(1, -1).every((r) => r >= 2)).toBe(true); // was [1, 1, 1, 1] with 70 % error
      const c = cp(xs, 3, { maxIter: 20 });
      expect(Number.isFinite(verifyCp(xs, c).relativeError)).toBe(true); // was a DomainError at 1e-300
    }
  });

  it('tensorNorm neither overflows nor underflows', () => {
    const x = planted(3);
    const n = tensorNorm(x);
    for (const k of [-1000, 1000]) expect(tensorNorm(scaled(x, 2 ** k)) / 2 ** k).toBeCloseTo(n, 10);
  });

  it('subnormal tensors: hosvd and ttSvd still find the structure', () => {
    // Integer-valued data times 2^-1074 is exactly representable in the subnormals.
    const rng = new Rng(5);
    const a = Array.from({ length: 4 }, () => rng.int(1, 40));
    const b = Array.from({ length: 3 }, () => rng.int(1, 40));
    const c = Array.from({ length: 5 }, () => rng.int(1, 40));
    const data = new Float64Array(60);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 5; k++) data[(i * 3 + j) * 5 + k] = a[i]! * b[j]! * c[k]! * 2 ** -1074;
    const x = new Tensor(data, [4, 3, 5]);
    const tt = ttSvd(x, { eps: 1e-10 });
    expect(tt.ranks).toEqual([1, 1, 1, 1]);
    const h = hosvd(x, [1, 1, 1]);
    expect(h.factors.every((u) => u.data.every(Number.isFinite))).toBe(true);
    const rep = verifyTucker(x, h);
    // The core itself is subnormal, so its 2^-1074 grid bounds the attainable accuracy.
    expect(rep.relativeError).toBeLessThan(1e-3);
  });
});

describe('verify* follow LAPACK test-ratio arithmetic', () => {
  it('the counterexample A = [[0, -1.5e-323], [-1.5e-323, -5e-324]] passes verifyEigh', () => {
    const a = new Matrix(2, 2, Float64Array.of(0, -1.5e-323, -1.5e-323, -5e-324));
    const f = eigh(a);
    const rep = verifyEigh(a, { values: f.values, vectors: f.vectors! });
    expect(Number.isFinite(rep.ratios.residual!)).toBe(true);
    expect(rep.ok).toBe(true);
  });

  it('subnormal and 2^±1000-scaled matrices: svd and eigh verify, a corrupted factor does not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => matrixArb(n, n, hostile)),
        fc.constantFrom(2 ** -1000, 2 ** -1060, 1, 2 ** 1000),
        (x, s) => {
          const n = x.rows;
          const a = new Matrix(n, n);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) a.data[i * n + j] = (i >= j ? x.get(i, j) : x.get(j, i)) * s;
          if (!a.data.every(Number.isFinite)) return;
          const e = eigh(a);
          expect(verifyEigh(a, { values: e.values, vectors: e.vectors! }).ok).toBe(true);
          const f = svd(a);
          expect(verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! }).ok).toBe(true);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a wrong factor of a subnormal matrix fails with a large finite ratio', () => {
    const a = new Matrix(2, 2, Float64Array.of(3e-320, 1e-320, 1e-320, 2e-320));
    const f = svd(a);
    const bad = { u: f.u!, s: Float64Array.from(f.s, (v) => v * 2), vt: f.vt! };
    const rep = verifySvd(a, bad);
    expect(rep.ok).toBe(false);
    expect(Number.isFinite(rep.ratios.reconstruction!)).toBe(true);
  });
});

describe('det does not over- or underflow in its intermediate products', () => {
  it('diag(1e200, 1e200, 1e-200, 1e-200) and its reverse give 1', () => {
    for (const d of [
      [1e200, 1e200, 1e-200, 1e-200],
      [1e-200, 1e-200, 1e200, 1e200],
    ]) {
      const a = new Matrix(4, 4);
      for (const [i, v] of d.entries()) a.set(i, i, v);
      expect(det(a)).toBeCloseTo(1, 14);
    }
  });

  it('a graded 8×8 matrix matches the exact determinant (Python fractions)', () => {
    // A[i][i] = 1e-140, 1e-100, …, 1e140, A[i][i+1] = 1: upper triangular, so the exact determinant
    // of the stored doubles is their product, 0.9999999999999999 rounded (fractions.Fraction in
    // test-data/decompositions/det_graded.py). A left-to-right product underflows on the way.
    const d = [1e-140, 1e-100, 1e-60, 1e-20, 1e20, 1e60, 1e100, 1e140];
    const a = new Matrix(8, 8);
    for (let i = 0; i < 8; i++) {
      a.set(i, i, d[i]!);
      if (i < 7) a.set(i, i + 1, 1);
    }
    expect(Math.abs(det(a) - 0.9999999999999999)).toBeLessThanOrEqual(4 * 2 ** -53);
    expect(Math.exp(logdet(a).logAbsDet)).toBeCloseTo(1, 12);
  });

  it('subnormal pivots and results beyond the range', () => {
    expect(det(new Matrix(1, 1, Float64Array.of(5e-324)))).toBe(5e-324);
    expect(det(new Matrix(2, 2, Float64Array.of(1e300, 0, 0, 1e10)))).toBe(Number.POSITIVE_INFINITY);
    expect(det(new Matrix(2, 2, Float64Array.of(1e-300, 0, 0, -1e-30)))).toBe(-0);
    expect(det(new Matrix(2, 2, Float64Array.of(2 ** -600, 0, 0, 2 ** -470)))).toBe(2 ** -1070);
  });
});
