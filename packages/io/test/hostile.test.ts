/**
 * Named regressions for the hostile inputs an audit found: every case here once crashed, hung,
 * exhausted memory or returned a wrong value without a word.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError, FormatError, Matrix, Tensor } from '@numts/core';
import { gzipSync, zipSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  loadMulan,
  matToMatrix,
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
import {
  ascii,
  CLASS,
  compressed,
  concat,
  deflatedZeros,
  doubleVar,
  element,
  f64s,
  i32s,
  MI,
  matFile,
  matrix,
} from './mat-builder.js';

/** Written as a computed key: `x.__proto__` would read the prototype accessor, not a field. */
const PROTO = '__proto__';
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test-data/io');

/** A zlib stream of `n` zeros whose Adler-32 is left zero: the size cap must stop it first. */
function zerosDeflated(n: number, wrap: 'zlib' | 'raw'): Uint8Array {
  const raw = deflatedZeros(n);
  return wrap === 'raw' ? raw : concat([Uint8Array.of(0x78, 0xda), raw, new Uint8Array(4)]);
}

describe('MAT-file: declared sizes are checked against the bytes present', () => {
  it('a char array of dims [1, 2^28] with no data is a FormatError, at once', () => {
    const file = matFile(matrix(CLASS.CHAR, [1, 2 ** 28], 's', []));
    const t0 = performance.now();
    expect(() => readMat(file)).toThrow(/char array "s" has 0 characters for dimensions \[1, 268435456\]/);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('a char array of dims [2^16, 2^16] is a FormatError, at once', () => {
    const file = matFile(
      matrix(CLASS.CHAR, [2 ** 16, 2 ** 16], 's', [element(MI.UINT16, new Uint8Array(4))]),
    );
    expect(() => readMat(file)).toThrow(/has 2 characters for dimensions \[65536, 65536\]/);
  });

  it('a char array whose data is short is an error, not NUL padding', () => {
    const file = matFile(
      matrix(CLASS.CHAR, [1, 5], 's', [element(MI.UINT16, Uint8Array.of(104, 0, 105, 0))]),
    );
    expect(() => readMat(file)).toThrow(FormatError);
  });

  it('a zlib bomb stops at maxBytes (default 256 MiB) with a FormatError', () => {
    const bomb = matFile(element(MI.COMPRESSED, zerosDeflated(300 * 2 ** 20, 'zlib')));
    expect(bomb.length).toBeLessThan(2 ** 20);
    expect(() => readMat(bomb)).toThrow(/inflates to more than 268435456 bytes \(options.maxBytes\)/);
    expect(() => readMat(bomb, { maxBytes: 2 ** 20 })).toThrow(/more than 1048576 bytes/);
  });

  it('compressed elements share one budget', () => {
    const v = compressed(
      doubleVar(
        'x',
        [1, 100],
        Array.from({ length: 100 }, (_, i) => i),
      ),
    );
    const file = matFile(v, v, v);
    expect(Object.keys(readMat(file))).toEqual(['x']);
    expect(() => readMat(file, { maxBytes: 1500 })).toThrow(/more than \d+ bytes/);
  });

  it('a run of zero-size elements in a cell of the wrong size is rejected before it is parsed', () => {
    const empty = element(MI.MATRIX, new Uint8Array(0));
    const cells = Array.from({ length: 100_000 }, () => empty);
    const file = matFile(matrix(CLASS.CELL, [1, 3], 'c', cells));
    expect(() => readMat(file)).toThrow(/cell array "c" holds 100000 cells for dimensions \[1, 3\]/);
  });

  it('an 8 MB run of zero-size elements reads in bounded time and memory', () => {
    const run = new Uint8Array(8 * 2 ** 20); // 2^20 tags: type MATRIX, length 0
    const v = new DataView(run.buffer);
    for (let p = 0; p < run.length; p += 8) v.setUint32(p, MI.MATRIX, true);
    const t0 = performance.now();
    const m0 = process.memoryUsage().heapUsed;
    const vars = readMat(matFile(run));
    expect(Object.keys(vars)).toEqual(['']);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((process.memoryUsage().heapUsed - m0) / 2 ** 20).toBeLessThan(256);
  });

  it('matToMatrix of dims [0, 2^31 - 1] returns an empty matrix at once', () => {
    const v = readMat(
      matFile(matrix(CLASS.DOUBLE, [0, 2 ** 31 - 1], 'e', [element(MI.DOUBLE, new Uint8Array(0))])),
    );
    const t0 = performance.now();
    const m = matToMatrix(v.e!);
    expect([m.rows, m.cols]).toEqual([0, 2 ** 31 - 1]);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('a zlib stream with a flipped byte fails its Adler-32 checksum', () => {
    const inner = doubleVar('x', [1, 1], [30]);
    const z = zlibSync(inner, { level: 0 }); // stored blocks: a flipped data byte still inflates
    const at = z.length - 4 - 2; // inside the stored double
    z[at] = z[at]! ^ 1;
    const file = matFile(element(MI.COMPRESSED, z));
    expect(() => readMat(file)).toThrow(/fails its Adler-32 checksum/);
    expect(readMat(file, { verifyChecksum: false }).x).toBeDefined();
  });

  it('a variable name of 200 KB is read (no argument spread)', () => {
    const name = 'v'.repeat(200_000);
    const vars = readMat(matFile(doubleVar(name, [1, 1], [2])));
    expect(Object.keys(vars)[0]).toHaveLength(200_000);
  });

  it('variables and struct fields named __proto__ are kept', () => {
    const vars = readMat(matFile(doubleVar('__proto__', [1, 1], [7])));
    expect(Object.keys(vars)).toEqual(['__proto__']);
    expect(vars[PROTO]).toMatchObject({ kind: 'numeric', shape: [1, 1] });
    const field = new Uint8Array(16);
    field.set(ascii('__proto__'));
    const s = matrix(CLASS.STRUCT, [1, 1], 's', [
      element(MI.INT32, i32s(16)),
      element(MI.INT8, field),
      matrix(CLASS.DOUBLE, [1, 1], '', [element(MI.DOUBLE, f64s(5))]),
    ]);
    const v = readMat(matFile(s)).s!;
    expect(v.kind === 'struct' && Object.keys(v.fields)).toEqual(['__proto__']);
  });

  it('complex sparse keeps its imaginary parts (scipy fixture)', () => {
    const expected = JSON.parse(readFileSync(join(fixtures, 'hostile.json'), 'utf8'));
    const z = readMat(readFileSync(join(fixtures, 'hostile/complex_sparse.mat'))).z!;
    if (z.kind !== 'sparse') throw new Error(`expected sparse, got ${z.kind}`);
    const [m, n] = z.shape;
    const re = new Array(m * n).fill(0);
    const im = new Array(m * n).fill(0);
    for (let j = 0; j < n; j++)
      for (let k = z.jc[j]!; k < z.jc[j + 1]!; k++) {
        re[z.ir[k]! * n + j] = z.values[k];
        im[z.ir[k]! * n + j] = z.imag![k];
      }
    expect(re).toEqual(expected.complex_sparse.real);
    expect(im).toEqual(expected.complex_sparse.imag);
  });

  it('a complex array without (or with a short) imaginary part is an error', () => {
    const re = element(MI.DOUBLE, f64s(1, 2));
    expect(() => readMat(matFile(matrix(CLASS.DOUBLE, [1, 2], 'z', [re], { complex: true })))).toThrow(
      /"z" \(double\) is missing its imaginary part/,
    );
    const short = element(MI.DOUBLE, f64s(1));
    expect(() => readMat(matFile(matrix(CLASS.DOUBLE, [1, 2], 'z', [re, short], { complex: true })))).toThrow(
      /"z" has 1 imaginary parts for dimensions \[1, 2\]/,
    );
  });

  it("scipy's UTF-8 text comes back as written (héllo€)", () => {
    const s = readMat(readFileSync(join(fixtures, 'hostile/unicode.mat'))).s!;
    expect(s).toEqual({ kind: 'char', shape: [1, 6], text: 'h\u00e9llo\u20ac' });
  });

  it('trailing bytes too short for a tag are an error', () => {
    const file = matFile(doubleVar('x', [1, 1], [1]), Uint8Array.of(1, 2, 3));
    expect(() => readMat(file)).toThrow(
      /3 trailing bytes at offset \d+ are too short for a data element tag/,
    );
  });
});

describe('checksums of gzip (IDX) and zip (npz)', () => {
  it('gzip with a flipped byte fails its CRC-32', () => {
    const idx = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 30, 40);
    const gz = gzipSync(idx, { level: 0 });
    expect(Array.from(readIdx(gz).data)).toEqual([30, 40]);
    gz[gz.length - 8 - 2] = 31; // the stored 30
    expect(() => readIdx(gz)).toThrow(/gzip data fails its CRC-32 checksum/);
  });

  it('a gzip bomb stops at maxBytes', () => {
    const raw = zerosDeflated(8 * 2 ** 20, 'raw');
    const gz = new Uint8Array(10 + raw.length + 8);
    gz.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    gz.set(raw, 10);
    expect(() => readIdx(gz, { maxBytes: 2 ** 20 })).toThrow(/inflates to more than 1048576 bytes/);
  });

  it('npz with a flipped byte fails its CRC-32 (stored and deflated entries)', () => {
    const npy = writeNpy(new Tensor(Float64Array.of(3), [1]));
    for (const level of [0, 6] as const) {
      const zip = zipSync({ 'a.npy': [npy, { level }] });
      expect(Array.from(readNpz(zip).a!.data)).toEqual([3]);
      if (level === 0) {
        const at = zip.indexOf(0x40, 30 + 5 + 80); // the exponent byte of 3.0 in the stored entry
        zip[at] = 0x41;
      } else {
        // Rewrite the stored CRC in both headers: the data is intact, the checksum is not.
        const v = new DataView(zip.buffer);
        v.setUint32(14, v.getUint32(14, true) ^ 1, true);
        const cd = zip.length - 22 - 46 - 5;
        v.setUint32(cd + 16, v.getUint32(cd + 16, true) ^ 1, true);
      }
      expect(() => readNpz(zip)).toThrow(/entry "a.npy" fails its CRC-32 checksum/);
    }
  });

  it('an npz entry named __proto__ is kept', () => {
    const zip = zipSync({ '__proto__.npy': writeNpy(new Tensor(Float64Array.of(1, 2), [2])) });
    const out = readNpz(zip);
    expect(Object.keys(out)).toEqual(['__proto__']);
  });

  it('an npz bomb stops at maxBytes', () => {
    const raw = zerosDeflated(4 * 2 ** 20, 'raw');
    const zip = zipSync({ 'a.npy': [new Uint8Array(4 * 2 ** 20), { level: 9 }] });
    expect(raw.length).toBeGreaterThan(0);
    expect(() => readNpz(zip, { maxBytes: 2 ** 20 })).toThrow(
      /entry "a.npy" inflates to more than 1048576 bytes/,
    );
  });
});

describe('npy, IDX, CSV, ARFF, MULAN and safetensors edge cases', () => {
  it('an npy v2 header of 200 KB is read', () => {
    const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }`;
    const len = 200_000;
    const header = `${dict + ' '.repeat(len - dict.length - 1)}\n`;
    const file = new Uint8Array(12 + len + 8);
    file.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(file.buffer).setUint32(8, len, true);
    file.set(ascii(header), 12);
    new DataView(file.buffer).setFloat64(12 + len, 1.5, true);
    expect(Array.from(readNpy(file).data)).toEqual([1.5]);
  });

  it('a duplicated shape key takes the last value, as numpy does', () => {
    const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'shape': (2,), }`;
    const header = `${dict + ' '.repeat(128 - 10 - dict.length - 1)}\n`;
    const file = new Uint8Array(128 + 16);
    file.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(file.buffer).setUint16(8, header.length, true);
    file.set(ascii(header), 10);
    new Float64Array(file.buffer, 128, 2).set([1, 2]);
    expect(readNpy(file).shape).toEqual([2]);
  });

  it('IDX data longer than its declared size is an error, not a prefix', () => {
    expect(() => readIdx(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3))).toThrow(
      /declares 2 uint8 values \(2 bytes\) but 3 bytes of data follow it/,
    );
  });

  it('CSV with CR-only line ends has its rows', () => {
    expect(parseCsv('a,b\r1,2\r3,4\r').matrix.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('ARFF sparse rows that omit a string column keep the strings aligned with the rows', () => {
    const arff = '@relation r\n@attribute id string\n@attribute x numeric\n@data\n{1 5}\n{0 b, 1 6}\n{1 7}\n';
    const d = parseArff(arff);
    expect(d.strings[0]).toEqual(['', 'b', '']);
    expect(Array.from(d.data)).toEqual([Number.NaN, 5, Number.NaN, 6, Number.NaN, 7]);
  });

  it('MEKA -C q beyond the attribute count is a FormatError', () => {
    const arff = "@relation 'r: -C 5'\n@attribute a {0,1}\n@attribute b numeric\n@data\n1,2\n";
    expect(() => loadMulan(arff)).toThrow(/"-C 5" names 5 label attributes but the file declares 2/);
    expect(() => loadMulan(arff.replace('-C 5', '-C -7'))).toThrow(FormatError);
  });

  it('safetensors tensors named __proto__ are kept', () => {
    // An object literal with a __proto__ key sets the prototype; build the input without one.
    const input = Object.create(null);
    input[PROTO] = new Matrix(1, 1, Float64Array.of(4));
    const out = readSafetensors(writeSafetensors(input)).tensors;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Array.from(out[PROTO]!.data)).toEqual([4]);
  });

  it('writeSafetensors rejects values an integer dtype cannot hold instead of wrapping them', () => {
    const t = (v: number) => ({ x: { data: [v], shape: [1] } });
    expect(() => writeSafetensors(t(300), { dtype: 'U8' })).toThrow(
      /"x" element 0 is 300, which U8 cannot hold \(integers in \[0, 255\]\)/,
    );
    expect(() => writeSafetensors(t(2 ** 31), { dtype: 'I32' })).toThrow(DomainError);
    expect(() => writeSafetensors(t(Number.NaN), { dtype: 'I64' })).toThrow(
      /element 0 is NaN, which I64 cannot hold/,
    );
    expect(() => writeSafetensors(t(2.5), { dtype: 'I32' })).toThrow(DomainError);
    expect(Array.from(readSafetensors(writeSafetensors(t(-7), { dtype: 'I64' })).tensors.x!.data)).toEqual([
      -7,
    ]);
  });
});
