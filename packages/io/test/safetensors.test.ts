import { FormatError, Matrix, Rng, ShapeError, Tensor } from '@numts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bf16ToFloat,
  floatToBf16,
  floatToHalf,
  halfToFloat,
  readSafetensors,
  SafetensorsFile,
  writeSafetensors,
} from '../src/index.js';

/** Builds a raw safetensors file from a header object and a data buffer (for malformed cases). */
function raw(header: unknown, data: Uint8Array, headerText?: string): Uint8Array {
  const h = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors round trips', () => {
  it('F32/F64/I32/U8/BOOL exactly, F16/BF16 within their rounding, byte-stable', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 0, max: 999 }),
        (shape, seed) => {
          const rng = new Rng(seed);
          const n = shape.reduce((a, b) => a * b, 1);
          const f32 = new Tensor(Float32Array.from(rng.normalArray(n)), shape);
          const f64 = new Tensor(rng.normalArray(n), shape);
          const ints = new Tensor(
            Int32Array.from({ length: n }, () => rng.int(-1e9, 1e9)),
            shape,
          );
          const bytes = writeSafetensors(
            {
              'w.f32': f32,
              'w.f64': f64,
              'w.f16': f64,
              'w.bf16': f64,
              'w.i32': ints,
              'w.u8': new Tensor(
                Uint8Array.from({ length: n }, (_, i) => i % 256),
                shape,
              ),
            },
            {
              dtypes: { 'w.f64': 'F64', 'w.f16': 'F16', 'w.bf16': 'BF16', 'w.i32': 'I32', 'w.u8': 'U8' },
              metadata: { format: 'pt' },
            },
          );
          const { tensors, metadata } = readSafetensors(bytes);
          expect(metadata).toEqual({ format: 'pt' });
          expect(tensors['w.f32']!.toFlatArray()).toEqual(f32.toFlatArray());
          expect(tensors['w.f64']!.toFlatArray()).toEqual(f64.toFlatArray());
          expect(tensors['w.i32']!.toFlatArray()).toEqual(ints.toFlatArray());
          expect([...tensors['w.f16']!.shape]).toEqual(shape);
          tensors['w.f16']!.toFlatArray().forEach((v, i) => {
            expect(Math.abs(v - f64.data[i]!)).toBeLessThanOrEqual(
              Math.abs(f64.data[i]!) * 2 ** -11 + 2 ** -25,
            );
          });
          tensors['w.bf16']!.toFlatArray().forEach((v, i) => {
            expect(Math.abs(v - f64.data[i]!)).toBeLessThanOrEqual(Math.abs(f64.data[i]!) * 2 ** -8 + 1e-38);
          });
          // Byte stability: writing what was read gives the same bytes.
          const again = writeSafetensors(
            {
              'w.f32': tensors['w.f32']!,
              'w.f64': tensors['w.f64']!,
              'w.f16': tensors['w.f16']!,
              'w.bf16': tensors['w.bf16']!,
              'w.i32': tensors['w.i32']!,
              'w.u8': tensors['w.u8']!,
            },
            {
              dtypes: { 'w.f64': 'F64', 'w.f16': 'F16', 'w.bf16': 'BF16', 'w.i32': 'I32', 'w.u8': 'U8' },
              metadata: { format: 'pt' },
            },
          );
          expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('follows the reference layout: 8-byte padded header, alignment-then-name order', () => {
    const bytes = writeSafetensors(
      { b: new Matrix(1, 1), a: new Matrix(1, 2), c: new Tensor(Float64Array.of(1), [1]) },
      { dtypes: { c: 'F64' } },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(Object.keys(header)).toEqual(['c', 'a', 'b']);
    expect(header.c.data_offsets).toEqual([0, 8]);
  });

  it('gives lazy access to single tensors', () => {
    const f = SafetensorsFile.parse(
      writeSafetensors({ x: new Matrix(2, 2, Float64Array.of(1, 2, 3, 4)), y: new Matrix(1, 1) }),
    );
    expect(f.names.sort()).toEqual(['x', 'y']);
    expect(f.get('x').toFlatArray()).toEqual([1, 2, 3, 4]);
    expect(() => f.get('z')).toThrow(ShapeError);
  });
});

describe('F16 and BF16 conversions', () => {
  it('round to nearest even and keep special values', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00); // rounds up to Infinity
    expect(floatToHalf(2 ** -24)).toBe(1);
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(halfToFloat(floatToHalf(Number.NaN))).toBeNaN();
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie to even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(bf16ToFloat(floatToBf16(1 + 2 ** -8))).toBe(1); // tie to even
    expect(bf16ToFloat(floatToBf16(Number.NaN))).toBeNaN();
    for (let h = 0; h < 0x7c00; h += 7) expect(floatToHalf(halfToFloat(h))).toBe(h);
  });
});

describe('malformed safetensors files give FormatError with the offset', () => {
  const data4 = new Uint8Array(4);
  it.each([
    ['truncated length', new Uint8Array(5), /truncated input: the header length needs 8 bytes at offset 0/],
    [
      'length beyond the file',
      raw({}, new Uint8Array(0)).slice(0, 9),
      /truncated input: the JSON header needs 2 bytes at offset 8 but the input has 9/,
    ],
    ['header not JSON', raw(null, data4, '{"x": '), /the header at offset 8 is not valid UTF-8 JSON/],
    ['header not an object', raw([1], new Uint8Array(0)), /the header at offset 8 must be a JSON object/],
    [
      'unknown dtype',
      raw({ x: { dtype: 'C64', shape: [1], data_offsets: [0, 4] } }, data4),
      /entry "x" has unknown or unsupported dtype "C64"/,
    ],
    [
      'lying length',
      raw({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, data4),
      /entry "x" spans 4 bytes but F32 of shape \[2\] needs 8/,
    ],
    [
      'offset past the end',
      raw({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, data4),
      /entry "x" ends at data offset 8 but the data buffer has 4 bytes/,
    ],
    [
      'overlap',
      raw(
        {
          x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          y: { dtype: 'U8', shape: [2], data_offsets: [2, 4] },
        },
        data4,
      ),
      /entry "y" overlaps the previous tensor \(starts at data offset 2 < 4\)/,
    ],
    [
      'hole',
      raw({ x: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } }, data4),
      /the data buffer has a hole at data offsets 0\.\.2/,
    ],
    [
      'trailing bytes',
      raw({ x: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, data4),
      /the tensors cover 2 bytes but the data buffer has 4/,
    ],
    [
      'bad metadata',
      raw({ __metadata__: { a: 1 } }, new Uint8Array(0)),
      /__metadata__ must map strings to strings/,
    ],
  ])('%s', (_n, bytes, message) => {
    expect(() => SafetensorsFile.parse(bytes)).toThrow(FormatError);
    expect(() => SafetensorsFile.parse(bytes)).toThrow(message);
  });

  it('header too large', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
    expect(() => SafetensorsFile.parse(bytes)).toThrow(
      'readSafetensors: header length 100000001 at offset 0 exceeds the limit of 100000000 bytes',
    );
  });
});
