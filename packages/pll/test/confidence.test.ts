/**
 * The confidence QP solved to a KKT tolerance: the initial P⁰ problem at the size where the earlier
 * iteration-capped solver's answer depended on its cap (n = 2000, l = 90).
 */
import { ConvergenceError, Matrix, Rng } from '@numts/core';
import { describe, expect, it } from 'vitest';
import { solveConfidenceQp } from '../src/confidence.js';
import { featureGrams, graphWeights, neighbours, normalizeRows } from '../src/graph.js';
import { PLCL_DEFAULTS } from '../src/index.js';

/** A seeded PLL problem: 90 Gaussian classes in 100-d, the true label plus 0–3 random candidates. */
function problem(n: number, l: number, seed: number) {
  const d = 100;
  const rng = new Rng(seed);
  const centres = rng.normalMatrix(l, d);
  const x = new Matrix(n, d);
  const y = new Matrix(n, l);
  for (let i = 0; i < n; i++) {
    const c = rng.int(0, l - 1);
    for (let j = 0; j < d; j++) x.set(i, j, centres.get(c, j) + 1.5 * rng.normal());
    y.set(i, c, 1);
    const extra = rng.int(0, 3);
    for (let e = 0; e < extra; e++) y.set(i, rng.int(0, l - 1), 1);
  }
  const k = PLCL_DEFAULTS.k;
  const xn = normalizeRows(x);
  const nb = neighbours(x, k);
  return { y, nb, k, w: graphWeights(xn, nb, k, null, 1, 0, featureGrams(xn, nb, k)) };
}

describe('solveConfidenceQp', () => {
  const { y, nb, w, k } = problem(2000, 90, 2000);

  it('solves P⁰ at n = 2000, l = 90 to a KKT residual ≤ 1e-8, stable when the tolerance tightens tenfold', () => {
    const loose = solveConfidenceQp(y, nb, w, k, 0, null, { tol: 1e-8 });
    const tight = solveConfidenceQp(y, nb, w, k, 0, null, { tol: 1e-9 });
    expect(loose.residual).toBeLessThanOrEqual(1e-8);
    expect(tight.residual).toBeLessThanOrEqual(1e-9);
    let change = 0;
    for (let i = 0; i < loose.p.data.length; i++)
      change = Math.max(change, Math.abs(loose.p.data[i]! - tight.p.data[i]!));
    expect(change).toBeLessThanOrEqual(1e-6);
    // Every row on its candidate simplex.
    for (let i = 0; i < 2000; i++) {
      let s = 0;
      for (let c = 0; c < 90; c++) {
        const v = tight.p.get(i, c);
        expect(v).toBeGreaterThanOrEqual(0);
        if (!y.get(i, c)) expect(v).toBe(0);
        s += v;
      }
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    }
  });

  it('throws a ConvergenceError naming the residual when its rounds run out', () => {
    const run = () => solveConfidenceQp(y, nb, w, k, 0, null, { tol: 1e-12, maxIter: 0 });
    expect(run).toThrow(ConvergenceError);
    expect(run).toThrow(
      /^solveConfidenceQp: the KKT residual is \d\.\d\de-\d+ after 0 rounds \(tolerance 1e-12\)$/,
    );
  });
});
