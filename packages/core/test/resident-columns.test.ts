import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  getBackend,
  ResidentColumns,
  Rng,
  ShapeError,
  setBackend,
  wasmSimdSupported,
} from '../src/index.js';

const initial = getBackend();
afterAll(() => setBackend(initial));

/** One accumulate and one subtract from row r0 on the given backend; returns C, x and y. */
function run(backend: Backend, rows: number, cols: number, r0: number, seed: number, scale: number) {
  setBackend(backend);
  const rng = new Rng(seed);
  const src = Float64Array.from({ length: rows * cols }, () => rng.normal() * 2 ** rng.int(-scale, scale));
  const block = new ResidentColumns(rows, cols);
  block.load(src, 0, cols);
  for (let r = 0; r < rows; r++) {
    block.va[r] = rng.normal();
    block.vb[r] = rng.normal();
  }
  const x0 = Float64Array.from({ length: cols }, () => rng.normal());
  block.x.set(x0);
  block.accumulate(r0);
  const x = block.x.slice(0, cols);
  const y = block.y.slice(0, cols);
  // The subtract step with other column vectors.
  for (let j = 0; j < cols; j++) {
    block.x[j] = rng.normal();
    block.y[j] = rng.normal();
  }
  const ux = block.x.slice(0, cols);
  const uy = block.y.slice(0, cols);
  block.subtract(r0);
  const out = new Float64Array(rows * cols);
  block.store(out, 0, cols);
  const result = { src, va: block.va.slice(), vb: block.vb.slice(), x0, x, y, ux, uy, out };
  setBackend(initial);
  return result;
}

describe('ResidentColumns', () => {
  it('property: accumulate gives x += Cᵀ·va, y = Cᵀ·vb and subtract C −= va·xᵀ + vb·yᵀ, rows ≥ r0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 21 }),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, cols, seed) => {
          const r0 = new Rng(seed).int(0, rows + 1);
          const { src, va, vb, x0, x, y, ux, uy, out } = run('js', rows, cols, r0, seed, 2);
          for (let j = 0; j < cols; j++) {
            let sx = x0[j]!;
            let sy = 0;
            for (let r = r0; r < rows; r++) {
              sx += va[r]! * src[r * cols + j]!;
              sy += vb[r]! * src[r * cols + j]!;
            }
            expect(x[j]).toBeCloseTo(sx, 12);
            expect(y[j]).toBeCloseTo(sy, 12);
          }
          for (let r = 0; r < rows; r++)
            for (let j = 0; j < cols; j++) {
              const want =
                r < r0 ? src[r * cols + j]! : src[r * cols + j]! - (va[r]! * ux[j]! + vb[r]! * uy[j]!);
              expect(out[r * cols + j]).toBe(want);
            }
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it.skipIf(!wasmSimdSupported())(
    'property: the wasm kernels and the TypeScript loops agree bit for bit (widths around the 8-column block, hostile scales)',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 30 }),
          fc.integer({ min: 0, max: 27 }),
          fc.integer({ min: 0, max: 1e6 }),
          fc.constantFrom(2, 500, 1020),
          (rows, cols, seed, scale) => {
            const r0 = new Rng(seed).int(0, rows + 1);
            const js = run('js', rows, cols, r0, seed, scale);
            const wasm = run('wasm', rows, cols, r0, seed, scale);
            for (const k of ['x', 'y', 'out'] as const)
              expect(Array.from(wasm[k])).toEqual(Array.from(js[k]));
          },
        ),
        { numRuns: 100, seed: 8 },
      );
    },
  );

  it('refuses bad sizes and rows outside the block', () => {
    expect(() => new ResidentColumns(-1, 3)).toThrow(
      new ShapeError('ResidentColumns: rows and cols must be integers ≥ 0 (got -1×3)'),
    );
    const b = new ResidentColumns(3, 2);
    expect(b.ld).toBe(8);
    expect(() => b.accumulate(4)).toThrow(
      'ResidentColumns.accumulate: r0 must be an integer in [0, 3] (got 4)',
    );
    expect(() => b.subtract(-1)).toThrow(
      'ResidentColumns.subtract: r0 must be an integer in [0, 3] (got -1)',
    );
  });
});
