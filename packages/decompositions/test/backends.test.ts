/**
 * The decompositions on the two compute backends: the wasm kernels (gemm, plane rotations) keep
 * the TypeScript kernels' operation order, so SVD, eigh and QR give the same bits on both.
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
