import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, Matrix, Rng, Tensor } from '@numts/core';
import { readFixture, TEST_DATA } from '@numts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readNpy, readNpz, writeNpy } from '../src/index.js';

interface NpyCase {
  dtype: string;
  shape: number[];
  values: (number | string)[];
  fortran: boolean;
}
const expected = readFixture<{ npy: Record<string, NpyCase> }>('io/expected.json');

describe('readNpy reads numpy files bit-exactly', () => {
  it.each(Object.entries(expected.npy))('%s', (name, c) => {
    const t = readNpy(readFileSync(join(TEST_DATA, 'io', 'npy', `${name}.npy`)));
    expect([...t.shape]).toEqual(c.shape);
    const values = t.toFlatArray();
    expect(values).toEqual(c.values.map((v) => (typeof v === 'string' ? Number(v) : v)));
    if (c.dtype.endsWith('f8')) expect(t.data).toBeInstanceOf(Float64Array);
    if (c.dtype.endsWith('f4')) expect(t.data).toBeInstanceOf(Float32Array);
    if (c.dtype.endsWith('i4')) expect(t.data).toBeInstanceOf(Int32Array);
    if (c.fortran) expect(t.isContiguous).toBe(false);
  });

  it('rejects an int64 that a float64 cannot hold', () => {
    expect(() => readNpy(readFileSync(join(TEST_DATA, 'io', 'npy', 'i8_big.npy')))).toThrow(
      /readNpy: int64 element 0 \(1152921504606846977\) does not fit a float64 exactly/,
    );
  });

  it('reads a .npz archive with deflated and stored entries', () => {
    const z = readNpz(readFileSync(join(TEST_DATA, 'io', 'arrays.npz')));
    expect(Object.keys(z).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(z.alpha!.toFlatArray()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(z.beta!.data).toBeInstanceOf(Int32Array);
    expect(z.gamma!.toFlatArray()).toEqual([1.5, -2]);
  });
});

const arrays = [
  (rng: Rng, n: number) => rng.normalArray(n),
  (rng: Rng, n: number) => Float32Array.from(rng.normalArray(n)),
  (rng: Rng, n: number) => Int32Array.from({ length: n }, () => rng.int(-1e9, 1e9)),
  (rng: Rng, n: number) => Uint8Array.from({ length: n }, () => rng.int(0, 256)),
  (rng: Rng, n: number) => Int16Array.from({ length: n }, () => rng.int(-3e4, 3e4)),
];

describe('writeNpy', () => {
  it('round-trips random shapes and dtypes, including strided views', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 }),
        fc.integer({ min: 0, max: arrays.length - 1 }),
        fc.integer({ min: 0, max: 999 }),
        (shape, kind, seed) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const t = new Tensor(arrays[kind]!(new Rng(seed), n), shape);
          const back = readNpy(writeNpy(t));
          expect([...back.shape]).toEqual(shape);
          expect(back.data.constructor).toBe(t.data.constructor);
          expect(back.toFlatArray()).toEqual(t.toFlatArray());
          if (shape.length >= 2) {
            const view = t.transpose(...shape.map((_, i) => shape.length - 1 - i));
            expect(readNpy(writeNpy(view)).toFlatArray()).toEqual(view.toFlatArray());
          }
        },
      ),
      { numRuns: 100 },
    );
    const m = new Matrix(2, 2, Float64Array.of(1, 2, 3, 4));
    expect(readNpy(writeNpy(m.T)).toFlatArray()).toEqual([1, 3, 2, 4]);
  });
});

describe('readNpy rejects malformed files with the byte offset', () => {
  const good = writeNpy(new Tensor(Float64Array.of(1, 2, 3), [3]));
  it.each([
    ['bad magic', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), /not a \.npy file/],
    [
      'truncated header',
      good.slice(0, 9),
      /truncated input: the magic string and version needs 10 bytes at offset 0/,
    ],
    [
      'truncated data',
      good.slice(0, good.length - 3),
      /truncated input: 3 elements of f8 needs 24 bytes at offset 128 but the input has 149/,
    ],
    [
      'bad version',
      Uint8Array.from(good, (b, i) => (i === 6 ? 9 : b)),
      /unsupported \.npy format version 9 at offset 6/,
    ],
  ])('%s', (_n, bytes, message) => {
    expect(() => readNpy(bytes)).toThrow(FormatError);
    expect(() => readNpy(bytes)).toThrow(message);
  });
  it('unknown dtype', () => {
    const bytes = good.slice();
    const at = new TextDecoder('latin1').decode(bytes).indexOf("'<f8'");
    bytes[at + 2] = 'V'.charCodeAt(0);
    expect(() => readNpy(bytes)).toThrow(/unsupported dtype "<V8" at offset 10/);
  });
});
