/**
 * Byte-level builders for the reader tests: MAT-file v5 elements and deflate streams: every tag, size and padding is written
 * by hand, so that tests can state exactly what a hostile file declares.
 */
import { Deflate, zlibSync } from 'fflate';

export const MI = {
  INT8: 1,
  UINT8: 2,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  DOUBLE: 9,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
};
export const CLASS = { CELL: 1, STRUCT: 2, CHAR: 4, SPARSE: 5, DOUBLE: 6 };

/** The parts one after the other. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A data element: 8-byte tag (type, declared length) and the payload padded to 8 bytes. */
export function element(
  type: number,
  payload: Uint8Array,
  declared = payload.length,
  pad = true,
): Uint8Array {
  const padded = pad && type !== MI.COMPRESSED ? Math.ceil(payload.length / 8) * 8 : payload.length;
  const out = new Uint8Array(8 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, declared, true);
  out.set(payload, 8);
  return out;
}

export function u32s(...xs: number[]): Uint8Array {
  return new Uint8Array(Uint32Array.from(xs, (x) => x >>> 0).buffer);
}

export function i32s(...xs: number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(xs).buffer);
}

export function f64s(...xs: number[]): Uint8Array {
  return new Uint8Array(Float64Array.from(xs).buffer);
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** A matrix element: array flags (class, complex, logical), dimensions, name, then the data parts. */
export function matrix(
  cls: number,
  dims: number[],
  name: string | Uint8Array,
  parts: Uint8Array[],
  options: { complex?: boolean; nzmax?: number } = {},
): Uint8Array {
  const flags = cls | (options.complex ? 0x800 : 0);
  const body = concat([
    element(MI.UINT32, u32s(flags, options.nzmax ?? 0)),
    element(MI.INT32, i32s(...dims)),
    element(MI.INT8, typeof name === 'string' ? ascii(name) : name),
    ...parts,
  ]);
  return element(MI.MATRIX, body);
}

export function compressed(inner: Uint8Array, level: 0 | 6 = 6): Uint8Array {
  return element(MI.COMPRESSED, zlibSync(inner, { level }));
}

/** A MAT-file: the 128-byte header (little-endian, version 0x0100) and the elements. */
export function matFile(...elements: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(128).fill(32);
  header.set(ascii('MATLAB 5.0 MAT-file, written by a numts test'));
  header.fill(0, 116, 124);
  header[124] = 0;
  header[125] = 1;
  header[126] = 'I'.charCodeAt(0);
  header[127] = 'M'.charCodeAt(0);
  return concat([header, ...elements]);
}

/** A double matrix variable (values column-major). */
export function doubleVar(name: string, dims: number[], values: number[]): Uint8Array {
  return matrix(CLASS.DOUBLE, dims, name, [element(MI.DOUBLE, f64s(...values))]);
}

/** A raw deflate stream of `n` zero bytes (a decompression bomb), made in steps so that the test stays small. */
export function deflatedZeros(n: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const d = new Deflate({ level: 9 }, (chunk) => parts.push(chunk));
  const step = new Uint8Array(1 << 20);
  for (let left = n; left > 0; left -= step.length)
    d.push(step.subarray(0, Math.min(step.length, left)), left <= step.length);
  return concat(parts);
}
