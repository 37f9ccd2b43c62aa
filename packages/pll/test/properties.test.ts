import { Matrix, Rng, squaredDistances } from '@numts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveConfidenceQp } from '../src/confidence.js';
import { graphWeights, nearestRows, neighbours, normalizeRows, simplexQp } from '../src/graph.js';
import {
  Clpl,
  fitPlAggd,
  fitPlcl,
  fitPlSvm,
  generateCandidates,
  holdoutSplits,
  Ipal,
  kFoldSplits,
  PlAggd,
  PlCl,
  Plcp,
  PlKnn,
  PlSvm,
} from '../src/index.js';
import { KernelRidge, rbfKernel } from '../src/kernel.js';
import { PlclState } from '../src/plcl.js';
import { projectCandidateSimplex, projectComplementSimplex } from '../src/simplex.js';

const EPS = 2 ** -52;
const runs = { numRuns: 60, seed: 20261127 };

/** A random candidate mask of length l with at least one 1. */
const maskArb = (l: number) =>
  fc.array(fc.boolean(), { minLength: l, maxLength: l }).map((b) => {
    const m = b.map((v) => (v ? 1 : 0));
    if (!m.some((v) => v)) m[0] = 1;
    return m;
  });
const vecArb = (l: number) =>
  fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: l, maxLength: l });

/** A small PLL problem: clustered features, candidates containing the cluster label. */
function problem(seed: number, n = 40, d = 3, l = 4): { x: Matrix; y: Matrix; truth: Int32Array } {
  const rng = new Rng(seed);
  const truth = Int32Array.from({ length: n }, (_, i) => i % l);
  const x = new Matrix(n, d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      x.data[i * d + j] = (j === truth[i]! % d ? 3 : 0) + (truth[i]! >= d ? 1.5 : 0) + rng.normal();
  const y = generateCandidates(truth, l, { kind: 'uniform', r: 1, p: 0.6, seed });
  return { x, y, truth };
}

describe('projections', () => {
  it('candidate simplex: feasible, zero off the mask, and optimal (⟨v − p, z − p⟩ ≤ 0 for feasible z)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((l) => fc.tuple(vecArb(l), maskArb(l), vecArb(l))),
        ([v, mask, zr]) => {
          const l = v.length;
          const p = Float64Array.from(v);
          projectCandidateSimplex(p, 0, l, mask, 0);
          let sum = 0;
          for (let c = 0; c < l; c++) {
            expect(p[c]).toBeGreaterThanOrEqual(0);
            if (!mask[c]) expect(p[c]).toBe(0);
            sum += p[c]!;
          }
          expect(Math.abs(sum - 1)).toBeLessThanOrEqual(8 * l * EPS);
          // A feasible z: project another vector.
          const z = Float64Array.from(zr);
          projectCandidateSimplex(z, 0, l, mask, 0);
          let ip = 0;
          for (let c = 0; c < l; c++) ip += (v[c]! - p[c]!) * (z[c]! - p[c]!);
          expect(ip).toBeLessThanOrEqual(1e-12 * (1 + Math.max(...v.map(Math.abs))));
        },
      ),
      runs,
    );
  });

  it('complement simplex (PLCP partner): non-candidates pinned to 1, candidates in [0, 1], Σq = l − 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }).chain((l) => fc.tuple(vecArb(l), maskArb(l))),
        ([v, mask]) => {
          const l = v.length;
          const q = Float64Array.from(v);
          projectComplementSimplex(q, 0, l, mask, 0);
          let sum = 0;
          for (let c = 0; c < l; c++) {
            if (!mask[c]) expect(q[c]).toBe(1);
            expect(q[c]).toBeGreaterThanOrEqual(0);
            expect(q[c]).toBeLessThanOrEqual(1);
            sum += q[c]!;
          }
          expect(Math.abs(sum - (l - 1))).toBeLessThanOrEqual(8 * l * EPS * l);
        },
      ),
      runs,
    );
  });
});

describe('nearest rows', () => {
  it('equals sorting each row by (distance, index) and taking the first k, ties included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (m, n, kWanted, excludeSelf, seed) => {
          const rng = new Rng(seed);
          // Few distinct values: many ties.
          const d = new Matrix(
            m,
            n,
            Float64Array.from({ length: m * n }, () => rng.int(0, 4)),
          );
          const k = Math.min(kWanted, n - (excludeSelf ? 1 : 0));
          const got = nearestRows(d, k, excludeSelf);
          for (let i = 0; i < m; i++) {
            const order = Array.from({ length: n }, (_, j) => j)
              .filter((j) => !excludeSelf || j !== i)
              .sort((a, b) => d.get(i, a) - d.get(i, b) || a - b);
            expect(Array.from(got.subarray(i * k, (i + 1) * k))).toEqual(order.slice(0, k));
          }
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });
});

describe('neighbours in blocks of rows', () => {
  it('equals the neighbours from the full distance matrix when n needs two blocks (n = 4500)', () => {
    const x = new Rng(4).normalMatrix(4500, 3);
    const xn = normalizeRows(x);
    const full = nearestRows(squaredDistances(xn, xn), 5, true);
    expect(Array.from(neighbours(x, 5))).toEqual(Array.from(full));
  });
});

describe('graph weights (simplexQp)', () => {
  it('KKT: on the simplex, and no feasible point has a smaller objective', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (k, d, seed) => {
          const rng = new Rng(seed);
          const dm = rng.normalMatrix(k, d);
          const h = new Float64Array(k * k);
          for (let a = 0; a < k; a++)
            for (let b = 0; b < k; b++) {
              let s = 0;
              for (let c = 0; c < d; c++) s += dm.data[a * d + c]! * dm.data[b * d + c]!;
              h[a * k + b] = s;
            }
          const w = simplexQp(h, k);
          const obj = (u: ArrayLike<number>) => {
            let s = 0;
            for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += u[a]! * h[a * k + b]! * u[b]!;
            return s;
          };
          expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          for (const v of w) expect(v).toBeGreaterThanOrEqual(0);
          let tr = 0;
          for (let a = 0; a < k; a++) tr += h[a * k + a]!;
          const fw = obj(w);
          for (let t = 0; t < 20; t++) {
            const z = rng.uniformArray(k);
            const s = z.reduce((a, b) => a + b, 0);
            expect(fw).toBeLessThanOrEqual(obj(z.map((v) => v / s)) + 1e-9 * tr);
          }
        },
      ),
      runs,
    );
  });
});

describe('labeling confidence (P-step)', () => {
  it('rows stay on the candidate simplex and the P-step objective does not increase from its start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const { x, y } = problem(seed, 30, 3, 4);
        const k = 5;
        const nb = neighbours(x, k);
        const w = graphWeights(normalizeRows(x), nb, k, null, 1, 0);
        const target = new Rng(seed + 1).uniformMatrix(30, 4);
        const c = 1.5;
        const objective = (p: Matrix) => {
          let s = 0;
          for (let i = 0; i < 30; i++)
            for (let col = 0; col < 4; col++) {
              let r = p.data[i * 4 + col]!;
              for (let t = 0; t < k; t++) r -= w[i * k + t]! * p.data[nb[i * k + t]! * 4 + col]!;
              s += r * r + c * (p.data[i * 4 + col]! - target.data[i * 4 + col]!) ** 2;
            }
          return s;
        };
        const start = new Rng(seed + 3).uniformMatrix(30, 4, -1, 2);
        for (let i = 0; i < 30; i++) projectCandidateSimplex(start.data, i * 4, 4, y.data, i * 4);
        const p = solveConfidenceQp(y, nb, w, k, c, target, { tol: 1e-12, start }).p;
        for (let i = 0; i < 30; i++) {
          let s = 0;
          for (let col = 0; col < 4; col++) {
            const v = p.data[i * 4 + col]!;
            expect(v).toBeGreaterThanOrEqual(0);
            if (!y.data[i * 4 + col]) expect(v).toBe(0);
            s += v;
          }
          expect(Math.abs(s - 1)).toBeLessThan(1e-12);
        }
        expect(objective(p)).toBeLessThanOrEqual(objective(start) + 1e-12);
        // Strictly convex: the solution from the uniform start is the same point.
        const p2 = solveConfidenceQp(y, nb, w, k, c, target, { tol: 1e-12 }).p;
        for (let i = 0; i < p.data.length; i++) expect(Math.abs(p.data[i]! - p2.data[i]!)).toBeLessThan(1e-8);
        // Optimality against a perturbed feasible point.
        const z = p.clone();
        const rng = new Rng(seed + 2);
        for (let i = 0; i < 30; i++) {
          for (let col = 0; col < 4; col++) z.data[i * 4 + col] = z.data[i * 4 + col]! + 0.05 * rng.normal();
          projectCandidateSimplex(z.data, i * 4, 4, y.data, i * 4);
        }
        expect(objective(p)).toBeLessThanOrEqual(objective(z) + 1e-9);
      }),
      { numRuns: 15, seed: 7 },
    );
  });
});

describe('kernel ridge closed form', () => {
  it('(cK/(2λ) + I/2)A = T − 1bᵀ, 1ᵀA = 0, training outputs = T − A/2 = cKA/(2λ) + 1bᵀ', () => {
    const rng = new Rng(3);
    const x = rng.normalMatrix(25, 3);
    const kern = rbfKernel(x, x, 1.3);
    for (const c of [1, 0.5]) {
      const kr = new KernelRidge(kern, 0.03, c);
      const t = rng.uniformMatrix(25, 4);
      const h = kr.fit(t);
      const a = kr.a!;
      const direct = kr.expansion(x, 1.3).evaluate(x);
      for (let col = 0; col < 4; col++) {
        let s = 0;
        for (let i = 0; i < 25; i++) s += a.data[i * 4 + col]!;
        expect(Math.abs(s)).toBeLessThan(1e-10);
      }
      for (let i = 0; i < 100; i++) expect(Math.abs(h.data[i]! - direct.data[i]!)).toBeLessThan(1e-9);
    }
  });
});

describe('PL-CL invariants', () => {
  it('P on the candidate simplices, Q in [1 − Y, 1] with non-candidates pinned at 1, after every iteration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const { x, y } = problem(seed);
        const state = new PlclState('test', x, y, { k: 5, maxIter: 3 });
        for (let it = 0; it < 3; it++) {
          state.iterate();
          const l = y.cols;
          for (let i = 0; i < x.rows; i++) {
            let s = 0;
            for (let c = 0; c < l; c++) {
              const p = state.p.data[i * l + c]!;
              const q = state.q.data[i * l + c]!;
              expect(p).toBeGreaterThanOrEqual(0);
              expect(q).toBeLessThanOrEqual(1);
              expect(q).toBeGreaterThanOrEqual(1 - y.data[i * l + c]!);
              if (!y.data[i * l + c]) {
                expect(p).toBe(0);
                expect(q).toBe(1);
              }
              s += p;
            }
            expect(Math.abs(s - 1)).toBeLessThan(1e-12);
          }
        }
      }),
      { numRuns: 10, seed: 11 },
    );
  });

  it('the reconstructed objective (spec §A.3) never increases across the W-, Q-, P- and refit steps', () => {
    /** J = ‖P−H‖² + α‖Ĥ−Q‖² + λ(‖V‖² + ‖V̂‖²) + β‖E−P−Q‖² + γ‖X̄−SX̄‖² + μ‖P−SP‖², V = φᵀA/(2λ), V̂ = αφᵀÂ/(2λ). */
    const objective = (st: PlclState): number => {
      const { alpha, beta, gamma, mu, lambda, k } = st.o;
      const n = st.x.rows;
      const l = st.y.cols;
      const d = st.xn.cols;
      let j = 0;
      for (let i = 0; i < n * l; i++) {
        j += (st.p.data[i]! - st.h.data[i]!) ** 2 + alpha * (st.hc.data[i]! - st.q.data[i]!) ** 2;
        j += beta * (1 - st.p.data[i]! - st.q.data[i]!) ** 2;
      }
      const kernel = st.kernelMatrix();
      const quad = (a: Matrix) => {
        let s = 0;
        for (let c = 0; c < a.cols; c++)
          for (let i = 0; i < n; i++)
            for (let i2 = 0; i2 < n; i2++)
              s += a.data[i * a.cols + c]! * kernel.data[i * n + i2]! * a.data[i2 * a.cols + c]!;
        return s;
      };
      j +=
        quad(st.ordinary.a!) / (4 * lambda) + (alpha * alpha * quad(st.complementaryRidge.a!)) / (4 * lambda);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < d; c++) {
          let r = st.xn.data[i * d + c]!;
          for (let t = 0; t < k; t++) r -= st.w[i * k + t]! * st.xn.data[st.nb[i * k + t]! * d + c]!;
          j += gamma * r * r;
        }
        for (let c = 0; c < l; c++) {
          let r = st.p.data[i * l + c]!;
          for (let t = 0; t < k; t++) r -= st.w[i * k + t]! * st.p.data[st.nb[i * k + t]! * l + c]!;
          j += mu * r * r;
        }
      }
      return j;
    };
    let interior = 0;
    for (const seed of [1, 2, 3]) {
      const { x, y } = problem(seed);
      const st = new PlclState('test', x, y, { k: 5 });
      let prev = objective(st);
      const history: string[] = [];
      for (let it = 0; it < 4; it++) {
        for (const step of ['updateGraph', 'updateComplementary', 'updateConfidence', 'refit'] as const) {
          st[step]();
          const now = objective(st);
          history.push(`${step} ${now}`);
          expect(now, history.join('\n')).toBeLessThanOrEqual(prev * (1 + 1e-9));
          prev = now;
          if (step === 'updateComplementary') {
            // Block optimality of the closed-form Q (KKT): at entries strictly inside the box
            // [1 − Y, 1] the finite-difference derivative of J vanishes.
            const q0 = st.q;
            let checked = 0;
            for (let i = 0; i < q0.data.length && checked < 12; i += 7) {
              const v = q0.data[i]!;
              if (v <= 1 - y.data[i]! + 1e-6 || v >= 1 - 1e-6) continue;
              const h = 1e-5;
              st.q = q0.clone();
              st.q.data[i] = v + h;
              const up = objective(st);
              st.q.data[i] = v - h;
              const down = objective(st);
              expect(Math.abs((up - down) / (2 * h))).toBeLessThan(1e-5 * Math.max(1, now));
              checked++;
              interior++;
            }
            st.q = q0;
          }
        }
      }
    }
    expect(interior).toBeGreaterThan(20);
  });

  it('PL-CL with α = β = 0 equals PL-AGGD bit for bit', () => {
    const { x, y } = problem(5);
    const a = fitPlcl(x, y, { k: 5, alpha: 0, beta: 0 }).decisionFunction(x);
    const b = fitPlAggd(x, y, { k: 5 }).decisionFunction(x);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it('predictions are the first-index argmax of decisionFunction; learns the clustered problem', () => {
    const { x, y, truth } = problem(9, 80);
    const m = fitPlcl(x, y, { k: 6 });
    const f = m.decisionFunction(x);
    const pred = m.predict(x);
    let correct = 0;
    for (let i = 0; i < x.rows; i++) {
      const row = Array.from(f.data.subarray(i * f.cols, (i + 1) * f.cols));
      expect(pred[i]).toBe(row.indexOf(Math.max(...row)));
      if (pred[i] === truth[i]) correct++;
    }
    expect(correct / x.rows).toBeGreaterThan(0.8);
  });

  it('the P⁰ graph weights put every row on the simplex over its k neighbours', () => {
    const { x } = problem(2);
    const nb = neighbours(x, 5);
    const w = graphWeights(normalizeRows(x), nb, 5, null, 1, 0);
    for (let i = 0; i < x.rows; i++) {
      const row = Array.from(w.subarray(i * 5, i * 5 + 5));
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      for (let t = 0; t < 5; t++) expect(nb[i * 5 + t]).not.toBe(i);
    }
  });
});

describe('learners: serialization, determinism, sanity', () => {
  const { x, y, truth } = problem(13, 60);
  const learners = () => [
    new PlCl({ k: 5 }),
    new PlAggd({ k: 5 }),
    new Plcp({ baseOptions: { k: 5, maxIter: 2 }, rounds: 2, partnerIterations: 3 }),
    new Plcp({ base: 'pl-cl', baseOptions: { k: 5, maxIter: 2 }, rounds: 2, partnerIterations: 3 }),
    new PlKnn({ k: 5 }),
    new Ipal({ k: 5 }),
    new Clpl(),
    new PlSvm({ seed: 3 }),
  ];
  it.each(learners().map((l) => [l.constructor.name, l] as const))(
    '%s: toJSON → JSON text → fromJSON gives identical decision values',
    (_, learner) => {
      learner.fit(x, y);
      const text = JSON.stringify(learner.toJSON());
      const Ctor = learner.constructor as unknown as { fromJSON(j: unknown): typeof learner };
      const restored = Ctor.fromJSON(JSON.parse(text));
      expect(Array.from(restored.decisionFunction(x).data)).toEqual(
        Array.from(learner.decisionFunction(x).data),
      );
      expect(Array.from(restored.predict(x))).toEqual(Array.from(learner.predict(x)));
      let correct = 0;
      const pred = learner.predict(x);
      for (let i = 0; i < x.rows; i++) if (pred[i] === truth[i]) correct++;
      expect(correct / x.rows).toBeGreaterThan(0.5);
    },
  );

  it('PL-SVM: same seed, same bits; another seed, other bits', () => {
    const a = fitPlSvm(x, y, { seed: 1 }).weights.data;
    const b = fitPlSvm(x, y, { seed: 1 }).weights.data;
    const c = fitPlSvm(x, y, { seed: 2 }).weights.data;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('protocols', () => {
  it('uniform candidates: truth always a candidate, ⌊pn + ½⌋ rows with exactly r extras, seeded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 8 }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (l, n, p, seed) => {
          const r = 1 + (seed % (l - 1));
          const truth = Int32Array.from({ length: n }, (_, i) => (i * 7) % l);
          const y = generateCandidates(truth, l, { kind: 'uniform', r, p, seed });
          let partial = 0;
          for (let i = 0; i < n; i++) {
            expect(y.data[i * l + truth[i]!]).toBe(1);
            let cnt = 0;
            for (let c = 0; c < l; c++) cnt += y.data[i * l + c]!;
            expect(cnt === 1 || cnt === r + 1).toBe(true);
            if (cnt > 1) partial++;
          }
          expect(partial).toBe(Math.floor(p * n + 0.5));
          expect(Array.from(generateCandidates(truth, l, { kind: 'uniform', r, p, seed }).data)).toEqual(
            Array.from(y.data),
          );
        },
      ),
      runs,
    );
  });

  it('co-occurrence candidates: two candidates each; with ε = 1 the extra label is a fixed function of the class', () => {
    const truth = Int32Array.from({ length: 200 }, (_, i) => i % 5);
    const y = generateCandidates(truth, 5, { kind: 'cooccurrence', epsilon: 1, seed: 4 });
    const extraOf = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const cands = [0, 1, 2, 3, 4].filter((c) => y.data[i * 5 + c]);
      expect(cands.length).toBe(2);
      const extra = cands.find((c) => c !== truth[i])!;
      if (extraOf.has(truth[i]!)) expect(extraOf.get(truth[i]!)).toBe(extra);
      else extraOf.set(truth[i]!, extra);
    }
  });

  it('k-fold splits partition the rows; hold-out splits have ⌈n/2⌉ training rows and are disjoint', () => {
    const folds = kFoldSplits(23, 5, 1);
    const seen = new Int32Array(23);
    for (const f of folds) {
      for (const i of f.test) seen[i]!++;
      expect(f.train.length + f.test.length).toBe(23);
    }
    expect(Array.from(seen)).toEqual(new Array(23).fill(1));
    for (const s of holdoutSplits(21, 4, 2)) {
      expect(s.train.length).toBe(11);
      expect(new Set([...s.train, ...s.test]).size).toBe(21);
    }
  });
});
