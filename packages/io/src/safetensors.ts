/**
 * safetensors files (HuggingFace): strict header validation, lazy access to single tensors, and a
 * writer that follows the reference implementation's conventions.
 *
 * Layout: bytes [0, 8) hold the header length N as a little-endian u64; bytes [8, 8+N) a UTF-8
 * JSON header (may be padded with spaces); the rest is the data buffer. The header maps each name
 * to `{dtype, shape, data_offsets: [begin, end)}` relative to the data buffer, plus an optional
 * `__metadata__` of string → string. The tensors must cover the buffer exactly: no holes, no
 * overlaps.
 *
 * @module
 */
import type { NumericArray } from '@numts/core';
import { DomainError, FormatError, Matrix, ShapeError, shapeSize, Tensor } from '@numts/core';
import { asBytes, ByteReader, LITTLE_ENDIAN, swapBytes } from './bytes.js';
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from './half.js';

/** Largest header the format allows (bytes). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Element types of safetensors. */
export type SafetensorsDtype =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

const SIZES: Record<SafetensorsDtype, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** One entry of the header. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** [begin, end) relative to the data buffer. */
  offsets: [number, number];
}

/** A validated safetensors file whose tensors are decoded on demand. */
export class SafetensorsFile {
  /** The `__metadata__` map (empty when absent). */
  readonly metadata: Record<string, string>;
  /** Header entries by name. */
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  private readonly bytes: Uint8Array;
  private readonly dataStart: number;

  private constructor(
    bytes: Uint8Array,
    dataStart: number,
    entries: Map<string, SafetensorsEntry>,
    metadata: Record<string, string>,
  ) {
    this.bytes = bytes;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  /**
   * Parses and validates the header (nothing of the data is decoded).
   * @throws FormatError for a truncated file, a header that is too large, not JSON, not an object,
   *   an unknown dtype, a shape that does not match its byte range, overlapping or non-covering
   *   offsets, or trailing bytes
   */
  static parse(input: Uint8Array | ArrayBuffer): SafetensorsFile {
    const fn = 'readSafetensors';
    const bytes = asBytes(fn, input);
    const r = new ByteReader(fn, bytes);
    const n = r.u64(true, 'the header length');
    if (n > MAX_HEADER_BYTES)
      throw new FormatError(
        `${fn}: header length ${n} at offset 0 exceeds the limit of ${MAX_HEADER_BYTES} bytes`,
        { offset: 0 },
      );
    const raw = r.take(n, 'the JSON header');
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch (e) {
      throw new FormatError(
        `${fn}: the header at offset 8 is not valid UTF-8 JSON (${(e as Error).message})`,
        { offset: 8 },
      );
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) {
      throw new FormatError(`${fn}: the header at offset 8 must be a JSON object`, { offset: 8 });
    }
    const dataStart = 8 + n;
    const dataLength = bytes.length - dataStart;
    const metadata: Record<string, string> = Object.create(null);
    const entries = new Map<string, SafetensorsEntry>();
    for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') {
        if (
          value === null ||
          typeof value !== 'object' ||
          Array.isArray(value) ||
          Object.values(value).some((v) => typeof v !== 'string')
        ) {
          throw new FormatError(`${fn}: __metadata__ must map strings to strings`, { offset: 8 });
        }
        for (const [k, v] of Object.entries(value)) metadata[k] = v as string;
        continue;
      }
      const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (e === null || typeof e !== 'object')
        throw new FormatError(`${fn}: entry ${JSON.stringify(name)} must be an object`, { offset: 8 });
      if (typeof e.dtype !== 'string' || !(e.dtype in SIZES)) {
        throw new FormatError(
          `${fn}: entry ${JSON.stringify(name)} has unknown or unsupported dtype ${JSON.stringify(e.dtype)}`,
          { offset: 8 },
        );
      }
      if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
        throw new FormatError(
          `${fn}: entry ${JSON.stringify(name)} has an invalid shape ${JSON.stringify(e.shape)}`,
          { offset: 8 },
        );
      }
      const off = e.data_offsets;
      if (
        !Array.isArray(off) ||
        off.length !== 2 ||
        off.some((o) => !Number.isSafeInteger(o) || o < 0) ||
        off[1] < off[0]
      ) {
        throw new FormatError(
          `${fn}: entry ${JSON.stringify(name)} has invalid data_offsets ${JSON.stringify(off)}`,
          { offset: 8 },
        );
      }
      const dtype = e.dtype as SafetensorsDtype;
      const expected = shapeSize(e.shape as number[]) * SIZES[dtype];
      if (off[1] - off[0] !== expected) {
        throw new FormatError(
          `${fn}: entry ${JSON.stringify(name)} spans ${off[1] - off[0]} bytes but ${dtype} of shape [${(e.shape as number[]).join(', ')}] needs ${expected}`,
          { offset: dataStart + off[0] },
        );
      }
      if (off[1] > dataLength) {
        throw new FormatError(
          `${fn}: entry ${JSON.stringify(name)} ends at data offset ${off[1]} but the data buffer has ${dataLength} bytes`,
          {
            offset: dataStart + off[0],
          },
        );
      }
      entries.set(name, { name, dtype, shape: [...(e.shape as number[])], offsets: [off[0], off[1]] });
    }
    // Exact coverage: sorted by begin, each starts where the previous ended, the last ends at the buffer end.
    const sorted = [...entries.values()].sort(
      (a, b) => a.offsets[0] - b.offsets[0] || a.offsets[1] - b.offsets[1],
    );
    let at = 0;
    for (const e of sorted) {
      if (e.offsets[0] < at) {
        throw new FormatError(
          `${fn}: entry ${JSON.stringify(e.name)} overlaps the previous tensor (starts at data offset ${e.offsets[0]} < ${at})`,
          {
            offset: dataStart + e.offsets[0],
          },
        );
      }
      if (e.offsets[0] > at) {
        throw new FormatError(`${fn}: the data buffer has a hole at data offsets ${at}..${e.offsets[0]}`, {
          offset: dataStart + at,
        });
      }
      at = e.offsets[1];
    }
    if (at !== dataLength) {
      throw new FormatError(
        `${fn}: the tensors cover ${at} bytes but the data buffer has ${dataLength} (trailing or missing bytes)`,
        {
          offset: dataStart + at,
        },
      );
    }
    return new SafetensorsFile(bytes, dataStart, entries, metadata);
  }

  /** Names of the tensors (header order). */
  get names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Decodes one tensor. F32/F64/integer data are copied into a fresh aligned typed array; F16 and
   * BF16 are widened to Float32Array; I64/U64 to Float64Array (values beyond 2⁵³ are a
   * FormatError); BOOL to Uint8Array of 0/1.
   * @throws ShapeError for an unknown name
   */
  get(name: string): Tensor<NumericArray> {
    const e = this.entries.get(name);
    if (!e)
      throw new ShapeError(
        `SafetensorsFile.get: no tensor named ${JSON.stringify(name)} (have ${this.names.slice(0, 10).join(', ')}${this.entries.size > 10 ? ', …' : ''})`,
      );
    const size = SIZES[e.dtype];
    const n = shapeSize(e.shape);
    const start = this.dataStart + e.offsets[0];
    const raw = new Uint8Array(n * size);
    raw.set(this.bytes.subarray(start, start + n * size));
    if (size > 1 && !LITTLE_ENDIAN) swapBytes(raw, size);
    const buf = raw.buffer;
    let data: NumericArray;
    switch (e.dtype) {
      case 'F64':
        data = new Float64Array(buf);
        break;
      case 'F32':
        data = new Float32Array(buf);
        break;
      case 'F16':
      case 'BF16': {
        const h = new Uint16Array(buf);
        const out = new Float32Array(n);
        const decode = e.dtype === 'F16' ? halfToFloat : bf16ToFloat;
        for (let i = 0; i < n; i++) out[i] = decode(h[i]!);
        data = out;
        break;
      }
      case 'I32':
        data = new Int32Array(buf);
        break;
      case 'U32':
        data = new Uint32Array(buf);
        break;
      case 'I16':
        data = new Int16Array(buf);
        break;
      case 'U16':
        data = new Uint16Array(buf);
        break;
      case 'I8':
        data = new Int8Array(buf);
        break;
      case 'U8':
        data = new Uint8Array(buf);
        break;
      case 'BOOL':
        data = new Uint8Array(buf).map((v) => (v ? 1 : 0));
        break;
      default: {
        const big = e.dtype === 'I64' ? new BigInt64Array(buf) : new BigUint64Array(buf);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const v = big[i]!;
          if (v > 9007199254740991n || v < -9007199254740991n) {
            throw new FormatError(
              `SafetensorsFile.get: ${e.dtype} element ${i} of ${JSON.stringify(name)} (${v}) does not fit a float64 exactly`,
              {
                offset: start + 8 * i,
              },
            );
          }
          out[i] = Number(v);
        }
        data = out;
      }
    }
    return new Tensor(data, e.shape);
  }
}

/**
 * Reads every tensor of a safetensors file into an object without a prototype (keys are the
 * tensor names). See {@link SafetensorsFile} for lazy access.
 */
export function readSafetensors(input: Uint8Array | ArrayBuffer): {
  tensors: Record<string, Tensor<NumericArray>>;
  metadata: Record<string, string>;
} {
  const f = SafetensorsFile.parse(input);
  // No prototype: a tensor named "__proto__" or "constructor" is an entry like any other.
  const tensors: Record<string, Tensor<NumericArray>> = Object.create(null);
  for (const name of f.names) tensors[name] = f.get(name);
  const metadata: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(f.metadata)) metadata[k] = v;
  return { tensors, metadata };
}

/** Dtypes {@link writeSafetensors} writes. */
export type SafetensorsWriteDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8' | 'BOOL';

/** A tensor to write: a Tensor or a Matrix (Float64 or Float32 data, or integer arrays). */
export type WritableTensor =
  | Tensor<NumericArray>
  | Matrix
  | { data: ArrayLike<number>; shape: readonly number[] };

function alignmentOf(d: SafetensorsWriteDtype): number {
  return d === 'F64' || d === 'I64'
    ? 8
    : d === 'F32' || d === 'I32'
      ? 4
      : d === 'F16' || d === 'BF16'
        ? 2
        : 1;
}

/** The values the integer dtypes hold; a value outside is an error, never a wrapped number. */
const INTEGER_RANGES: Partial<Record<SafetensorsWriteDtype, [number, number]>> = {
  I32: [-(2 ** 31), 2 ** 31 - 1],
  U8: [0, 255],
  // Exactly representable int64 values: a float64 beyond ±2⁵³ has already lost its low bits.
  I64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function checkIntegers(
  name: string,
  dtype: SafetensorsWriteDtype,
  values: ArrayLike<number>,
  [lo, hi]: [number, number],
): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new DomainError(
        `writeSafetensors: ${JSON.stringify(name)} element ${i} is ${v}, which ${dtype} cannot hold (integers in [${lo}, ${hi}])`,
      );
  }
}

/**
 * Writes tensors as a safetensors file. Each tensor is converted to `dtype` (default F32;
 * per-tensor `dtypes` override it); names are written in the reference order (descending
 * alignment, then name) and the header is padded with spaces to a multiple of 8 bytes.
 * The output is byte-stable: the same input always gives the same bytes.
 * @throws ShapeError for an empty name, a name `__metadata__`, or data that does not match its shape
 * @throws DomainError for a value an integer dtype cannot hold (I32, I64, U8: non-integers, NaN
 *   and values out of range are rejected, never wrapped or truncated)
 * @throws TypeError for metadata values that are not strings
 */
export function writeSafetensors(
  tensors: Record<string, WritableTensor>,
  options: {
    dtype?: SafetensorsWriteDtype;
    dtypes?: Record<string, SafetensorsWriteDtype>;
    metadata?: Record<string, string>;
  } = {},
): Uint8Array {
  const items = Object.entries(tensors).map(([name, t]) => {
    if (name.length === 0 || name === '__metadata__')
      throw new ShapeError(`writeSafetensors: invalid tensor name ${JSON.stringify(name)}`);
    let shape: number[];
    let values: ArrayLike<number>;
    if (t instanceof Matrix) {
      shape = [t.rows, t.cols];
      values = t.clone().data;
    } else if (t instanceof Tensor) {
      shape = [...t.shape];
      values = t.isContiguous && t.offset === 0 && t.data.length === t.size ? t.data : t.clone().data;
    } else {
      shape = [...t.shape];
      values = t.data;
    }
    if (values.length !== shapeSize(shape)) {
      throw new ShapeError(
        `writeSafetensors: ${JSON.stringify(name)} has ${values.length} values for shape [${shape.join(', ')}]`,
      );
    }
    const dtype = options.dtypes?.[name] ?? options.dtype ?? 'F32';
    const range = INTEGER_RANGES[dtype];
    if (range) checkIntegers(name, dtype, values, range);
    return { name, shape, values, dtype };
  });
  items.sort(
    (a, b) => alignmentOf(b.dtype) - alignmentOf(a.dtype) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const header: Record<string, unknown> = Object.create(null); // a tensor may be named __proto__
  if (options.metadata) {
    for (const [k, v] of Object.entries(options.metadata))
      if (typeof v !== 'string')
        throw new TypeError(`writeSafetensors: metadata ${JSON.stringify(k)} must be a string`);
    header.__metadata__ = options.metadata;
  }
  let offset = 0;
  for (const it of items) {
    const nbytes = it.values.length * SIZES[it.dtype];
    header[it.name] = { dtype: it.dtype, shape: it.shape, data_offsets: [offset, offset + nbytes] };
    offset += nbytes;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let hbytes = enc.encode(json);
  const pad = (8 - (hbytes.length % 8)) % 8;
  if (pad) {
    json += ' '.repeat(pad);
    hbytes = enc.encode(json);
  }
  const out = new Uint8Array(8 + hbytes.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let at = 8 + hbytes.length;
  for (const it of items) {
    const n = it.values.length;
    switch (it.dtype) {
      case 'F64':
        for (let i = 0; i < n; i++) dv.setFloat64(at + 8 * i, it.values[i]!, true);
        break;
      case 'F32':
        for (let i = 0; i < n; i++) dv.setFloat32(at + 4 * i, it.values[i]!, true);
        break;
      case 'F16':
        for (let i = 0; i < n; i++) dv.setUint16(at + 2 * i, floatToHalf(it.values[i]!), true);
        break;
      case 'BF16':
        for (let i = 0; i < n; i++) dv.setUint16(at + 2 * i, floatToBf16(it.values[i]!), true);
        break;
      case 'I32':
        for (let i = 0; i < n; i++) dv.setInt32(at + 4 * i, it.values[i]!, true);
        break;
      case 'I64':
        for (let i = 0; i < n; i++) dv.setBigInt64(at + 8 * i, BigInt(it.values[i]!), true);
        break;
      case 'U8':
        for (let i = 0; i < n; i++) out[at + i] = it.values[i]!;
        break;
      case 'BOOL':
        for (let i = 0; i < n; i++) out[at + i] = it.values[i] ? 1 : 0;
        break;
    }
    at += n * SIZES[it.dtype];
  }
  return out;
}
