import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  getBackend,
  ResidentRows,
  Rng,
  ShapeError,
  setBackend,
  wasmSimdSupported,
} from '../src/index.js';

const initial = getBackend();
afterAll(() => setBackend(initial));
const backends: Backend[] = wasmSimdSupported() ? ['js', 'wasm'] : ['js'];

/** y = B(r0.., c0..)·x by a plain sequential loop. */
function reference(
  a: Float64Array,
  off: number,
  ld: number,
  r0: number,
  c0: number,
  m: number,
  k: number,
  x: Float64Array,
) {
  return Float64Array.from({ length: m }, (_, i) => {
    let s = 0;
    for (let c = 0; c < k; c++) s += a[off + (r0 + i) * ld + c0 + c]! * x[c]!;
    return s;
  });
}

describe('ResidentRows', () => {
  for (const backend of backends)
    it(`property (${backend}): sub-block products equal the sequential sums (${backend === 'js' ? 'bit for bit' : 'to rounding'})`, () => {
      setBackend(backend);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 5 }),
          fc.integer({ min: 0, max: 1e6 }),
          (rows, cols, pad, seed) => {
            const rng = new Rng(seed);
            const ld = cols + pad;
            const off = pad;
            const a = Float64Array.from(
              { length: off + rows * ld },
              () => rng.normal() * 2 ** rng.int(-40, 40),
            );
            const block = new ResidentRows(a, off, rows, cols, ld);
            const r0 = rows ? rng.int(0, rows) : 0;
            const c0 = cols ? rng.int(0, cols) : 0;
            const m = rows - r0;
            const k = cols - c0;
            const x = Float64Array.from({ length: k + 2 }, () => rng.normal());
            const y = new Float64Array(m);
            block.multiply(r0, c0, m, k, x, 0, y);
            const want = reference(a, off, ld, r0, c0, m, k, x);
            for (let i = 0; i < m; i++) {
              if (backend === 'js') expect(y[i]).toBe(want[i]);
              else {
                let bound = 0;
                for (let c = 0; c < k; c++) bound += Math.abs(a[off + (r0 + i) * ld + c0 + c]! * x[c]!);
                expect(Math.abs(y[i]! - want[i]!)).toBeLessThanOrEqual(k * 2 ** -52 * bound);
              }
            }
          },
        ),
        { numRuns: 150, seed: 3 },
      );
      setBackend(initial);
    });

  it('refuses blocks and sub-blocks that do not fit', () => {
    expect(() => new ResidentRows(new Float64Array(5), 0, 2, 3, 3)).toThrow(
      new ShapeError('ResidentRows: a 2×3 block at 0 with rows 3 apart does not fit in 5 values'),
    );
    const b = new ResidentRows(new Float64Array(6), 0, 2, 3, 3);
    expect(() => b.multiply(1, 0, 2, 3, new Float64Array(3), 0, new Float64Array(2))).toThrow(
      'ResidentRows.multiply: rows 1..3 and columns 0..3 leave the 2×3 block',
    );
  });
});
