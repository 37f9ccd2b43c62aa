import {
  ConvergenceError,
  DomainError,
  FormatError,
  Matrix,
  NonFiniteError,
  ShapeError,
  Tensor,
} from '@numts/core';
import fc from 'fast-check';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  parseArff,
  parseCsv,
  readIdx,
  readMat,
  readNpy,
  readNpz,
  readSafetensors,
  writeNpy,
  writeSafetensors,
} from '../src/index.js';

const OURS = [FormatError, ShapeError, DomainError, NonFiniteError, ConvergenceError];

/** Runs a reader; returns normally or throws one of our error classes, never anything else. */
function onlyOurErrors(read: () => unknown): void {
  try {
    read();
  } catch (e) {
    if (!OURS.some((cls) => e instanceof cls))
      throw new Error(`unexpected ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
}

/** A small valid v5 MAT-file with one compressed 2×2 double, built by hand. */
function tinyMat(): Uint8Array {
  const header = new Uint8Array(128);
  new TextEncoder().encodeInto('MATLAB 5.0 MAT-file, test', header);
  header.fill(32, 25, 116);
  header[124] = 0;
  header[125] = 1;
  header[126] = 'I'.charCodeAt(0);
  header[127] = 'M'.charCodeAt(0);
  const m = new Uint8Array(16 + 16 + 8 + 8 + 32);
  const v = new DataView(m.buffer);
  let p = 0;
  const u32 = (x: number) => {
    v.setUint32(p, x, true);
    p += 4;
  };
  u32(6);
  u32(8);
  u32(6);
  u32(0); // flags: double
  u32(5);
  u32(8);
  u32(2);
  u32(2); // dims 2×2
  v.setUint32(p, (1 << 16) | 1, true); // name "x", small element
  p += 4;
  m[p] = 'x'.charCodeAt(0);
  p += 4;
  u32(9);
  u32(32); // doubles
  for (let i = 0; i < 4; i++) {
    v.setFloat64(p, i + 0.5, true);
    p += 8;
  }
  const matrix = new Uint8Array(8 + m.length);
  new DataView(matrix.buffer).setUint32(0, 14, true);
  new DataView(matrix.buffer).setUint32(4, m.length, true);
  matrix.set(m, 8);
  const z = zlibSync(matrix);
  const el = new Uint8Array(8 + z.length);
  new DataView(el.buffer).setUint32(0, 15, true);
  new DataView(el.buffer).setUint32(4, z.length, true);
  el.set(z, 8);
  const out = new Uint8Array(128 + el.length);
  out.set(header);
  out.set(el, 128);
  return out;
}

const valid: Record<string, { bytes: Uint8Array; read: (b: Uint8Array) => unknown }> = {
  npy: { bytes: writeNpy(new Tensor(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3])), read: readNpy },
  safetensors: {
    bytes: writeSafetensors(
      { a: new Matrix(2, 2), b: new Tensor(Float64Array.of(1), [1]) },
      { dtypes: { b: 'F64' } },
    ),
    read: readSafetensors,
  },
  mat: { bytes: tinyMat(), read: readMat },
  idx: { bytes: Uint8Array.of(0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4), read: readIdx },
  arff: {
    bytes: new TextEncoder().encode(
      '@relation r\n@attribute a numeric\n@attribute b {x,y}\n@data\n1,x\n{0 2,1 y}\n',
    ),
    read: parseArff,
  },
  csv: { bytes: new TextEncoder().encode('a,b\n1,2\n3,4\n'), read: parseCsv },
  npz: { bytes: new Uint8Array(0), read: readNpz },
};

describe('readers never hang and never throw anything but numts errors', () => {
  it('the valid seeds parse', () => {
    for (const [name, { bytes, read }] of Object.entries(valid))
      if (name !== 'npz') expect(() => read(bytes), name).not.toThrow();
    const mat = readMat(valid.mat!.bytes);
    expect(mat.x).toMatchObject({ kind: 'numeric', shape: [2, 2] });
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const { read } of Object.values(valid)) onlyOurErrors(() => read(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('random mutations of valid files (byte flips, truncation, insertion)', () => {
    const names = Object.keys(valid).filter((n) => n !== 'npz');
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
        (name, flips, cut, truncate) => {
          const { bytes, read } = valid[name]!;
          let b = bytes.slice();
          for (const [at, value] of flips) b[at % b.length] = value;
          if (truncate) b = b.slice(0, cut % (b.length + 1));
          onlyOurErrors(() => read(b));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
