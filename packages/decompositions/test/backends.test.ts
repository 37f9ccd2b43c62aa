/**
 * The decompositions on the two compute backends: the wasm kernels (gemm, plane rotations) keep
 * the TypeScript kernels' operation order, so SVD, eigh and QR give the same bits on both — except
 * the level-2 products of the blocked reductions (eigh and svd above 96 columns), whose wasm kernel
 * sums column pairs (and the bidiagonal reduction is blocked on wasm only): there they agree to
 * rounding.
 */
import { type Backend, getBackend, Matrix, Rng, setBackend, wasmSimdSupported } from '@numts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { eigh, qr, svd } from '../src/index.js';

const initial = getBackend();
afterAll(() => setBackend(initial));

function on<T>(backend: Backend, f: () => T): T {
  setBackend(backend);
  try {
    return f();
  } finally {
    setBackend(initial);
  }
}

const bits = (x: Float64Array | Matrix) =>
  Array.from(x instanceof Matrix ? x.clone().data : x, (v) => (Object.is(v, -0) ? '-0' : String(v)));

const supported = wasmSimdSupported();
if (!supported) console.log('skipping the backend comparison: this runtime has no WebAssembly SIMD');

describe.skipIf(!supported)('decompositions: same bits on the js and wasm backends', () => {
  const rng = new Rng(5);
  for (const [m, n] of [
    [70, 50],
    [41, 41],
    [129, 37],
  ] as const) {
    it(`svd, eigh and qr of ${m}×${n}`, () => {
      const a = rng.normalMatrix(m, n);
      const s = new Matrix(
        n,
        n,
        Float64Array.from({ length: n * n }, (_, k) => {
          const i = Math.floor(k / n);
          const j = k % n;
          return a.get(i, j) + a.get(j, i);
        }),
      );
      type Factors = Record<string, Float64Array | Matrix | undefined>;
      const cases: [string, () => unknown][] = [
        ['svd', () => svd(a)],
        ['eigh', () => eigh(s)],
        ['qr', () => qr(a)],
      ];
      for (const [name, run] of cases) {
        const js = on('js', run) as Factors;
        const wasm = on('wasm', run) as Factors;
        for (const key of Object.keys(js)) {
          const x = js[key];
          if (x === undefined) continue;
          expect(bits(wasm[key]!), `${name}.${key}`).toEqual(bits(x));
        }
      }
    });
  }
});

describe.skipIf(!supported)('eigh and svd above 96 rows: the same reduction on both backends', () => {
  it('eigh: bit-identical (the fused tridiagonal kernel follows the TypeScript summation order), and verified', async () => {
    const { verifyEigh } = await import('../src/index.js');
    const n = 131;
    const x = new Rng(9).normalMatrix(n, n);
    const s = new Matrix(
      n,
      n,
      Float64Array.from(
        { length: n * n },
        (_, k) => x.get(Math.floor(k / n), k % n) + x.get(k % n, Math.floor(k / n)),
      ),
    );
    const js = on('js', () => eigh(s));
    const wasm = on('wasm', () => eigh(s));
    expect(Array.from(wasm.values)).toEqual(Array.from(js.values));
    expect(Array.from(wasm.vectors!.data)).toEqual(Array.from(js.vectors!.data));
    for (const f of [js, wasm])
      expect(verifyEigh(s, { values: f.values, vectors: f.vectors! }).ok).toBe(true);
  });
  it('svd (the row products agree to rounding): singular values to 64·m·ε·σ₁, vectors to 1e-9, both verified', async () => {
    const { verifySvd } = await import('../src/index.js');
    const a = new Rng(10).normalMatrix(150, 130);
    const js = on('js', () => svd(a));
    const wasm = on('wasm', () => svd(a));
    for (let i = 0; i < 130; i++)
      expect(Math.abs(wasm.s[i]! - js.s[i]!)).toBeLessThan(64 * 150 * 2 ** -52 * js.s[0]!);
    let worst = 0;
    for (let i = 0; i < wasm.u!.data.length; i++)
      worst = Math.max(worst, Math.abs(wasm.u!.data[i]! - js.u!.data[i]!));
    for (let i = 0; i < wasm.vt!.data.length; i++)
      worst = Math.max(worst, Math.abs(wasm.vt!.data[i]! - js.vt!.data[i]!));
    expect(worst).toBeLessThan(1e-9);
    expect(worst).toBeGreaterThan(0);
    for (const f of [js, wasm]) expect(verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! }).ok).toBe(true);
  });
});
