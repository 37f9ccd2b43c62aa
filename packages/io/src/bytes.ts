/**
 * Bounds-checked reading of binary input: every read that would pass the end throws a
 * FormatError with the offset, so no reader ever indexes outside its buffer.
 *
 * @module
 */
import { FormatError } from '@numts/core';

/** Accepts the byte containers the readers take and returns a Uint8Array view (no copy). */
export function asBytes(fn: string, input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError(`${fn}: input must be a Uint8Array, an ArrayBuffer or a typed-array view`);
}

/** A cursor over bytes with explicit endianness. */
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly fn: string;
  pos: number;

  constructor(fn: string, bytes: Uint8Array, pos = 0) {
    this.fn = fn;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless n bytes are available at `at` (default: the cursor). */
  need(n: number, what: string, at = this.pos): void {
    if (!(n >= 0) || at + n > this.bytes.length || at < 0) {
      throw new FormatError(
        `${this.fn}: truncated input: ${what} needs ${n} bytes at offset ${at} but the input has ${this.bytes.length}`,
        {
          offset: at,
        },
      );
    }
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(le: boolean, what = 'a 16-bit integer'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, le);
    this.pos += 2;
    return v;
  }

  u32(le: boolean, what = 'a 32-bit integer'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, le);
    this.pos += 4;
    return v;
  }

  i32(le: boolean, what = 'a 32-bit integer'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, le);
    this.pos += 4;
    return v;
  }

  /** An unsigned 64-bit integer that must fit in 2⁵³ (sizes and offsets). */
  u64(le: boolean, what = 'a 64-bit length'): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new FormatError(`${this.fn}: ${what} at offset ${this.pos} is ${v}, beyond 2^53`, {
        offset: this.pos,
      });
    }
    this.pos += 8;
    return Number(v);
  }

  /** n raw bytes as a view (no copy). */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** n bytes decoded as Latin-1 / ASCII text. */
  ascii(n: number, what: string): string {
    return latin1(this.take(n, what));
  }
}

/** Bytes as Latin-1 text, one character per byte (no spread of the bytes into arguments, so any length works). */
export function latin1(bytes: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) {
    const end = Math.min(bytes.length, i + 8192);
    let s = '';
    for (let k = i; k < end; k++) s += String.fromCharCode(bytes[k]!);
    parts.push(s);
  }
  return parts.join('');
}

/** True when this machine is little-endian (typed arrays use the platform's byte order). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of every `size`-byte element in place. */
export function swapBytes(buf: Uint8Array, size: number): void {
  for (let i = 0; i + size <= buf.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = buf[a]!;
      buf[a] = buf[b]!;
      buf[b] = t;
    }
  }
}
