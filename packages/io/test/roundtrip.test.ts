/**
 * Round trips with numpy and scipy on float16, bfloat16, int64, bool, Fortran order and complex
 * (fixtures from test-data/io/make_roundtrip.py; no Python runs here): numts reads what numpy and
 * scipy wrote, and writes, byte for byte, the files whose contents numpy recorded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NumericArray, Tensor } from '@numts/core';
import { TEST_DATA } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import { readMat, readNpy, readSafetensors } from '../src/index.js';
import { interleave, numtsRoundtripFiles, type RoundtripInputs } from './roundtrip-files.js';

const dir = join(TEST_DATA, 'io', 'roundtrip');
const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as RoundtripInputs & {
  fortran: { shape: number[]; values: number[] };
};
const numpyRead = JSON.parse(readFileSync(join(dir, 'numpy_reads_numts.json'), 'utf8'));
const fromNumpy = (name: string) => readFileSync(join(dir, 'from-numpy', name));

/** The values in C order, whatever the strides. */
function cOrder(t: Tensor<NumericArray>): number[] {
  return Array.from(t.clone().data);
}

/** Equality that tells −0 from +0 and compares NaN with NaN. */
function same(a: number[], b: number[]): void {
  expect(a.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(b.map((v) => (Object.is(v, -0) ? '-0' : v)));
}

describe('numts reads what numpy and scipy wrote', () => {
  it('npy: float16 (both byte orders), int64, bool, Fortran order, complex128/64 (C, Fortran, big-endian)', () => {
    for (const f of ['f16.npy', 'f16_be.npy']) same(cOrder(readNpy(fromNumpy(f))), inputs.f16);
    same(cOrder(readNpy(fromNumpy('i64.npy'))), inputs.i64);
    const b = readNpy(fromNumpy('bool.npy'));
    expect(b.shape).toEqual(inputs.bool.shape);
    same(cOrder(b), inputs.bool.values);
    const f = readNpy(fromNumpy('fortran.npy'));
    expect(f.shape).toEqual(inputs.fortran.shape);
    same(cOrder(f), inputs.fortran.values);
    for (const name of ['c16.npy', 'c16_fortran.npy', 'c16_be.npy']) {
      const c = readNpy(fromNumpy(name));
      expect(c.shape, name).toEqual([...inputs.c16.shape, 2]);
      expect(c.data).toBeInstanceOf(Float64Array);
      same(cOrder(c), interleave(inputs.c16));
    }
    const c8 = readNpy(fromNumpy('c8.npy'));
    expect(c8.data).toBeInstanceOf(Float32Array);
    same(cOrder(c8), interleave(inputs.c8));
  });

  it('safetensors: F16, BF16, I64, BOOL', () => {
    const t = readSafetensors(fromNumpy('tensors.safetensors')).tensors;
    same(cOrder(t.f16!), inputs.f16);
    same(cOrder(t.bf16!), inputs.bf16);
    same(cOrder(t.i64!), inputs.i64);
    same(cOrder(t.bool!), inputs.bool.values);
  });

  it('.mat (scipy): complex, logical, int64, column-major doubles', () => {
    const v = readMat(fromNumpy('vars.mat'));
    const cpx = v.cpx!;
    if (cpx.kind !== 'numeric') throw new Error('cpx is not numeric');
    // Column-major storage: element (i, j) is at i + j·rows.
    const [m, n] = cpx.shape as [number, number];
    const re: number[] = [];
    const im: number[] = [];
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        re.push(cpx.data[i + j * m]!);
        im.push(cpx.imag![i + j * m]!);
      }
    same(re, inputs.c16.real);
    same(im, inputs.c16.imag);
    const lgc = v.lgc!;
    expect(lgc.kind === 'numeric' && lgc.logical).toBe(true);
    const i64 = v.i64!;
    expect(i64.kind === 'numeric' && i64.class).toBe('int64');
    if (i64.kind === 'numeric') same(Array.from(i64.data), inputs.i64);
  });
});

describe('numpy reads what numts wrote', () => {
  const files = numtsRoundtripFiles(inputs);

  it('the files numts writes today are the bytes numpy read', () => {
    for (const [name, bytes] of Object.entries(files))
      expect(Buffer.from(bytes).equals(readFileSync(join(dir, 'from-numts', name))), name).toBe(true);
  });

  it('numpy found the inputs: float16, int64, bool, complex128/64 in .npy', () => {
    expect(numpyRead['f16.npy']).toMatchObject({ dtype: '<f2', values: inputs.f16 });
    expect(numpyRead['i64.npy']).toMatchObject({ dtype: '<i8', values: inputs.i64 });
    expect(numpyRead['bool.npy']).toMatchObject({
      dtype: '|b1',
      shape: inputs.bool.shape,
      values: inputs.bool.values,
    });
    expect(numpyRead['c16.npy']).toMatchObject({
      dtype: '<c16',
      shape: inputs.c16.shape,
      values: { real: inputs.c16.real, imag: inputs.c16.imag },
    });
    expect(numpyRead['c8.npy']).toMatchObject({
      dtype: '<c8',
      values: { real: inputs.c8.real, imag: inputs.c8.imag },
    });
  });

  it('and F16, BF16, I64, BOOL in safetensors', () => {
    const s = numpyRead['tensors.safetensors'];
    expect(s.f16.values).toEqual(inputs.f16);
    expect(s.bf16.values).toEqual(inputs.bf16);
    expect(s.i64).toMatchObject({ dtype: 'I64', shape: [2, 3], values: inputs.i64 });
    expect(s.bool).toMatchObject({ dtype: 'BOOL', values: inputs.bool.values });
  });
});
