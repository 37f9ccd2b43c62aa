/**
 * Fuzz suite of the readers: valid files of every format are mutated (byte and bit flips,
 * truncations, insertions, huge or negative declared sizes, swapped-in decompression bombs) and
 * every case must either return a value that is consistent with what it declares or throw one of
 * numts' error classes, within 2 s and 256 MB. Seeded: a failure prints the seed that replays it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConvergenceError,
  DomainError,
  FormatError,
  Matrix,
  NonFiniteError,
  type NumericArray,
  ShapeError,
  shapeSize,
  Tensor,
} from '@numts/core';
import fc from 'fast-check';
import { gzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type MatValue,
  parseArff,
  parseCsv,
  parseMulanXml,
  readIdx,
  readMat,
  readNpy,
  readNpz,
  readSafetensors,
  writeNpy,
  writeSafetensors,
} from '../src/index.js';
import {
  CLASS,
  compressed,
  deflatedZeros,
  doubleVar,
  element,
  f64s,
  i32s,
  MI,
  matFile,
  matrix,
} from './mat-builder.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test-data/io');
const OURS = [FormatError, ShapeError, DomainError, NonFiniteError, ConvergenceError];
/** The cap every compressed reader gets here, so that a bomb costs little time. */
const MAX_BYTES = 32 * 2 ** 20;
const SEED = 20261202;

/** Throws unless a returned value agrees with its own declared sizes. */
function checkTensor(t: Tensor<NumericArray>): void {
  if (t.shape.length === 0 ? t.data.length < 1 : t.data.length < shapeSize(t.shape))
    throw new Error(`tensor of shape [${t.shape}] holds ${t.data.length} values`);
}

function checkMat(v: MatValue): void {
  switch (v.kind) {
    case 'numeric':
      if (v.data.length !== shapeSize(v.shape))
        throw new Error(`numeric [${v.shape}] has ${v.data.length} values`);
      if (v.imag && v.imag.length !== v.data.length) throw new Error('imaginary part of the wrong length');
      return;
    case 'char':
      if (shapeSize(v.shape) === 0 && v.text !== '') throw new Error(`empty char [${v.shape}] has text`);
      return;
    case 'sparse': {
      const nnz = v.jc[v.shape[1]]!;
      if (v.jc.length !== v.shape[1] + 1 || v.ir.length !== nnz || v.values.length !== nnz)
        throw new Error('sparse arrays disagree');
      return;
    }
    case 'cell':
      if (v.cells.length !== shapeSize(v.shape)) throw new Error('cell count');
      for (const c of v.cells) checkMat(c);
      return;
    case 'struct':
      for (const vs of Object.values(v.fields)) {
        if (vs.length !== shapeSize(v.shape)) throw new Error('struct field count');
        for (const c of vs) checkMat(c);
      }
      return;
    default:
      return;
  }
}

type Reader = (b: Uint8Array) => void;
const readers: Record<string, Reader> = {
  npy: (b) => checkTensor(readNpy(b)),
  npz: (b) => {
    for (const t of Object.values(readNpz(b, { maxBytes: MAX_BYTES }))) checkTensor(t);
  },
  safetensors: (b) => {
    for (const t of Object.values(readSafetensors(b).tensors)) checkTensor(t);
  },
  mat: (b) => {
    for (const v of Object.values(readMat(b, { maxBytes: MAX_BYTES }))) checkMat(v);
  },
  idx: (b) => checkTensor(readIdx(b, { maxBytes: MAX_BYTES })),
  arff: (b) => {
    const d = parseArff(b);
    if (d.data.length !== d.rows * d.attributes.length) throw new Error('ARFF data size');
    for (const s of Object.values(d.strings)) if (s.length !== d.rows) throw new Error('ARFF strings');
    // The same bytes read into sparse rows: an error of its own, or the same shape.
    let sparse: ReturnType<typeof parseArff> | undefined;
    try {
      sparse = parseArff(b, { sparse: true });
    } catch (e) {
      if (!(e instanceof FormatError || e instanceof NonFiniteError)) throw e;
    }
    if (sparse && (sparse.sparse?.rows !== d.rows || sparse.sparse.cols !== d.attributes.length))
      throw new Error('ARFF sparse shape');
  },
  xml: (b) => {
    if (parseMulanXml(b).length === 0) throw new Error('no labels');
  },
  csv: (b) => {
    const t = parseCsv(b);
    if (t.matrix.cols !== t.columns.length) throw new Error('CSV columns');
  },
};

/** Runs one case: a consistent value or a numts error, in under 2 s and 256 MB. */
function oneCase(format: string, bytes: Uint8Array): void {
  const t0 = performance.now();
  const m0 = process.memoryUsage().arrayBuffers;
  try {
    readers[format]!(bytes);
  } catch (e) {
    if (!OURS.some((cls) => e instanceof cls))
      throw new Error(`${format}: unexpected ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
  const ms = performance.now() - t0;
  const mb = (process.memoryUsage().arrayBuffers - m0) / 2 ** 20;
  if (ms > 2000) throw new Error(`${format}: took ${ms.toFixed(0)} ms`);
  if (mb > 256) throw new Error(`${format}: kept ${mb.toFixed(0)} MB`);
}

const text = (s: string) => new TextEncoder().encode(s);
const seeds: { format: string; name: string; bytes: Uint8Array }[] = [];

beforeAll(() => {
  const npy = writeNpy(new Tensor(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3]));
  const npyI = writeNpy(new Tensor(Int32Array.of(7, 8, 9), [3]));
  seeds.push({ format: 'npy', name: 'f8 2x3', bytes: npy });
  for (const f of ['f8_f', 'i8_c', 'b1_c', 'f4_be'])
    seeds.push({ format: 'npy', name: f, bytes: readFileSync(join(fixtures, `npy/${f}.npy`)) });
  seeds.push({ format: 'npz', name: 'numpy', bytes: readFileSync(join(fixtures, 'arrays.npz')) });
  seeds.push({
    format: 'npz',
    name: 'stored + deflated',
    bytes: zipSync({ 'a.npy': [npy, { level: 0 }], 'b.npy': [npyI, { level: 6 }] }),
  });
  seeds.push({
    format: 'safetensors',
    name: 'F32 + F64 + I64 + BF16',
    bytes: writeSafetensors(
      {
        a: new Matrix(2, 2, Float64Array.of(1, 2, 3, 4)),
        b: new Tensor(Float64Array.of(1), [1]),
        c: { data: [5, -6], shape: [2] },
        d: { data: [0.5], shape: [1] },
      },
      { dtypes: { b: 'F64', c: 'I64', d: 'BF16' } },
    ),
  });
  seeds.push({
    format: 'mat',
    name: 'scipy plain',
    bytes: readFileSync(join(fixtures, 'mat/vars_plain.mat')),
  });
  seeds.push({
    format: 'mat',
    name: 'scipy compressed',
    bytes: readFileSync(join(fixtures, 'mat/vars_compressed.mat')),
  });
  seeds.push({
    format: 'mat',
    name: 'scipy complex sparse',
    bytes: readFileSync(join(fixtures, 'hostile/complex_sparse.mat')),
  });
  seeds.push({
    format: 'mat',
    name: 'scipy UTF-8 char',
    bytes: readFileSync(join(fixtures, 'hostile/unicode.mat')),
  });
  seeds.push({
    format: 'mat',
    name: 'hand-made cell, struct, compressed',
    bytes: matFile(
      compressed(doubleVar('x', [2, 2], [0.5, 1.5, 2.5, 3.5])),
      matrix(CLASS.CELL, [1, 2], 'c', [doubleVar('', [1, 1], [1]), doubleVar('', [1, 1], [2])]),
      matrix(CLASS.STRUCT, [1, 1], 's', [
        element(MI.INT32, i32s(8)),
        element(MI.INT8, Uint8Array.of(97, 0, 0, 0, 0, 0, 0, 0)),
        matrix(CLASS.DOUBLE, [1, 1], '', [element(MI.DOUBLE, f64s(3))]),
      ]),
    ),
  });
  seeds.push({
    format: 'idx',
    name: 'raw',
    bytes: Uint8Array.of(0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4),
  });
  seeds.push({
    format: 'idx',
    name: 'gzip',
    bytes: gzipSync(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0x80, 0, 0, 0x40, 0, 0, 0)),
  });
  seeds.push({
    format: 'arff',
    name: 'dense',
    bytes: text(
      "@relation r\n@attribute a numeric\n@attribute b {x,y}\n@attribute s string\n@data\n1,x,'hi there'\n2.5,y,?\n",
    ),
  });
  seeds.push({
    format: 'arff',
    name: 'sparse',
    bytes: text(
      '@relation r\n@attribute a numeric\n@attribute b {0,1}\n@attribute s string\n@data\n{0 2,1 1}\n{2 q}\n{}\n',
    ),
  });
  seeds.push({
    format: 'xml',
    name: 'mulan',
    bytes: text(
      '<?xml version="1.0"?>\n<labels xmlns="http://mulan.sourceforge.net/labels">\n<label name="a"></label>\n<label name="b&amp;c"/>\n</labels>\n',
    ),
  });
  seeds.push({ format: 'csv', name: 'header', bytes: text('a,b,c\n1,2,3\n4,NaN,6\r\n7,8,9\n') });
  // Decompression bombs in each compressed container (40 MiB of zeros > the 32 MiB cap).
  const bomb = deflatedZeros(40 * 2 ** 20);
  const zl = new Uint8Array(bomb.length + 6);
  zl.set([0x78, 0xda]);
  zl.set(bomb, 2);
  seeds.push({ format: 'mat', name: 'bomb', bytes: matFile(element(MI.COMPRESSED, zl)) });
  const gz = new Uint8Array(10 + bomb.length + 8);
  gz.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  gz.set(bomb, 10);
  seeds.push({ format: 'idx', name: 'bomb', bytes: gz });
  seeds.push({
    format: 'npz',
    name: 'bomb',
    bytes: zipSync({ 'a.npy': [new Uint8Array(40 * 2 ** 20), { level: 9 }] }),
  });
});

describe('the reader fuzz suite', () => {
  it('every valid seed reads without error (bombs are stopped by maxBytes)', () => {
    for (const s of seeds) {
      if (s.name === 'bomb')
        expect(() => readers[s.format]!(s.bytes), s.format).toThrow(/more than 33554432 bytes/);
      else expect(() => readers[s.format]!(s.bytes), `${s.format} ${s.name}`).not.toThrow();
    }
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.constantFrom(...Object.keys(readers)),
        (bytes, format) => oneCase(format, bytes),
      ),
      { numRuns: 1500, seed: SEED },
    );
  });

  it('mutations: byte and bit flips, truncation, insertion, deletion, huge and negative sizes', () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('byte' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('bit' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        value: fc.integer({ min: 1, max: 64 }),
      }),
      fc.record({
        kind: fc.constant('delete' as const),
        at: fc.nat(),
        value: fc.integer({ min: 1, max: 64 }),
      }),
      fc.record({
        kind: fc.constant('size' as const),
        at: fc.nat(),
        value: fc.constantFrom(0xffffffff, 0x80000000, 0x7fffffff, 0x10000000, 0x00010000, 0, 1),
      }),
    );
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (pick, muts, bigEndian) => {
          const seed = seeds.filter((s) => s.name !== 'bomb')[pick % (seeds.length - 3)]!;
          let b = seed.bytes.slice();
          for (const m of muts) {
            const at = m.at % Math.max(1, b.length);
            if (m.kind === 'byte') b[at] = m.value;
            else if (m.kind === 'bit') b[at] = b[at]! ^ (1 << m.value);
            else if (m.kind === 'truncate') b = b.slice(0, at);
            else if (m.kind === 'insert') {
              const c = new Uint8Array(b.length + m.value);
              c.set(b.subarray(0, at));
              c.set(b.subarray(at), at + m.value);
              b = c;
            } else if (m.kind === 'delete')
              b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + m.value)]);
            else if (b.length >= 4) {
              const p = Math.min(at - (at % 4), b.length - 4);
              new DataView(b.buffer, b.byteOffset).setUint32(p, m.value, !bigEndian);
            }
          }
          oneCase(seed.format, b);
        },
      ),
      { numRuns: 12000, seed: SEED },
    );
  });
});
