import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  DomainError,
  gemm,
  getBackend,
  Matrix,
  ResidentNeighbourGraph,
  Rng,
  ShapeError,
  setBackend,
  wasmSimdSupported,
} from '../src/index.js';

const initial = getBackend();
afterAll(() => setBackend(initial));

interface Case {
  n: number;
  k: number;
  cols: number;
  nb: Int32Array;
  w: Float64Array;
  src: Float64Array;
}

/** A random graph (self-loops, repeated neighbours and zero weights included) and block; `scale` spreads magnitudes over 2^±scale. */
function makeCase(n: number, k: number, cols: number, seed: number, scale: number): Case {
  const rng = new Rng(seed);
  const nb = Int32Array.from({ length: n * k }, () => rng.int(0, n));
  const w = Float64Array.from({ length: n * k }, () => (rng.uniform() < 0.15 ? 0 : rng.normal()));
  const src = Float64Array.from({ length: n * cols }, () => rng.normal() * 2 ** rng.int(-scale, scale + 1));
  return { n, k, cols, nb, w, src };
}

/** (I − S) as a dense n×n matrix (duplicate entries summed). */
function denseIminusS({ n, k, nb, w }: Case): Matrix {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    m.data[i * n + i] = 1;
    for (let t = 0; t < k; t++)
      m.data[i * n + nb[i * k + t]!] = m.data[i * n + nb[i * k + t]!]! - w[i * k + t]!;
  }
  return m;
}

/** The four products on one backend. */
function products(backend: Backend, c: Case) {
  setBackend(backend);
  const graph = new ResidentNeighbourGraph(c.nb, c.w, c.k, c.cols);
  const size = c.n * c.cols;
  const residual = new Float64Array(size);
  const transpose = new Float64Array(size);
  const gram = new Float64Array(size);
  const product = new Float64Array(size);
  graph.residual(c.src, residual);
  graph.product(c.src, product);
  graph.residualTranspose(c.src, transpose);
  graph.residualGram(c.src, gram);
  setBackend(initial);
  return { residual, transpose, gram, product };
}

function expectBitsEqual(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
}

/** n, k, cols and a seed of the small cases checked against the plain arithmetic. */
const SMALL_CASE = [
  fc.integer({ min: 1, max: 30 }),
  fc.integer({ min: 1, max: 6 }),
  fc.integer({ min: 1, max: 9 }),
  fc.integer({ min: 0, max: 1e6 }),
] as const;

describe('ResidentNeighbourGraph', () => {
  it('property: residual = (I − S)·src, residualTranspose = (I − S)ᵀ·src, residualGram = both in turn', () => {
    fc.assert(
      fc.property(...SMALL_CASE, (n, k, cols, seed) => {
        const c = makeCase(n, k, cols, seed, 2);
        const { residual, transpose, gram } = products('js', c);
        const a = denseIminusS(c);
        const b = new Matrix(n, cols, c.src);
        const close = (got: Float64Array, want: Matrix, scale: Matrix) => {
          for (let i = 0; i < got.length; i++)
            expect(Math.abs(got[i]! - want.data[i]!)).toBeLessThanOrEqual(1e-13 * (1 + scale.data[i]!));
        };
        const abs = (m: Matrix) => new Matrix(m.rows, m.cols, m.data.map(Math.abs));
        close(residual, gemm(a, b), gemm(abs(a), abs(b)));
        close(transpose, gemm(a, b, { transA: true }), gemm(abs(a), abs(b), { transA: true }));
        // The Gram product is the transpose product of the residual, bit for bit.
        const again = new Float64Array(n * cols);
        setBackend('js');
        new ResidentNeighbourGraph(c.nb, c.w, k, cols).residualTranspose(residual, again);
        setBackend(initial);
        expectBitsEqual(gram, again);
      }),
      { numRuns: 60 },
    );
  });

  it('property: product = S·src, each row summed from +0 over its entries in order (the plain loop, bit for bit)', () => {
    fc.assert(
      fc.property(...SMALL_CASE, fc.constantFrom(2, 1000), (n, k, cols, seed, scale) => {
        const c = makeCase(n, k, cols, seed, scale);
        const { product } = products('js', c);
        for (let i = 0; i < n; i++)
          for (let col = 0; col < cols; col++) {
            let v = 0;
            for (let t = 0; t < k; t++) {
              const wij = c.w[i * k + t]!;
              if (wij !== 0) v += wij * c.src[c.nb[i * k + t]! * cols + col]!;
            }
            if (!Object.is(product[i * cols + col], v))
              expect([i, col, product[i * cols + col]]).toEqual([i, col, v]);
          }
      }),
      { numRuns: 60 },
    );
  });

  it.skipIf(!wasmSimdSupported())(
    'property: the wasm kernels give the bits of the TypeScript loops (odd widths, 2^±1000 scaling, subnormals, NaN)',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 1, max: 19 }),
          fc.integer({ min: 0, max: 1e6 }),
          fc.constantFrom(2, 1000, 1070),
          fc.boolean(),
          (n, k, cols, seed, scale, withNaN) => {
            const c = makeCase(n, k, cols, seed, scale);
            if (withNaN) c.src[seed % c.src.length] = Number.NaN;
            const js = products('js', c);
            const wasm = products('wasm', c);
            expectBitsEqual(wasm.residual, js.residual);
            expectBitsEqual(wasm.transpose, js.transpose);
            expectBitsEqual(wasm.gram, js.gram);
            expectBitsEqual(wasm.product, js.product);
          },
        ),
        { numRuns: 80 },
      );
    },
  );

  it.skipIf(!wasmSimdSupported())(
    'loads its graph again when another kernel has used the kernel memory since',
    () => {
      const c = makeCase(50, 5, 7, 3, 2);
      const want = products('js', c).gram;
      setBackend('wasm');
      const graph = new ResidentNeighbourGraph(c.nb, c.w, c.k, c.cols);
      const out = new Float64Array(c.n * c.cols);
      graph.residualGram(c.src, out);
      // A product large enough for the packed wasm gemm overwrites the kernel memory.
      const rng = new Rng(1);
      const big = new Matrix(200, 200, rng.normalArray(200 * 200));
      gemm(big, big);
      // And another graph takes it.
      new ResidentNeighbourGraph(Int32Array.from([1, 0]), Float64Array.from([9, 9]), 1, 3).residual(
        new Float64Array(6).fill(1),
        new Float64Array(6),
      );
      out.fill(0);
      graph.residualGram(c.src, out);
      setBackend(initial);
      expectBitsEqual(out, want);
    },
  );

  it('rejects bad sizes, out-of-range neighbours and overlapping blocks with named errors', () => {
    const nb = Int32Array.from([1, 0, 2, 1, 0, 2]);
    const w = Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(() => new ResidentNeighbourGraph(nb, w, 0, 2)).toThrow(ShapeError);
    expect(() => new ResidentNeighbourGraph(nb, w, 0, 2)).toThrow('k must be an integer ≥ 1 (got 0)');
    expect(() => new ResidentNeighbourGraph(nb, w, 2, 1.5)).toThrow('cols must be an integer ≥ 1 (got 1.5)');
    expect(() => new ResidentNeighbourGraph(nb, w.subarray(1), 2, 2)).toThrow(
      'nb and w must both hold n·k entries with k = 2 (got 6 and 5)',
    );
    expect(() => new ResidentNeighbourGraph(nb, w, 4, 2)).toThrow('(got 6 and 6)');
    const bad = Int32Array.from([1, 0, 3, 1, 0, 2]);
    expect(() => new ResidentNeighbourGraph(bad, w, 2, 2)).toThrow(DomainError);
    expect(() => new ResidentNeighbourGraph(bad, w, 2, 2)).toThrow('nb[2] must be a row in [0, 3) (got 3)');
    const graph = new ResidentNeighbourGraph(nb, w, 2, 2);
    expect(() => graph.residual(new Float64Array(5), new Float64Array(6))).toThrow(
      'ResidentNeighbourGraph.residual: src and out must hold n·cols = 6 values (got 5 and 6)',
    );
    const shared = new Float64Array(9);
    expect(() => graph.residualGram(shared.subarray(0, 6), shared.subarray(3, 9))).toThrow(
      'ResidentNeighbourGraph.residualGram: src and out must not overlap',
    );
  });

  it('keeps copies of nb and w: changing the caller’s arrays afterwards changes nothing', () => {
    const c = makeCase(12, 3, 4, 9, 2);
    const want = products('js', c).residual;
    const graph = new ResidentNeighbourGraph(c.nb, c.w, c.k, c.cols);
    c.w.fill(7);
    c.nb.fill(0);
    const out = new Float64Array(c.n * c.cols);
    graph.residual(c.src, out);
    expectBitsEqual(out, want);
  });
});
