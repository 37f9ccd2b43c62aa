import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, Tensor } from '@numts/core';
import { readFixture, TEST_DATA } from '@numts/testing';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  loadMulan,
  matToMatrix,
  mekaLabelCount,
  parseArff,
  parseCsv,
  parseMulanXml,
  readIdx,
  readMat,
} from '../src/index.js';

interface MatExpected {
  [name: string]: { shape?: number[]; rows?: number[][]; real?: number[]; imag?: number[] } | string;
}
const expected = readFixture<{ mat: MatExpected }>('io/expected.json').mat;

describe('readMat reads scipy-written MAT-files', () => {
  it.each(['vars_plain.mat', 'vars_compressed.mat'])('%s', (file) => {
    const vars = readMat(readFileSync(join(TEST_DATA, 'io', 'mat', file)));
    for (const name of ['dbl', 'sgl', 'i16', 'u8', 'lgc', 'spm']) {
      const e = expected[name] as { shape: number[]; rows: number[][] };
      const m = matToMatrix(vars[name]!);
      expect([m.rows, m.cols]).toEqual(e.shape);
      expect(m.toArray()).toEqual(e.rows);
    }
    expect(vars.lgc!.kind === 'numeric' && vars.lgc!.logical).toBe(true);
    expect(vars.spm!.kind).toBe('sparse');
    const cpx = vars.cpx!;
    expect(cpx.kind === 'numeric' && Array.from(cpx.data)).toEqual([1, 3]);
    expect(cpx.kind === 'numeric' && Array.from(cpx.imag!)).toEqual([2, -1]);
    expect(vars.txt).toEqual({ kind: 'char', shape: [1, 11], text: 'hello numts' });
    const cel = vars.cel!;
    expect(cel.kind).toBe('cell');
    if (cel.kind === 'cell') {
      expect(cel.cells.length).toBe(2);
      expect(cel.cells[1]).toMatchObject({ kind: 'char', text: 'x' });
    }
    const st = vars.st!;
    expect(st.kind).toBe('struct');
    if (st.kind === 'struct') {
      expect(Object.keys(st.fields).sort()).toEqual(['a', 'b']);
      expect(st.fields.b![0]).toMatchObject({ kind: 'char', text: 'bee' });
    }
  });

  it('rejects v7.3/HDF5 and non-MAT input clearly', () => {
    const hdf = new Uint8Array(600);
    new TextEncoder().encodeInto('MATLAB 7.3 MAT-file, Platform: GLNXA64', hdf);
    hdf.set([0x89, 0x48, 0x44, 0x46], 512);
    expect(() => readMat(hdf)).toThrow(/this is a MATLAB v7\.3 \(HDF5\) file, which is not supported/);
    expect(() => readMat(new Uint8Array(200))).toThrow(/not a level-5 MAT-file/);
    expect(() => readMat(new Uint8Array(50))).toThrow(
      /truncated input: the 128-byte header needs 128 bytes at offset 0/,
    );
  });
});

const ARFF = `% a comment
@relation 'toy: -C -2'
@attribute 'first feature' numeric
@attribute color {red, 'dark blue'}
@attribute code {1,10,2}
@attribute note string
@attribute l1 {0,1}
@attribute l2 {0,1}
@data
1.5,red,10,'hello, world',1,0
?, 'dark blue' ,2,x,0,1
{0 -2, 1 'dark blue', 3 y, 5 1}
`;

describe('ARFF, MULAN XML and MEKA', () => {
  it('parses quoted names, nominal decoding, strings, sparse rows and missing values', () => {
    const a = parseArff(ARFF);
    expect(a.relation).toBe('toy: -C -2');
    expect(a.attributes.map((x) => x.name)).toEqual(['first feature', 'color', 'code', 'note', 'l1', 'l2']);
    expect(a.rows).toBe(3);
    const row = (i: number) => Array.from(a.data.subarray(i * 6, i * 6 + 6));
    expect(row(0)).toEqual([1.5, 0, 10, Number.NaN, 1, 0]);
    expect(row(1)).toEqual([Number.NaN, 1, 2, Number.NaN, 0, 1]);
    expect(row(2)).toEqual([-2, 1, 0, Number.NaN, 0, 1]);
    expect(a.strings[3]).toEqual(['hello, world', 'x', 'y']);
    expect(a.missing).toBe(1);
    expect(mekaLabelCount(a.relation)).toBe(-2);
  });

  it('loads labels by MEKA -C and by XML name', () => {
    const noMissing = ARFF.replace('?, ', '3, ');
    const ds = loadMulan(noMissing);
    expect(ds.labelNames).toEqual(['l1', 'l2']);
    expect(ds.y.toArray()).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(ds.dropped).toEqual(['note']);
    expect(ds.featureNames).toEqual(['first feature', 'color', 'code']);
    const xml =
      '<?xml version="1.0"?><labels xmlns="http://mulan.sourceforge.net/labels"><label name="l2"></label><label name="l1"/></labels>';
    expect(parseMulanXml(xml)).toEqual(['l2', 'l1']);
    expect(loadMulan(noMissing, xml).labelNames).toEqual(['l1', 'l2']); // ARFF order
    const onehot = loadMulan(noMissing, xml, { nominal: 'onehot' });
    expect(onehot.featureNames).toEqual([
      'first feature',
      'color=red',
      'color=dark blue',
      'code=1',
      'code=10',
      'code=2',
    ]);
    expect(onehot.x.toArray()[0]).toEqual([1.5, 1, 0, 0, 1, 0]);
    expect(() => loadMulan(ARFF)).toThrow(
      /loadMulan: row 1 has a missing value \(\?\) in feature "first feature"/,
    );
  });

  it('refuses a {0,1} attribute after the labels the XML lists (a label it left out), unless told it is a feature', () => {
    const arff =
      '@relation r\n@attribute f numeric\n@attribute la {0,1}\n@attribute lb {0,1}\n@attribute lc {0,1}\n@data\n0.5,1,0,1\n1.5,0,1,0\n';
    const two =
      '<?xml version="1.0"?><labels xmlns="http://mulan.sourceforge.net/labels"><label name="la"/><label name="lb"/></labels>';
    expect(() => loadMulan(arff, two)).toThrow(FormatError);
    expect(() => loadMulan(arff, two)).toThrow(
      'loadMulan: the XML file lists 2 labels, but the ARFF file has 1 more {0,1} attribute after them ("lc") that would be used as features; list every label in the XML, or pass trailingBinary: \'features\'',
    );
    const kept = loadMulan(arff, two, { trailingBinary: 'features' });
    expect(kept.featureNames).toEqual(['f', 'lc']);
    // Labels first (MEKA's layout): what follows them is features.
    const labelsFirst =
      '@relation r\n@attribute la {0,1}\n@attribute lb {0,1}\n@attribute f {0,1}\n@data\n1,0,1\n0,1,0\n';
    expect(loadMulan(labelsFirst, two).featureNames).toEqual(['f']);
  });

  it('reports bad rows with their line number', () => {
    const bad = (row: string) =>
      `@relation r\n@attribute a numeric\n@attribute b {x,y}\n@data\n1,x\n${row}\n`;
    expect(() => parseArff(bad('2'))).toThrow(FormatError);
    expect(() => parseArff(bad('2'))).toThrow(
      'parseArff: line 6: row has 1 values but 2 attributes are declared',
    );
    expect(() => parseArff(bad('abc,x'))).toThrow(
      'parseArff: line 6: value "abc" of numeric attribute "a" is not a number',
    );
    expect(() => parseArff(bad('2,z'))).toThrow(
      'parseArff: line 6: "z" is not a declared value of nominal attribute "b"',
    );
    expect(() => parseArff(bad('{5 1}'))).toThrow(
      'parseArff: line 6: sparse index 5 is out of range (the file declares 2 attributes)',
    );
    expect(() => parseArff('@relation r\n@attribute a date\n@data\n')).toThrow(
      /attribute "a" on line 2 has unsupported type "date"/,
    );
    let err: unknown;
    try {
      parseArff(bad('2,z'));
    } catch (e) {
      err = e;
    }
    expect((err as FormatError).line).toBe(6);
  });
});

describe('IDX and CSV', () => {
  function idx(type: number, dims: number[], body: number[]): Uint8Array {
    const out = new Uint8Array(4 + 4 * dims.length + body.length);
    out.set([0, 0, type, dims.length]);
    dims.forEach((d, k) => {
      new DataView(out.buffer).setUint32(4 + 4 * k, d, false);
    });
    out.set(body, 4 + 4 * dims.length);
    return out;
  }

  it('reads raw and gzip IDX files', () => {
    const bytes = idx(0x08, [2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const t = readIdx(bytes);
    expect([...t.shape]).toEqual([2, 2, 3]);
    expect(t.data).toBeInstanceOf(Uint8Array);
    expect(readIdx(gzipSync(bytes)).toFlatArray()).toEqual(t.toFlatArray());
    const f = readIdx(idx(0x0d, [1], [0x3f, 0xc0, 0, 0]));
    expect(f.toFlatArray()).toEqual([1.5]);
    expect(() => readIdx(idx(0x07, [1], [0]))).toThrow('readIdx: unknown IDX type code 0x7 at offset 2');
    expect(() => readIdx(idx(0x08, [5], [1, 2]))).toThrow(
      /truncated input: 5 uint8 values needs 5 bytes at offset 8 but the input has 10/,
    );
  });

  it('parses CSV, TSV and whitespace tables with a header guess', () => {
    expect(parseCsv('a,b\n1,2\n3,4\n').matrix.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(parseCsv('1\t2\n3\t4').columns).toEqual(['c0', 'c1']);
    expect(parseCsv('  1   2\n 3 4 \n').matrix.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(parseCsv('x,y\n1,NA\n').matrix.get(0, 1)).toBeNaN();
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(
      'parseCsv: line 3 has 1 fields but 2 columns are expected',
    );
    expect(() => parseCsv('a,b\n1,zz\n')).toThrow('parseCsv: line 2, column "b": "zz" is not a number');
  });

  it('Tensor results are plain numts tensors', () => {
    expect(readIdx(idx(0x08, [1], [7]))).toBeInstanceOf(Tensor);
  });
});
