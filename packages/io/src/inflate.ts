/**
 * Bounded, checksum-verified decompression of the three deflate containers the readers meet:
 * zlib (MAT-file compressed elements), gzip (IDX) and raw deflate (zip entries). Output is produced
 * in bounded steps and counted, so a decompression bomb stops at `maxBytes` instead of exhausting
 * memory; the container's checksum is compared with the output before anything is returned.
 *
 * @module
 */
import { FormatError } from '@numts/core';
import { Inflate } from 'fflate';
import { adler32, crc32 } from './checksum.js';

/** Default cap on the bytes a reader inflates from one input (256 MiB). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Options shared by the readers of compressed formats. */
export interface DecompressOptions {
  /** Most bytes inflated from one input before the reader gives up (default {@link DEFAULT_MAX_BYTES}). */
  maxBytes?: number;
  /** Compare the stored checksum with the data (default true). */
  verifyChecksum?: boolean;
}

/** Input is fed to the inflater in steps of this size; one step inflates to at most ~1032 times it. */
const STEP = 16 * 1024;

/** Checks a caller's `maxBytes` and returns it or the default. */
export function maxBytesOption(fn: string, options: DecompressOptions): number {
  const m = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(m) || m < 0)
    throw new FormatError(`${fn}: options.maxBytes must be a non-negative integer (got ${m})`);
  return m;
}

/**
 * Inflates a raw deflate stream. Throws a FormatError naming `what` when the stream is corrupt or
 * truncated, or when its output would pass `budget` bytes.
 */
export function inflateRaw(fn: string, what: string, data: Uint8Array, budget: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > budget)
      throw new FormatError(
        `${fn}: ${what} inflates to more than ${budget} bytes (options.maxBytes); pass a larger maxBytes to read it`,
      );
    if (chunk.length) chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < data.length || !ended; at += STEP) {
      const last = at + STEP >= data.length;
      inflater.push(data.subarray(at, Math.min(at + STEP, data.length)), last);
      if (last) break;
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${fn}: ${what} does not inflate (${(e as Error).message})`);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/**
 * Inflates a zlib stream (RFC 1950): a 2-byte header, deflate data, and the Adler-32 of the output
 * (big-endian), which is verified unless `verify` is false.
 */
export function inflateZlib(
  fn: string,
  what: string,
  data: Uint8Array,
  budget: number,
  verify = true,
): Uint8Array {
  if (data.length < 6)
    throw new FormatError(`${fn}: ${what} is ${data.length} bytes, too short for a zlib stream`);
  const cmf = data[0]!;
  const flg = data[1]!;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | flg) % 31 !== 0)
    throw new FormatError(`${fn}: ${what} does not start with a zlib header (bytes ${cmf}, ${flg})`);
  if (flg & 0x20) throw new FormatError(`${fn}: ${what} needs a preset dictionary, which is not supported`);
  const out = inflateRaw(fn, what, data.subarray(2, data.length - 4), budget);
  if (verify) {
    const n = data.length;
    const stored = ((data[n - 4]! << 24) | (data[n - 3]! << 16) | (data[n - 2]! << 8) | data[n - 1]!) >>> 0;
    const actual = adler32(out);
    if (stored !== actual)
      throw new FormatError(
        `${fn}: ${what} fails its Adler-32 checksum (stored ${hex(stored)}, data gives ${hex(actual)})`,
      );
  }
  return out;
}

/**
 * Inflates a single-member gzip file (RFC 1952), skipping the optional header fields and checking
 * the trailer's CRC-32 and length unless `verify` is false.
 */
export function inflateGzip(fn: string, data: Uint8Array, budget: number, verify = true): Uint8Array {
  const bad = (why: string, offset: number) =>
    new FormatError(`${fn}: gzip header ${why} at offset ${offset}`, { offset });
  if (data.length < 18) throw new FormatError(`${fn}: gzip data is ${data.length} bytes, too short`);
  if (data[2] !== 8) throw bad(`compression method ${data[2]} is not deflate (8)`, 2);
  const flags = data[3]!;
  let p = 10;
  if (flags & 4) p += 2 + (data[10]! | (data[11]! << 8)); // FEXTRA
  for (const bit of [8, 16]) {
    if (flags & bit) {
      while (p < data.length && data[p] !== 0) p++; // FNAME, FCOMMENT: zero-terminated
      p++;
    }
  }
  if (flags & 2) p += 2; // FHCRC
  if (p > data.length - 8) throw bad('runs past the end of the data', p);
  const out = inflateRaw(fn, 'gzip data', data.subarray(p, data.length - 8), budget);
  if (verify) {
    const v = new DataView(data.buffer, data.byteOffset + data.length - 8, 8);
    const stored = v.getUint32(0, true);
    const size = v.getUint32(4, true);
    const actual = crc32(out);
    if (stored !== actual)
      throw new FormatError(
        `${fn}: gzip data fails its CRC-32 checksum (stored ${hex(stored)}, data gives ${hex(actual)})`,
        { offset: data.length - 8 },
      );
    if (size !== out.length % 2 ** 32)
      throw new FormatError(
        `${fn}: gzip trailer declares ${size} bytes but the data inflates to ${out.length}`,
        { offset: data.length - 4 },
      );
  }
  return out;
}

function hex(x: number): string {
  return `0x${x.toString(16).padStart(8, '0')}`;
}
