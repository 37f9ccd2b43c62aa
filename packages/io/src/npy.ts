/**
 * NumPy .npy files (format versions 1, 2 and 3) and .npz archives.
 *
 * @module
 */
import type { NumericArray } from '@numts/core';
import { DomainError, FormatError, Matrix, ShapeError, shapeSize, Tensor } from '@numts/core';
import { asBytes, ByteReader, LITTLE_ENDIAN, latin1, swapBytes } from './bytes.js';
import { floatToHalf, halfToFloat } from './half.js';
import { type DecompressOptions, maxBytesOption } from './inflate.js';
import { readZip } from './zip.js';

/** The element types this module reads (numpy `dtype.str` without the byte-order mark). */
export type NpyDtype =
  | 'f8'
  | 'f4'
  | 'f2'
  | 'c16'
  | 'c8'
  | 'i4'
  | 'i8'
  | 'u1'
  | 'b1'
  | 'i2'
  | 'u2'
  | 'u4'
  | 'i1';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface DtypeInfo {
  /** Bytes per element. */
  size: number;
  /** Bytes per scalar whose order a byte swap reverses (half the size for complex). */
  unit?: number;
  make: (buf: ArrayBuffer, n: number) => NumericArray;
}

const DTYPES: Record<NpyDtype, DtypeInfo> = {
  f8: { size: 8, make: (b, n) => new Float64Array(b, 0, n) },
  f4: { size: 4, make: (b, n) => new Float32Array(b, 0, n) },
  f2: { size: 2, make: (b, n) => Float32Array.from(new Uint16Array(b, 0, n), halfToFloat) },
  c16: { size: 16, unit: 8, make: (b, n) => new Float64Array(b, 0, 2 * n) },
  c8: { size: 8, unit: 4, make: (b, n) => new Float32Array(b, 0, 2 * n) },
  i4: { size: 4, make: (b, n) => new Int32Array(b, 0, n) },
  u4: { size: 4, make: (b, n) => new Uint32Array(b, 0, n) },
  i2: { size: 2, make: (b, n) => new Int16Array(b, 0, n) },
  u2: { size: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  i1: { size: 1, make: (b, n) => new Int8Array(b, 0, n) },
  u1: { size: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  b1: { size: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  i8: { size: 8, make: () => new Float64Array(0) }, // converted separately (see readNpy)
};

/** What {@link parseNpyHeader} finds. */
export interface NpyHeader {
  dtype: NpyDtype;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

/** Parses the header dictionary `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`. */
function parseDict(
  fn: string,
  text: string,
  offset: number,
): { descr: string; fortran: boolean; shape: number[] } {
  // A Python dict literal keeps the last of repeated keys, so the last match wins here too.
  const last = (re: RegExp) => [...text.matchAll(re)].at(-1);
  const descr = last(/'descr'\s*:\s*'([^']*)'/g);
  const fortran = last(/'fortran_order'\s*:\s*(True|False)/g);
  const shape = last(/'shape'\s*:\s*\(([^)]*)\)/g);
  if (!descr || !fortran || !shape) {
    throw new FormatError(
      `${fn}: header at offset ${offset} is not a dict with 'descr', 'fortran_order' and 'shape' (got ${JSON.stringify(text.slice(0, 80))})`,
      {
        offset,
      },
    );
  }
  const dims = shape[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(v) || v < 0)
        throw new FormatError(`${fn}: shape entry ${JSON.stringify(s)} is not a non-negative integer`, {
          offset,
        });
      return v;
    });
  return { descr: descr[1]!, fortran: fortran[1] === 'True', shape: dims };
}

/** Reads and validates the magic, version and header of a .npy file. */
export function parseNpyHeader(input: Uint8Array | ArrayBuffer): NpyHeader {
  const fn = 'readNpy';
  const r = new ByteReader(fn, asBytes(fn, input));
  r.need(10, 'the magic string and version');
  for (let i = 0; i < 6; i++) {
    if (r.bytes[i] !== MAGIC[i])
      throw new FormatError(`${fn}: not a .npy file (the magic string \\x93NUMPY is missing at offset 0)`, {
        offset: 0,
      });
  }
  r.pos = 6;
  const major = r.u8();
  r.u8();
  if (major < 1 || major > 3)
    throw new FormatError(
      `${fn}: unsupported .npy format version ${major} at offset 6 (1, 2 and 3 are supported)`,
      { offset: 6 },
    );
  const headerLen = major === 1 ? r.u16(true, 'the header length') : r.u32(true, 'the header length');
  const start = r.pos;
  const raw = r.take(headerLen, 'the header');
  const text = major === 3 ? new TextDecoder('utf-8', { fatal: false }).decode(raw) : latin1(raw);
  const { descr, fortran, shape } = parseDict(fn, text, start);
  const m = /^([<>|=])?([fiubc])(\d+)$/.exec(descr);
  const order = m?.[1] ?? '=';
  const code = m ? (`${m[2]}${m[3]}` as NpyDtype) : null;
  if (!m || !(code! in DTYPES)) {
    throw new FormatError(
      `${fn}: unsupported dtype ${JSON.stringify(descr)} at offset ${start} (supported: f8 f4 f2 c16 c8 i8 i4 i2 i1 u4 u2 u1 b1, either byte order)`,
      {
        offset: start,
      },
    );
  }
  const littleEndian = order === '<' || order === '|' || (order === '=' && LITTLE_ENDIAN);
  return { dtype: code!, littleEndian, fortranOrder: fortran, shape, dataOffset: r.pos };
}

/**
 * Reads a .npy file into a Tensor: f8 → Float64Array, f4 and f2 → Float32Array, i4/i2/i1/u4/u2/u1
 * → the matching integer array, b1 → Uint8Array of 0/1, i8 → Float64Array (an i8 value beyond
 * ±2⁵³ is a FormatError, since it would not survive the conversion). Complex c16/c8 arrays come
 * back as Float64Array/Float32Array with one more trailing axis of length 2 (real, imaginary).
 * Big-endian data is byte-swapped. Fortran-order arrays come back as a Tensor with column-major
 * strides (no copy of the layout).
 *
 * @throws FormatError for a bad magic string, an unsupported version or dtype, or too little data
 * @example
 * ```ts
 * const t = readNpy(bytes); // t.shape, t.data
 * ```
 */
export function readNpy(input: Uint8Array | ArrayBuffer): Tensor<NumericArray> {
  const fn = 'readNpy';
  const bytes = asBytes(fn, input);
  const h = parseNpyHeader(bytes);
  const n = shapeSize(h.shape);
  const info = DTYPES[h.dtype];
  const r = new ByteReader(fn, bytes, h.dataOffset);
  const raw = r.take(n * info.size, `${n} elements of ${h.dtype}`);
  const buf = new ArrayBuffer(n * info.size);
  const u8 = new Uint8Array(buf);
  u8.set(raw);
  if (info.size > 1 && h.littleEndian !== LITTLE_ENDIAN) swapBytes(u8, info.unit ?? info.size);
  let data: NumericArray;
  if (h.dtype === 'i8') {
    const big = new BigInt64Array(buf);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = big[i]!;
      if (v > 9007199254740991n || v < -9007199254740991n) {
        throw new FormatError(`${fn}: int64 element ${i} (${v}) does not fit a float64 exactly`, {
          offset: h.dataOffset + 8 * i,
        });
      }
      out[i] = Number(v);
    }
    data = out;
  } else {
    data = info.make(buf, n);
    if (h.dtype === 'b1')
      for (let i = 0; i < n; i++) (data as Uint8Array)[i] = (data as Uint8Array)[i]! ? 1 : 0;
  }
  const parts = info.unit ? 2 : 1; // complex: (real, imaginary) on a trailing axis
  const shape = info.unit ? [...h.shape, 2] : h.shape;
  if (!h.fortranOrder || h.shape.length < 2) return new Tensor(data as never, shape);
  const stride: number[] = [];
  let s = parts;
  for (const d of h.shape) {
    stride.push(s);
    s *= Math.max(1, d);
  }
  if (info.unit) stride.push(1);
  return new Tensor(data as never, shape, stride, 0);
}

/** The numpy dtype of a typed array, for writing. */
function dtypeOf(data: ArrayLike<number>): NpyDtype {
  if (data instanceof Float64Array) return 'f8';
  if (data instanceof Float32Array) return 'f4';
  if (data instanceof Int32Array) return 'i4';
  if (data instanceof Uint32Array) return 'u4';
  if (data instanceof Int16Array) return 'i2';
  if (data instanceof Uint16Array) return 'u2';
  if (data instanceof Int8Array) return 'i1';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'u1';
  throw new ShapeError('writeNpy: data must be a typed array (Float64Array, Float32Array, Int32Array, …)');
}

/** Options of {@link writeNpy}. */
export interface WriteNpyOptions {
  /** Write a Uint8Array of 0/1 as numpy bool ('|b1'). */
  bool?: boolean;
  /**
   * Convert on the way: 'f2' writes half precision (round to nearest even), 'i8' int64 (every
   * value must be an integer within ±2⁵³). Default: the type of the data.
   */
  dtype?: 'f2' | 'i8';
  /** The last axis (length 2) holds real and imaginary parts: Float64Array → '<c16', Float32Array → '<c8'. */
  complex?: boolean;
}

/**
 * Writes a Tensor or Matrix (any strides) as a C-order little-endian .npy file, format 1.0 (2.0
 * when the header exceeds 65535 bytes). The element type follows the data: Float64Array → '<f8',
 * Float32Array → '<f4', Int32Array → '<i4', Uint8Array → '|u1', and so on; see
 * {@link WriteNpyOptions} for bool, half precision, int64 and complex output.
 * @throws ShapeError for data that is no typed array, or a complex array whose last axis is not 2
 * @throws DomainError for values that 'i8' cannot hold exactly
 */
export function writeNpy(x: Tensor<NumericArray> | Matrix, options: WriteNpyOptions = {}): Uint8Array {
  const t: Tensor<NumericArray> =
    x instanceof Matrix
      ? (new Tensor(x.data, [x.rows, x.cols], [x.rowStride, x.colStride], x.offset) as Tensor<NumericArray>)
      : x;
  if (!(t instanceof Tensor)) throw new TypeError('writeNpy: x must be a Tensor or a Matrix');
  let dtype = dtypeOf(t.data);
  let shape = t.shape;
  if (options.bool) {
    if (dtype !== 'u1') throw new ShapeError('writeNpy: bool output needs a Uint8Array');
    dtype = 'b1';
  }
  if (options.complex) {
    if (dtype !== 'f8' && dtype !== 'f4')
      throw new ShapeError('writeNpy: complex output needs a Float64Array or Float32Array');
    if (shape[shape.length - 1] !== 2)
      throw new ShapeError(
        `writeNpy: complex output needs a last axis of length 2 (real, imaginary) (got shape [${shape.join(', ')}])`,
      );
    dtype = dtype === 'f8' ? 'c16' : 'c8';
    shape = shape.slice(0, -1);
  }
  if (options.dtype) dtype = options.dtype;
  const size = DTYPES[dtype].size;
  const values = (t.isContiguous && t.offset === 0 ? t : t.clone()).data;
  const n = shapeSize(shape);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const descr = `${size === 1 ? '|' : '<'}${dtype}`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const v1 = dict.length + 11 <= 65535;
  const prefix = v1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = `${dict}${' '.repeat(total - prefix - dict.length - 1)}\n`;
  const out = new Uint8Array(total + n * size);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (v1) dv.setUint16(8, dict.length, true);
  else dv.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  const m = t.size;
  if (dtype === 'f2') for (let i = 0; i < m; i++) dv.setUint16(total + 2 * i, floatToHalf(values[i]!), true);
  else if (dtype === 'i8') {
    for (let i = 0; i < m; i++) {
      const v = values[i]!;
      if (!Number.isSafeInteger(v))
        throw new DomainError(
          `writeNpy: element ${i} is ${v}, which int64 output cannot hold exactly (integers within ±2^53)`,
        );
      dv.setBigInt64(total + 8 * i, BigInt(v), true);
    }
  } else {
    const unit = DTYPES[dtype].unit ?? size;
    const src = values as unknown as { buffer: ArrayBufferLike; byteOffset: number };
    out.set(new Uint8Array(src.buffer, src.byteOffset, n * size), total);
    if (!LITTLE_ENDIAN && unit > 1) swapBytes(out.subarray(total), unit);
    if (dtype === 'b1') for (let i = total; i < out.length; i++) out[i] = out[i] ? 1 : 0;
  }
  return out;
}

/**
 * Reads every array of a .npz archive (zip, stored or deflated entries, zip64 included) into
 * Tensors, keyed by the array name (the entry name without `.npy`) in an object without a
 * prototype (so an array named `__proto__` is kept like any other). Every entry's CRC-32 is
 * verified, and deflated entries together may inflate to at most `options.maxBytes` (default
 * 256 MiB).
 * @throws FormatError when the archive or one of its arrays is malformed, fails its checksum or
 *   passes `maxBytes`
 */
export function readNpz(
  input: Uint8Array | ArrayBuffer,
  options: DecompressOptions = {},
): Record<string, Tensor<NumericArray>> {
  const fn = 'readNpz';
  const bytes = asBytes(fn, input);
  const entries = readZip(fn, bytes, maxBytesOption(fn, options), options.verifyChecksum ?? true);
  const out: Record<string, Tensor<NumericArray>> = Object.create(null);
  for (const { name, data } of entries) {
    if (!name.endsWith('.npy')) continue;
    try {
      out[name.slice(0, -4)] = readNpy(data);
    } catch (e) {
      if (e instanceof FormatError)
        throw new FormatError(`${fn}: entry ${JSON.stringify(name)}: ${e.message}`, {
          offset: e.offset ?? 0,
        });
      throw e;
    }
  }
  return out;
}
