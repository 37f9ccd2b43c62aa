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

  it('rejects a bad thread count', async () => {
    await expect(GemmPool.create(0)).rejects.toThrow(
      'GemmPool.create: threads must be an integer in [1, 64] (got 0)',
    );
  });
});
