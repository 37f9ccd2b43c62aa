/**
 * The two compute backends: the backend API, the wasm emitter's encodings, and gemm on the wasm
 * backend bit-for-bit equal to the pure TypeScript kernel on the packed path (random shapes,
 * strides, transposes, α, β, and hostile entries). The core and decompositions suites run on both
 * backends through the `[js backend]` projects of vitest.config.ts.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hostile, naiveGemm, stridedViewArb, wellScaled } from '../../testing/src/index.js';
import {
  type Backend,
  DomainError,
  gemm,
  gemm32,
  getBackend,
  Matrix,
  Matrix32,
  Rng,
  rotateRows,
  ShapeError,
  setBackend,
  syrk,
  wasmSimdSupported,
} from '../src/index.js';
import { KC, MC, NC } from '../src/kernels/gemm.js';
import { sleb, uleb } from '../src/wasm/emitter.js';
import { kernelModuleBytes } from '../src/wasm/gemm-module.js';
import { loadWasmKernels } from '../src/wasm/gemm-wasm.js';

const initial = getBackend();
afterAll(() => setBackend(initial));

function onBackend<T>(backend: Backend, f: () => T): T {
  const before = getBackend();
  setBackend(backend);
  try {
    return f();
  } finally {
    setBackend(before);
  }
}

describe('backend selection', () => {
  it('reports the backend in use and rejects unknown names with the rule', () => {
    expect(['js', 'wasm']).toContain(getBackend());
    expect(() => setBackend('gpu' as Backend)).toThrow(DomainError);
    expect(() => setBackend('gpu' as Backend)).toThrow(
      'setBackend: backend must be "js" or "wasm" (got "gpu")',
    );
    onBackend('js', () => expect(getBackend()).toBe('js'));
  });

  it('NUMTS_BACKEND chooses the backend of a test project', () => {
    const env = process.env.NUMTS_BACKEND;
    if (env === 'js' || env === 'wasm') expect(initial).toBe(env);
    else expect(initial).toBe(wasmSimdSupported() ? 'wasm' : 'js');
  });
});

describe('the wasm emitter', () => {
  it('encodes LEB128 as the WebAssembly spec', () => {
    // Examples of the LEB128 definition (DWARF 4, §7.6) and its signed edge cases.
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('writes a module the runtime validates, the same bytes every time', () => {
    const bytes = kernelModuleBytes();
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const wasm = (globalThis as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
    expect(wasm?.validate(bytes)).toBe(true);
    expect(Array.from(kernelModuleBytes())).toEqual(Array.from(bytes));
  });
});

const supported = wasmSimdSupported();
if (!supported) console.log('skipping the wasm-vs-js comparisons: this runtime has no WebAssembly SIMD');

describe.skipIf(!supported)('gemm: wasm backend bit-identical to the TypeScript kernel', () => {
  const bits = (m: Matrix) => Array.from(m.clone().data, (v) => (Object.is(v, -0) ? '-0' : String(v)));
  const both = (run: () => Matrix) => [onBackend('js', run), onBackend('wasm', run)] as const;

  it('syrk gives the same bits on both backends (blocks of the triangle on the packed path)', () => {
    const rng = new Rng(9);
    for (const [m, n] of [
      [300, 140],
      [70, 260],
    ] as const) {
      const a = rng.normalMatrix(m, n);
      for (const trans of [false, true]) {
        const [js, wasm] = both(() => syrk(a, { trans, alpha: 0.75 }));
        expect(bits(wasm)).toEqual(bits(js));
      }
    }
  });

  it('a C too tall to sit in wasm memory at once goes through in chunks of rows, bit for bit', () => {
    // 2200 × 4096 (72 MB): more than the 2²² elements of C held in wasm memory, so three chunks.
    const rng = new Rng(8);
    const a = rng.normalMatrix(2200, 5);
    const b = rng.normalMatrix(5, 4096);
    const c0 = rng.normalMatrix(2200, 4096);
    const [js, wasm] = both(() => gemm(a, b, { alpha: 0.5, beta: -2, c: c0.clone() }));
    // Bits compared as bytes (a deep toEqual of 9 million numbers takes most of a minute).
    const jsBytes = new Uint8Array(js.data.buffer, js.data.byteOffset, js.data.byteLength);
    const wasmBytes = new Uint8Array(wasm.data.buffer, wasm.data.byteOffset, wasm.data.byteLength);
    const firstDifference = wasmBytes.findIndex((v, i) => v !== jsBytes[i]);
    expect(firstDifference).toBe(-1);
    // The kernel memory grew for one chunk of C (32 MB) and the packed panels, not for all of C.
    expect(loadWasmKernels()!.memory.buffer.byteLength).toBeLessThan(40 * 2 ** 20);
  });

  it('random shapes on the packed path, strided views, transposes, α and β', () => {
    const dims = fc.record({
      m: fc.integer({ min: 1, max: 70 }),
      n: fc.integer({ min: 1, max: 70 }),
      k: fc.integer({ min: 25, max: 70 }),
    });
    fc.assert(
      fc.property(
        dims.chain(({ m, n, k }) =>
          fc.record({
            transA: fc.boolean(),
            transB: fc.boolean(),
            // α = 1 with rows of A contiguous takes the unpacked-A kernel: drawn often.
            alpha: fc.oneof(fc.constant(1), wellScaled),
            beta: fc.oneof(fc.constant(0), wellScaled),
            m: fc.constant(m),
            n: fc.constant(n),
            k: fc.constant(k),
            seed: fc.nat(),
          }),
        ),
        fc.gen(),
        (o, gen) => {
          const a = gen(() => (o.transA ? stridedViewArb(o.k, o.m) : stridedViewArb(o.m, o.k)));
          const b = gen(() => (o.transB ? stridedViewArb(o.n, o.k) : stridedViewArb(o.k, o.n)));
          const c0 = gen(() => stridedViewArb(o.m, o.n));
          const opts = { transA: o.transA, transB: o.transB, alpha: o.alpha, beta: o.beta };
          const [js, wasm] = both(() => {
            const c = c0.clone();
            return gemm(a, b, { ...opts, c });
          });
          expect(bits(wasm)).toEqual(bits(js));
          // and both are right: within the dot-product bound of a naive loop
          const expected = naiveGemm(a, b, { ...opts, c: c0 });
          const err = Math.max(
            ...wasm.toArray().flatMap((r, i) => r.map((v, j) => Math.abs(v - expected[i]![j]!))),
          );
          expect(err).toBeLessThanOrEqual(
            4 * (o.k + 1) ** 2 * 100 * 2 ** -52 * (1 + Math.abs(o.alpha)) + 1e-300,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sizes straddling the blocking (MC, KC, NC) and the tile', () => {
    for (const [m, n, k] of [
      [MC + 3, 5, KC + 1],
      [2 * MC + 1, NC + 3, 3],
      [7, 9, 2 * KC + 5],
      [MC, NC + 1, 40],
    ] as const) {
      const a = Matrix.view(
        m,
        k,
        Float64Array.from({ length: m * k }, (_, i) => Math.sin(i)),
        0,
        k,
        1,
      );
      const b = Matrix.view(
        k,
        n,
        Float64Array.from({ length: k * n }, (_, i) => Math.cos(0.3 * i)),
        0,
        n,
        1,
      );
      const [js, wasm] = both(() => gemm(a, b, { alpha: 0.75 }));
      expect(bits(wasm), `${m}x${n}x${k}`).toEqual(bits(js));
    }
  });

  it('hostile entries: subnormals, ±0, 2^±1000 scales, NaN and ±Infinity propagate identically', () => {
    fc.assert(
      fc.property(
        fc.array(hostile, { minLength: 30 * 40, maxLength: 30 * 40 }),
        fc.array(hostile, { minLength: 40 * 30, maxLength: 40 * 30 }),
        fc.constantFrom(0, 1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** -1000, 2 ** 1000),
        (av, bv, poison) => {
          const a = new Matrix(30, 40, Float64Array.from(av));
          const b = new Matrix(40, 30, Float64Array.from(bv));
          a.set(3, 7, poison);
          const [js, wasm] = both(() => gemm(a, b));
          expect(bits(wasm)).toEqual(bits(js));
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe.skipIf(!supported)('wasm gemm: B read as rows and B packed give the same bits', () => {
  // Rows of B contiguous take the unpacked-B kernels; the same values stored transposed (and
  // passed with transB) take the packed ones. Sizes straddle the tile, KC and NC; α = 1 reads A
  // as rows, α = 0.75 packs it; small and tall A, float64 and float32.
  it.each([
    [3, 5, 7],
    [4, NC + 3, 40],
    [MC + 5, 2 * NC + 9, KC + 3],
    [17, 1000, 2 * KC + 1],
  ])('m = %i, n = %i, k = %i', (m, n, k) => {
    const values = (count: number, f: (i: number) => number) =>
      Float64Array.from({ length: count }, (_, i) => f(i));
    const a = Matrix.view(
      m,
      k,
      values(m * k, (i) => Math.sin(i + 0.5)),
      0,
      k,
      1,
    );
    const bRows = Matrix.view(
      k,
      n,
      values(k * n, (i) => Math.cos(0.37 * i)),
      0,
      n,
      1,
    );
    // The same B stored as its transpose: element (p, j) at j·k + p.
    const bT = Matrix.view(
      n,
      k,
      values(n * k, (i) => Math.cos(0.37 * ((i % k) * n + Math.floor(i / k)))),
      0,
      k,
      1,
    );
    // The first element that differs (−1: none), not a diff of thousands of values.
    const firstDifference = (x: ArrayLike<number>, y: ArrayLike<number>) =>
      Array.from(x).findIndex((v, i) => !Object.is(v, y[i]));
    for (const alpha of [1, 0.75]) {
      const rows = onBackend('wasm', () => gemm(a, bRows, { alpha }));
      const packed = onBackend('wasm', () => gemm(a, bT, { alpha, transB: true }));
      expect(firstDifference(rows.clone().data, packed.clone().data), `float64, α = ${alpha}`).toBe(-1);
      const rows32 = onBackend('wasm', () => gemm32(a.toFloat32(), bRows.toFloat32(), { alpha }));
      const packed32 = onBackend('wasm', () =>
        gemm32(a.toFloat32(), bT.toFloat32(), { alpha, transB: true }),
      );
      expect(firstDifference(rows32.clone().data, packed32.clone().data), `float32, α = ${alpha}`).toBe(-1);
    }
  });
});

describe.skipIf(!supported)('gemm32 on the wasm backend: float32 accumulation within its bound', () => {
  it('agrees with the exact (float64) product to k·2⁻²⁴·Σ|α·a·b| on random shapes and strides', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 60 }),
          n: fc.integer({ min: 1, max: 60 }),
          k: fc.integer({ min: 30, max: 300 }),
          transA: fc.boolean(),
          alpha: fc.oneof(fc.constant(1), wellScaled),
          seed: fc.nat(),
        }),
        ({ m, n, k, transA, alpha, seed }) => {
          let s = seed;
          const rnd = () => {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            return Math.fround((s % 2001) / 100 - 10);
          };
          const a = new Matrix(transA ? k : m, transA ? m : k, Float64Array.from({ length: m * k }, rnd));
          const b = new Matrix(k, n, Float64Array.from({ length: k * n }, rnd));
          const exact = gemm(a, b, { transA, alpha: Math.fround(alpha) });
          const abs = gemm(absMatrix(a), absMatrix(b), { transA, alpha: Math.abs(Math.fround(alpha)) });
          const out = onBackend('wasm', () => gemm32(a.toFloat32(), b.toFloat32(), { transA, alpha }));
          expect(out).toBeInstanceOf(Matrix32);
          for (let i = 0; i < m * n; i++) {
            const bound = (k + 2) * 2 ** -24 * abs.data[i]! + 2 ** -126;
            expect(Math.abs(out.data[i]! - exact.data[i]!)).toBeLessThanOrEqual(bound);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

function absMatrix(x: Matrix): Matrix {
  return new Matrix(x.rows, x.cols, Float64Array.from(x.clone().data, Math.abs));
}

describe('rotateRows: plane rotations of adjacent rows on both backends', () => {
  it('matches a direct loop, bit for bit on both backends, for odd and even widths', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 150 }),
        fc.array(fc.tuple(fc.nat(), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true })), {
          minLength: 0,
          maxLength: 40,
        }),
        fc.array(wellScaled, { minLength: 12 * 150, maxLength: 12 * 150 }),
        (rowsN, len, rots, entries) => {
          const rows = Int32Array.from(rots, ([r]) => r % (rowsN - 1));
          const c = Float64Array.from(rots, ([, th]) => Math.cos(th));
          const s = Float64Array.from(rots, ([, th]) => Math.sin(th));
          const x0 = new Matrix(rowsN, len, Float64Array.from(entries.slice(0, rowsN * len)));
          const expected = rotateDirectly(x0, rows, c, s);
          for (const backend of supported ? (['js', 'wasm'] as const) : (['js'] as const)) {
            const x = onBackend(backend, () => rotateRows(x0.clone(), rows, c, s));
            expect(bits(x), backend).toEqual(bits(expected));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('runs of rotations on consecutive rows, up and down (the shape of QR and QL sweeps), give the same bits as the loop', () => {
    for (const len of [1, 2, 7, 64, 131]) {
      const rowsN = 12;
      const rows = Int32Array.of(0, 1, 2, 3, 4, 5, 6, 9, 8, 7, 6, 5, 4, 3, 10, 2, 3, 4, 5);
      const c = Float64Array.from(rows, (_, t) => Math.cos(0.7 * t + 0.1));
      const s = Float64Array.from(rows, (_, t) => Math.sin(0.7 * t + 0.1));
      const x0 = new Matrix(
        rowsN,
        len,
        Float64Array.from({ length: rowsN * len }, (_, i) => Math.sin(i) * 3),
      );
      const results = (supported ? (['js', 'wasm'] as const) : (['js'] as const)).map((backend) =>
        bits(onBackend(backend, () => rotateRows(x0.clone(), rows, c, s))),
      );
      const expected = rotateDirectly(x0, rows, c, s);
      for (const got of results) expect(got, `len ${len}`).toEqual(bits(expected));
    }
  });

  it('rejects rows out of range, short arrays and non-contiguous views with the rule', () => {
    const x = new Matrix(3, 4);
    expect(() => rotateRows(x, Int32Array.of(2), Float64Array.of(1), Float64Array.of(0))).toThrow(
      'rotateRows: rows[0] must lie in [0, 1] (got 2)',
    );
    expect(() => rotateRows(x, Int32Array.of(0, 1), Float64Array.of(1), Float64Array.of(0))).toThrow(
      ShapeError,
    );
    expect(() => rotateRows(x.T, Int32Array.of(0), Float64Array.of(1), Float64Array.of(0))).toThrow(
      'rotateRows: x must be a contiguous row-major Matrix',
    );
  });
});

function bits(m: Matrix): string[] {
  return Array.from(m.clone().data, (v) => (Object.is(v, -0) ? '-0' : String(v)));
}

/** The rotations applied one by one, element by element, to a copy of x (the definition). */
function rotateDirectly(x: Matrix, rows: Int32Array, c: Float64Array, s: Float64Array): Matrix {
  const out = x.clone();
  const len = x.cols;
  const d = out.data;
  rows.forEach((r, t) => {
    for (let k = 0; k < len; k++) {
      const xi = d[r * len + k]!;
      const xj = d[(r + 1) * len + k]!;
      d[r * len + k] = c[t]! * xi + s[t]! * xj;
      d[(r + 1) * len + k] = -s[t]! * xi + c[t]! * xj;
    }
  });
  return out;
}
