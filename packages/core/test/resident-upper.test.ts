import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  getBackend,
  ResidentUpper,
  Rng,
  ShapeError,
  setBackend,
  wasmSimdSupported,
} from '../src/index.js';

const initial = getBackend();
afterAll(() => setBackend(initial));

/** A symmetric n×n array (both triangles) with entries scaled over 2^±scale, embedded at `off` with rows `ld` apart. */
function symmetric(rng: Rng, n: number, off: number, ld: number, scale: number): Float64Array {
  const a = new Float64Array(off + n * ld).fill(Number.NaN); // padding must never be read
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = rng.normal() * 2 ** rng.int(-scale, scale);
      a[off + i * ld + j] = v;
      a[off + j * ld + i] = v;
    }
  return a;
}

/** Runs one fused pass on the given backend; returns the triangle and p. */
function pass(
  backend: Backend,
  a: Float64Array,
  off: number,
  n: number,
  ld: number,
  r0: number,
  seed: number,
) {
  setBackend(backend);
  const block = new ResidentUpper(a, off, n, ld);
  const rng = new Rng(seed);
  for (const v of [block.vo, block.wo, block.vn]) for (let i = 0; i < n; i++) v[i] = rng.normal();
  block.updateMultiply(r0);
  const out = new Float64Array(n * n);
  block.copyUpperTo(out, 0, n);
  const result = {
    upper: out,
    p: block.p.slice(),
    vo: block.vo.slice(),
    wo: block.wo.slice(),
    vn: block.vn.slice(),
  };
  setBackend(initial);
  return result;
}

describe('ResidentUpper', () => {
  it('property: one fused pass equals the rank-two update followed by the symmetric product (to rounding)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 1e6 }),
        (n, pad, seed) => {
          const rng = new Rng(seed);
          const ld = n + pad;
          const a = symmetric(rng, n, pad, ld, 3);
          const r0 = n ? rng.int(0, n) : 0;
          const { upper, p, vo, wo, vn } = pass('js', a, pad, n, ld, r0, seed + 1);
          // Reference: the full update of rows ≥ r0 (upper entries), then S = A(r0.., r0..) times vn.
          const s = (i: number, j: number) => {
            const [r, c] = i <= j ? [i, j] : [j, i];
            return a[pad + r * ld + c]! - (r >= r0 ? vo[r]! * wo[c]! + wo[r]! * vo[c]! : 0);
          };
          for (let i = 0; i < n; i++)
            for (let j = i; j < n; j++) expect(upper[i * n + j]).toBeCloseTo(s(i, j), 12);
          for (let i = r0; i < n; i++) {
            let want = 0;
            let bound = 0;
            for (let j = r0; j < n; j++) {
              want += s(i, j) * vn[j]!;
              bound += Math.abs(s(i, j) * vn[j]!);
            }
            expect(Math.abs(p[i]! - want)).toBeLessThanOrEqual(1e-13 * (bound + 1));
          }
          for (let i = 0; i < r0; i++) expect(p[i]).toBe(0);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });

  it.skipIf(!wasmSimdSupported())(
    'property: the wasm kernel and the TypeScript loop agree bit for bit (hostile scales too)',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 1e6 }),
          fc.constantFrom(2, 300, 1000),
          (n, pad, seed, scale) => {
            const rng = new Rng(seed);
            const a = symmetric(rng, n, pad, n + pad, scale);
            const r0 = n ? rng.int(0, n) : 0;
            const js = pass('js', a, pad, n, n + pad, r0, seed + 1);
            const wasm = pass('wasm', a, pad, n, n + pad, r0, seed + 1);
            expect(Array.from(wasm.upper)).toEqual(Array.from(js.upper));
            expect(Array.from(wasm.p)).toEqual(Array.from(js.p));
          },
        ),
        { numRuns: 150, seed: 6 },
      );
    },
  );

  it('refuses blocks that do not fit and rows outside the block', () => {
    expect(() => new ResidentUpper(new Float64Array(8), 0, 3, 3)).toThrow(
      new ShapeError('ResidentUpper: a 3×3 block at 0 with rows 3 apart does not fit in 8 values'),
    );
    const b = new ResidentUpper(new Float64Array(4), 0, 2, 2);
    expect(() => b.updateMultiply(3)).toThrow(
      'ResidentUpper.updateMultiply: r0 must be an integer in [0, 2] (got 3)',
    );
  });
});
