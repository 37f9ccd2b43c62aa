/**
 * MATLAB level-5 MAT-files (v5 up to v7, not v7.3/HDF5): numeric, logical, char and sparse arrays,
 * compressed elements, cells and structs.
 *
 * @module
 */
import { FormatError, Matrix, type NumericArray, ShapeError, shapeSize, Tensor } from '@numts/core';
import { asBytes, ByteReader, latin1 } from './bytes.js';
import { type DecompressOptions, inflateZlib, maxBytesOption } from './inflate.js';

/** MATLAB array classes. */
export type MatClass =
  | 'cell'
  | 'struct'
  | 'object'
  | 'char'
  | 'sparse'
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64';

const CLASS_NAMES: Record<number, MatClass> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

/** A variable read from a MAT-file. Numeric data is column-major, as MATLAB stores it. */
export type MatValue =
  | {
      kind: 'numeric';
      class: MatClass;
      logical: boolean;
      shape: number[];
      data: NumericArray;
      imag?: NumericArray;
    }
  | {
      kind: 'sparse';
      logical: boolean;
      shape: [number, number];
      ir: Int32Array;
      jc: Int32Array;
      values: Float64Array;
      /** Imaginary parts of the non-zeros of a complex sparse array. */
      imag?: Float64Array;
    }
  | { kind: 'char'; shape: number[]; text: string }
  | { kind: 'cell'; shape: number[]; cells: MatValue[] }
  | { kind: 'struct'; shape: number[]; fields: Record<string, MatValue[]> }
  | { kind: 'unsupported'; class: MatClass };

// Data element types.
const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
};
const MI_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 2,
  5: 4,
  6: 4,
  7: 4,
  9: 8,
  12: 8,
  13: 8,
  16: 1,
  17: 2,
  18: 4,
};

interface Element {
  type: number;
  start: number; // offset of the payload
  length: number; // payload bytes
  next: number; // offset after the element (padded)
}

function readTag(r: ByteReader, le: boolean): Element {
  const at = r.pos;
  const first = r.u32(le, 'a data element tag');
  if (first >>> 16 !== 0) {
    // Small data element: 2-byte length, 2-byte type, up to 4 bytes of data.
    const length = first >>> 16;
    const type = first & 0xffff;
    if (length > 4)
      throw new FormatError(
        `readMat: small data element at offset ${at} claims ${length} bytes (at most 4)`,
        { offset: at },
      );
    return { type, start: at + 4, length, next: at + 8 };
  }
  const length = r.u32(le, 'a data element length');
  const start = r.pos;
  r.need(length, `a data element of type ${first}`);
  const next = first === MI.COMPRESSED ? start + length : start + Math.ceil(length / 8) * 8;
  return { type: first, start, length, next: Math.min(next, r.length) };
}

/** Decodes a numeric payload to a Float64Array (exact for every class except (u)int64 beyond 2⁵³). */
function numericPayload(r: ByteReader, e: Element, le: boolean): Float64Array {
  const size = MI_SIZE[e.type];
  if (size === undefined)
    throw new FormatError(
      `readMat: unexpected element type ${e.type} at offset ${e.start - 8} for numeric data`,
      { offset: e.start },
    );
  const n = Math.floor(e.length / size);
  const out = new Float64Array(n);
  const v = r.view;
  const base = e.start;
  switch (e.type) {
    case MI.DOUBLE:
      for (let i = 0; i < n; i++) out[i] = v.getFloat64(base + 8 * i, le);
      break;
    case MI.SINGLE:
      for (let i = 0; i < n; i++) out[i] = v.getFloat32(base + 4 * i, le);
      break;
    case MI.INT8:
      for (let i = 0; i < n; i++) out[i] = v.getInt8(base + i);
      break;
    case MI.UINT8:
    case MI.UTF8:
      for (let i = 0; i < n; i++) out[i] = v.getUint8(base + i);
      break;
    case MI.INT16:
      for (let i = 0; i < n; i++) out[i] = v.getInt16(base + 2 * i, le);
      break;
    case MI.UINT16:
    case MI.UTF16:
      for (let i = 0; i < n; i++) out[i] = v.getUint16(base + 2 * i, le);
      break;
    case MI.INT32:
      for (let i = 0; i < n; i++) out[i] = v.getInt32(base + 4 * i, le);
      break;
    case MI.UINT32:
    case MI.UTF32:
      for (let i = 0; i < n; i++) out[i] = v.getUint32(base + 4 * i, le);
      break;
    default:
      for (let i = 0; i < n; i++) {
        const b = e.type === MI.INT64 ? v.getBigInt64(base + 8 * i, le) : v.getBigUint64(base + 8 * i, le);
        if (b > 9007199254740991n || b < -9007199254740991n) {
          throw new FormatError(
            `readMat: 64-bit integer at offset ${base + 8 * i} (${b}) does not fit a float64 exactly`,
            { offset: base + 8 * i },
          );
        }
        out[i] = Number(b);
      }
  }
  return out;
}

/** Converts Float64 values to the typed array of a MATLAB class. */
function typedFor(cls: MatClass, values: Float64Array): NumericArray {
  switch (cls) {
    case 'single':
      return Float32Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
      return Uint8Array.from(values);
    case 'int16':
      return Int16Array.from(values);
    case 'uint16':
      return Uint16Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'uint32':
      return Uint32Array.from(values);
    default:
      return values; // double, int64, uint64 (checked exact)
  }
}

/**
 * The characters of a char array as code units or code points, decoded by the element type:
 * UTF-8 (scipy's non-ASCII text), UTF-16 (MATLAB's own), UTF-32, or 8-bit as Latin-1.
 */
function charCodes(r: ByteReader, e: Element, le: boolean): number[] {
  if (e.type === MI.UTF8) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes.subarray(e.start, e.start + e.length));
    } catch {
      throw new FormatError(`readMat: char data at offset ${e.start} is not valid UTF-8`, {
        offset: e.start,
      });
    }
    return Array.from(text, (c) => c.codePointAt(0)!);
  }
  const codes = Array.from(numericPayload(r, e, le));
  for (const c of codes)
    if (!(c >= 0 && c <= 0x10ffff))
      throw new FormatError(
        `readMat: char data at offset ${e.start} holds ${c}, which is no character code`,
        {
          offset: e.start,
        },
      );
  return codes;
}

/** Text from code points (UTF-16 code units pass through unchanged), in chunks of bounded size. */
function fromCodePoints(codes: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < codes.length; i += 4096) parts.push(String.fromCodePoint(...codes.slice(i, i + 4096)));
  return parts.join('');
}

function subElements(r: ByteReader, e: Element, le: boolean): Element[] {
  const out: Element[] = [];
  const save = r.pos;
  r.pos = e.start;
  const end = e.start + e.length;
  while (r.pos < end) {
    const s = readTag(r, le);
    if (s.start + s.length > end)
      throw new FormatError(
        `readMat: element at offset ${s.start - 8} runs past its enclosing matrix (ends at ${end})`,
        { offset: s.start },
      );
    out.push(s);
    r.pos = s.next;
  }
  r.pos = save;
  return out;
}

function parseMatrix(
  r: ByteReader,
  e: Element,
  le: boolean,
  depth: number,
): { name: string; value: MatValue } {
  if (depth > 32)
    throw new FormatError(`readMat: cells/structs nested deeper than 32 levels at offset ${e.start}`, {
      offset: e.start,
    });
  if (e.length === 0)
    return {
      name: '',
      value: { kind: 'numeric', class: 'double', logical: false, shape: [0, 0], data: new Float64Array(0) },
    };
  const parts = subElements(r, e, le);
  if (parts.length < 3)
    throw new FormatError(
      `readMat: matrix element at offset ${e.start - 8} has ${parts.length} parts (needs flags, dimensions, name)`,
      { offset: e.start },
    );
  const [flagsEl, dimsEl, nameEl] = parts as [Element, Element, Element];
  const flags = numericPayload(r, flagsEl, le);
  const classCode = (flags[0] ?? 0) & 0xff;
  const isComplex = ((flags[0] ?? 0) & 0x800) !== 0;
  const logical = ((flags[0] ?? 0) & 0x200) !== 0;
  const cls = CLASS_NAMES[classCode];
  if (!cls)
    throw new FormatError(`readMat: unknown array class ${classCode} at offset ${flagsEl.start}`, {
      offset: flagsEl.start,
    });
  const shape = Array.from(numericPayload(r, dimsEl, le));
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new FormatError(`readMat: invalid dimensions [${shape.join(', ')}] at offset ${dimsEl.start}`, {
      offset: dimsEl.start,
    });
  const name = latin1(numericPayload(r, nameEl, le));
  const count = shapeSize(shape);
  const rest = parts.slice(3);
  const need = (k: number, what: string): Element => {
    const el = rest[k];
    if (!el)
      throw new FormatError(
        `readMat: variable ${JSON.stringify(name)} (${cls}) is missing its ${what} at offset ${e.start}`,
        { offset: e.start },
      );
    return el;
  };
  switch (cls) {
    case 'char': {
      const codes = rest.length ? charCodes(r, need(0, 'characters'), le) : [];
      if (codes.length !== count)
        throw new FormatError(
          `readMat: char array ${JSON.stringify(name)} has ${codes.length} characters for dimensions [${shape.join(', ')}]`,
          { offset: rest[0]?.start ?? e.start },
        );
      if (count === 0) return { name, value: { kind: 'char', shape, text: '' } };
      // Column-major m×n: the text of row i is codes[i], codes[i+m], …
      const m = shape[0]!;
      const cols = count / m;
      const rows: string[] = [];
      for (let i = 0; i < m; i++) {
        const row: number[] = [];
        for (let j = 0; j < cols; j++) row.push(codes[i + j * m]!);
        rows.push(fromCodePoints(row));
      }
      return { name, value: { kind: 'char', shape, text: rows.join('\n') } };
    }
    case 'sparse': {
      const ir = Int32Array.from(numericPayload(r, need(0, 'row indices'), le));
      const jc = Int32Array.from(numericPayload(r, need(1, 'column pointers'), le));
      const values = rest[2] ? numericPayload(r, rest[2], le) : new Float64Array(ir.length).fill(1);
      const imag = isComplex ? numericPayload(r, need(3, 'imaginary parts'), le) : undefined;
      if (shape.length !== 2)
        throw new FormatError(
          `readMat: sparse ${JSON.stringify(name)} has ${shape.length} dimensions (sparse arrays are 2-d)`,
          { offset: dimsEl.start },
        );
      const [m, n] = [shape[0]!, shape[1]!];
      if (jc.length !== n + 1)
        throw new FormatError(
          `readMat: sparse ${JSON.stringify(name)} has ${jc.length} column pointers for ${n} columns`,
          { offset: e.start },
        );
      const nnz = jc[n]!;
      const stored = Math.min(ir.length, values.length, imag?.length ?? Number.POSITIVE_INFINITY);
      if (jc[0] !== 0 || nnz > stored)
        throw new FormatError(
          `readMat: sparse ${JSON.stringify(name)} claims ${nnz} non-zeros from column pointer ${jc[0]} but stores ${stored}`,
          { offset: e.start },
        );
      for (let j = 0; j < n; j++) {
        if (jc[j]! > jc[j + 1]!)
          throw new FormatError(
            `readMat: sparse ${JSON.stringify(name)} has decreasing column pointers at column ${j}`,
            { offset: e.start },
          );
      }
      for (let k = 0; k < nnz; k++) {
        if (ir[k]! < 0 || ir[k]! >= m)
          throw new FormatError(
            `readMat: sparse ${JSON.stringify(name)} row index ${ir[k]} is outside 0..${m - 1}`,
            { offset: e.start },
          );
      }
      const value: MatValue = {
        kind: 'sparse',
        logical,
        shape: [m, n],
        ir: ir.slice(0, nnz),
        jc,
        values: values.slice(0, nnz),
      };
      if (imag) value.imag = imag.slice(0, nnz);
      return { name, value };
    }
    case 'cell': {
      if (rest.length !== count)
        throw new FormatError(
          `readMat: cell array ${JSON.stringify(name)} holds ${rest.length} cells for dimensions [${shape.join(', ')}]`,
          { offset: e.start },
        );
      const cells = rest.map((c) => {
        if (c.type !== MI.MATRIX)
          throw new FormatError(`readMat: cell element at offset ${c.start} is not a matrix`, {
            offset: c.start,
          });
        return parseMatrix(r, c, le, depth + 1).value;
      });
      return { name, value: { kind: 'cell', shape, cells } };
    }
    case 'struct': {
      const lenEl = need(0, 'field name length');
      const nameLen = numericPayload(r, lenEl, le)[0] ?? 0;
      const namesEl = need(1, 'field names');
      const chars = numericPayload(r, namesEl, le);
      const nFields = nameLen > 0 ? Math.floor(chars.length / nameLen) : 0;
      const fieldNames: string[] = [];
      for (let f = 0; f < nFields; f++) {
        let s = '';
        for (let k = 0; k < nameLen; k++) {
          const c = chars[f * nameLen + k]!;
          if (c === 0) break;
          s += String.fromCharCode(c);
        }
        fieldNames.push(s);
      }
      // No prototype: a field named "__proto__" is a field like any other.
      const fields: Record<string, MatValue[]> = Object.create(null);
      for (const f of fieldNames) fields[f] = [];
      const values = rest.slice(2);
      if (values.length !== count * nFields)
        throw new FormatError(
          `readMat: struct ${JSON.stringify(name)} holds ${values.length} values for ${nFields} fields and dimensions [${shape.join(', ')}]`,
          { offset: e.start },
        );
      values.forEach((v, k) => {
        fields[fieldNames[k % nFields]!]!.push(parseMatrix(r, v, le, depth + 1).value);
      });
      return { name, value: { kind: 'struct', shape, fields } };
    }
    case 'object':
      return { name, value: { kind: 'unsupported', class: cls } };
    default: {
      const real = rest.length ? numericPayload(r, rest[0]!, le) : new Float64Array(0);
      if (real.length !== count) {
        throw new FormatError(
          `readMat: ${JSON.stringify(name)} has ${real.length} values for dimensions [${shape.join(', ')}]`,
          { offset: rest[0]?.start ?? e.start },
        );
      }
      const value: MatValue = { kind: 'numeric', class: cls, logical, shape, data: typedFor(cls, real) };
      if (isComplex) {
        const imag = numericPayload(r, need(1, 'imaginary part'), le);
        if (imag.length !== count)
          throw new FormatError(
            `readMat: ${JSON.stringify(name)} has ${imag.length} imaginary parts for dimensions [${shape.join(', ')}]`,
            { offset: rest[1]!.start },
          );
        value.imag = typedFor(cls, imag);
      }
      return { name, value };
    }
  }
}

/** What the inflation of compressed elements may still produce, shared by a whole file. */
interface Budget {
  left: number;
  verify: boolean;
}

function readElements(
  r: ByteReader,
  le: boolean,
  out: Record<string, MatValue>,
  depth: number,
  budget: Budget,
): void {
  while (r.pos < r.length) {
    if (r.pos + 8 > r.length)
      throw new FormatError(
        `readMat: ${r.length - r.pos} trailing bytes at offset ${r.pos} are too short for a data element tag`,
        { offset: r.pos },
      );
    const e = readTag(r, le);
    if (e.type === MI.COMPRESSED) {
      if (depth > 0)
        throw new FormatError(
          `readMat: a compressed element inside a compressed element at offset ${e.start - 8}`,
          {
            offset: e.start - 8,
          },
        );
      let inflated: Uint8Array;
      try {
        inflated = inflateZlib(
          'readMat',
          `compressed element at offset ${e.start - 8}`,
          r.bytes.subarray(e.start, e.start + e.length),
          budget.left,
          budget.verify,
        );
      } catch (err) {
        if (err instanceof FormatError) throw new FormatError(err.message, { offset: e.start - 8 });
        throw err;
      }
      budget.left -= inflated.length;
      readElements(new ByteReader('readMat', inflated), le, out, depth + 1, budget);
    } else if (e.type === MI.MATRIX) {
      const { name, value } = parseMatrix(r, e, le, 0);
      out[name] = value;
    } else {
      throw new FormatError(`readMat: unexpected top-level element type ${e.type} at offset ${e.start - 8}`, {
        offset: e.start - 8,
      });
    }
    r.pos = e.next;
  }
}

/**
 * Reads every variable of a MAT-file (level 5: MATLAB v5, v6 and v7 with compression) into an
 * object without a prototype, keyed by variable name. Every declared size is checked against the
 * bytes present before anything is allocated; compressed elements must pass their Adler-32
 * checksum and together inflate to at most `options.maxBytes` (default 256 MiB). Text is decoded
 * by its element type (UTF-8, UTF-16 or UTF-32; 8-bit data as Latin-1).
 * @throws FormatError for a v7.3 (HDF5) file — save it with `-v7` or read it with an HDF5 tool —,
 *   a v4 file, or malformed content (with the byte offset): sizes that disagree with the data,
 *   a missing imaginary part, a failed checksum, trailing bytes
 * @example
 * ```ts
 * const vars = readMat(bytes);
 * const x = matToMatrix(vars.data!); // row-major Float64 Matrix
 * ```
 */
export function readMat(
  input: Uint8Array | ArrayBuffer,
  options: DecompressOptions = {},
): Record<string, MatValue> {
  const fn = 'readMat';
  const budget = { left: maxBytesOption(fn, options), verify: options.verifyChecksum ?? true };
  const bytes = asBytes(fn, input);
  const r = new ByteReader(fn, bytes);
  r.need(128, 'the 128-byte header');
  const text = r.ascii(116, 'the header text');
  if (
    bytes.length >= 520 &&
    bytes[512] === 0x89 &&
    bytes[513] === 0x48 &&
    bytes[514] === 0x44 &&
    bytes[515] === 0x46
  ) {
    throw new FormatError(
      `${fn}: this is a MATLAB v7.3 (HDF5) file, which is not supported; save it with save(..., '-v7') or read it with an HDF5 library`,
      { offset: 512 },
    );
  }
  if (!text.startsWith('MATLAB 5.0 MAT-file') && !text.startsWith('MATLAB 7')) {
    throw new FormatError(
      `${fn}: not a level-5 MAT-file (header text at offset 0 is ${JSON.stringify(text.slice(0, 20))})`,
      { offset: 0 },
    );
  }
  const endian = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (endian !== 'IM' && endian !== 'MI')
    throw new FormatError(`${fn}: bad endian indicator ${JSON.stringify(endian)} at offset 126`, {
      offset: 126,
    });
  const le = endian === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset).getUint16(124, le);
  if (version === 0x0200) {
    throw new FormatError(
      `${fn}: this is a MATLAB v7.3 (HDF5) file, which is not supported; save it with save(..., '-v7')`,
      { offset: 124 },
    );
  }
  r.pos = 128;
  const out: Record<string, MatValue> = Object.create(null);
  readElements(r, le, out, 0, budget);
  return out;
}

/**
 * A numeric or sparse 2-d MAT variable as a dense row-major Float64 Matrix (the column-major
 * storage is transposed on the way).
 * @throws ShapeError when the value is not a 2-d numeric or sparse array
 */
export function matToMatrix(v: MatValue): Matrix {
  if (v.kind === 'sparse') {
    const [m, n] = v.shape;
    if (v.jc.length !== n + 1)
      throw new ShapeError(`matToMatrix: sparse value has ${v.jc.length} column pointers for ${n} columns`);
    const out = new Matrix(m, n);
    for (let j = 0; j < n; j++)
      for (let k = v.jc[j]!; k < v.jc[j + 1]!; k++) out.data[v.ir[k]! * n + j] = v.values[k]!;
    return out;
  }
  if (v.kind !== 'numeric' || v.shape.length !== 2) {
    throw new ShapeError(
      `matToMatrix: value must be a 2-d numeric or sparse array (got ${v.kind}${'shape' in v ? ` [${v.shape.join(', ')}]` : ''})`,
    );
  }
  const [m, n] = v.shape as [number, number];
  if (v.data.length !== m * n)
    throw new ShapeError(`matToMatrix: value has ${v.data.length} elements for shape [${m}, ${n}]`);
  const out = new Matrix(m, n);
  if (m === 0 || n === 0) return out;
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) out.data[i * n + j] = v.data[i + j * m]!;
  return out;
}

/** A numeric MAT variable as a Tensor with MATLAB's column-major strides (no copy). */
export function matToTensor(v: MatValue): Tensor<NumericArray> {
  if (v.kind !== 'numeric') throw new ShapeError(`matToTensor: value must be numeric (got ${v.kind})`);
  if (v.data.length !== shapeSize(v.shape))
    throw new ShapeError(
      `matToTensor: value has ${v.data.length} elements for shape [${v.shape.join(', ')}]`,
    );
  const stride: number[] = [];
  let s = 1;
  for (const d of v.shape) {
    stride.push(s);
    s *= Math.max(1, d);
  }
  return new Tensor(v.data, v.shape, stride, 0);
}
