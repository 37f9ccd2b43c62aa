import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemm, Matrix, Rng, ShapeError } from '../src/index.js';
import { GemmPool } from '../src/parallel/index.js';

describe('GemmPool (worker threads)', () => {
  let pool: GemmPool;
  beforeAll(async () => {
    pool = await GemmPool.create(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('is bit-for-bit identical to gemm, with transposes, alpha, beta and odd sizes', async () => {
    const rng = new Rng(5);
    for (const [m, n, k, transA, transB] of [
      [131, 129, 300, false, false],
      [200, 97, 150, true, false],
      [257, 130, 129, false, true],
    ] as const) {
      const a = transA ? rng.normalMatrix(k, m) : rng.normalMatrix(m, k);
      const b = transB ? rng.normalMatrix(n, k) : rng.normalMatrix(k, n);
      const c0 = rng.normalMatrix(m, n);
      const opts = { transA, transB, alpha: 0.7, beta: -1.25 };
      const single = gemm(a, b, { ...opts, c: c0.clone() });
      const multi = await pool.gemm(a, b, { ...opts, c: c0.clone() });
      expect(Array.from(multi.data)).toEqual(Array.from(single.data));
    }
  });

  it('reuses its shared memory between products, and gives concurrent products their own', async () => {
    const rng = new Rng(7);
    const shapes = [
      [260, 180, 140],
      [150, 300, 200], // larger rows of B: the slots grow
      [140, 120, 160], // smaller: stale values beyond the product's size must not leak in
    ] as const;
    const cases = shapes.map(([m, n, k]) => ({
      a: rng.normalMatrix(m, k),
      b: rng.normalMatrix(k, n),
      c: rng.normalMatrix(m, n),
    }));
    const want = cases.map(({ a, b, c }) => gemm(a, b, { beta: 0.5, c: c.clone() }));
    for (const [i, { a, b, c }] of cases.entries())
      expect(Array.from((await pool.gemm(a, b, { beta: 0.5, c: c.clone() })).data)).toEqual(
        Array.from(want[i]!.data),
      );
    // β = 0 after a product left other values in the slots.
    expect(Array.from((await pool.gemm(cases[2]!.a, cases[2]!.b)).data)).toEqual(
      Array.from(gemm(cases[2]!.a, cases[2]!.b).data),
    );
    const together = await Promise.all(
      cases.map(({ a, b, c }) => pool.gemm(a, b, { beta: 0.5, c: c.clone() })),
    );
    together.forEach((got, i) => {
      expect(Array.from(got.data)).toEqual(Array.from(want[i]!.data));
    });
  });

  it('runs small products on the calling thread and validates like gemm', async () => {
    const a = new Matrix(
      3,
      4,
      Float64Array.from({ length: 12 }, (_, i) => i),
    );
    expect((await pool.gemm(a, a, { transB: true })).toArray()).toEqual(
      gemm(a, a, { transB: true }).toArray(),
    );
    await expect(pool.gemm(new Matrix(200, 300), new Matrix(200, 300))).rejects.toThrow(ShapeError);
    await expect(pool.gemm(new Matrix(200, 300), new Matrix(200, 300))).rejects.toThrow(
      'GemmPool.gemm: inner dimensions differ (op(a) is 200x300, op(b) is 200x300; transA=false, transB=false)',
    );
  });

  it('one thread computes on the caller alone; three split the rows three ways; both bit-identical', async () => {
    const rng = new Rng(6);
    const a = rng.normalMatrix(301, 170);
    const b = rng.normalMatrix(170, 143);
    const want = gemm(a, b, { alpha: 1.5 });
    for (const threads of [1, 3]) {
      const p = await GemmPool.create(threads);
      expect(p.threads).toBe(threads);
      expect(Array.from((await p.gemm(a, b, { alpha: 1.5 })).data)).toEqual(Array.from(want.data));
      // An output view with strides: the workers' rows are copied back into it.
      const big = new Matrix(143, 301);
      const view = big.T; // 301×143, column stride 301
      await p.gemm(a, b, { alpha: 1.5, c: view });
      expect(Array.from(view.clone().data)).toEqual(Array.from(want.data));
      await p.close();
    }
  });

  it('rejects a bad thread count', async () => {
    await expect(GemmPool.create(0)).rejects.toThrow(
      'GemmPool.create: threads must be an integer in [1, 64] (got 0)',
    );
  });
});
