/**
 * Reading zip archives (the container of .npz): the central directory is the index, every entry's
 * local header must agree with it, sizes are checked against the bytes present before anything is
 * allocated, deflated entries inflate within a byte budget, and every entry's CRC-32 is verified.
 * Zip64 sizes and offsets are read (numpy writes them). Encrypted and multi-disk archives are
 * rejected.
 *
 * @module
 */
import { FormatError } from '@numts/core';
import { ByteReader } from './bytes.js';
import { crc32 } from './checksum.js';
import { inflateRaw } from './inflate.js';

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function findEndRecord(fn: string, bytes: Uint8Array, view: DataView): number {
  const earliest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let p = bytes.length - 22; p >= earliest; p--) {
    if (view.getUint32(p, true) === EOCD && p + 22 + view.getUint16(p + 20, true) === bytes.length) return p;
  }
  throw new FormatError(`${fn}: not a zip archive (no end-of-central-directory record)`, { offset: 0 });
}

/**
 * Every entry of a zip archive, in central-directory order.
 * @param budget most bytes all entries together may inflate to
 */
export function readZip(fn: string, bytes: Uint8Array, budget: number, verify = true): ZipEntry[] {
  const r = new ByteReader(fn, bytes);
  if (bytes.length < 22)
    throw new FormatError(`${fn}: not a zip archive (${bytes.length} bytes)`, { offset: 0 });
  const end = findEndRecord(fn, bytes, r.view);
  r.pos = end + 4;
  const disk = r.u16(true);
  const cdDisk = r.u16(true);
  r.u16(true);
  let count = r.u16(true);
  let cdSize = r.u32(true);
  let cdOffset = r.u32(true);
  if (disk !== 0 || cdDisk !== 0)
    throw new FormatError(`${fn}: multi-disk zip archives are not supported`, { offset: end });
  if (count === 0xffff || cdSize === MAX32 || cdOffset === MAX32) {
    const loc = end - 20;
    if (loc < 0 || r.view.getUint32(loc, true) !== ZIP64_LOCATOR)
      throw new FormatError(`${fn}: zip64 sizes without a zip64 locator before offset ${end}`, {
        offset: end,
      });
    r.pos = loc + 8;
    const rec = r.u64(true, 'the zip64 end record offset');
    r.need(56, 'the zip64 end record', rec);
    if (r.view.getUint32(rec, true) !== ZIP64_EOCD)
      throw new FormatError(`${fn}: no zip64 end record at offset ${rec}`, { offset: rec });
    r.pos = rec + 32;
    count = r.u64(true, 'the zip64 entry count');
    cdSize = r.u64(true, 'the zip64 directory size');
    cdOffset = r.u64(true, 'the zip64 directory offset');
  }
  r.need(cdSize, 'the central directory', cdOffset);
  // Each central record takes at least 46 bytes: a count beyond that is a lie, caught before the loop.
  if (count * 46 > cdSize)
    throw new FormatError(
      `${fn}: the central directory declares ${count} entries but has room for ${Math.floor(cdSize / 46)}`,
      { offset: cdOffset },
    );
  const entries: ZipEntry[] = [];
  let inflated = 0;
  r.pos = cdOffset;
  for (let k = 0; k < count; k++) {
    const at = r.pos;
    if (r.u32(true, 'a central directory record') !== CENTRAL)
      throw new FormatError(`${fn}: central directory record ${k} at offset ${at} has a bad signature`, {
        offset: at,
      });
    r.pos = at + 8;
    const flags = r.u16(true);
    const method = r.u16(true);
    r.pos = at + 16;
    const crc = r.u32(true);
    let compressed = r.u32(true);
    let size = r.u32(true);
    const nameLen = r.u16(true);
    const extraLen = r.u16(true);
    const commentLen = r.u16(true);
    r.pos = at + 42;
    let local = r.u32(true);
    const nameBytes = r.take(nameLen, 'an entry name');
    const name = new TextDecoder('utf-8').decode(nameBytes);
    const extra = new ByteReader(fn, r.take(extraLen, 'an extra field'));
    r.need(commentLen, 'an entry comment');
    r.pos += commentLen;
    // Zip64 extended information: the 64-bit values present are those whose 32-bit field is all ones.
    while (extra.pos + 4 <= extra.length) {
      const id = extra.u16(true);
      const len = extra.u16(true);
      const stop = extra.pos + len;
      extra.need(len, 'an extra field');
      if (id === 1) {
        if (size === MAX32) size = extra.u64(true, 'a zip64 size');
        if (compressed === MAX32) compressed = extra.u64(true, 'a zip64 compressed size');
        if (local === MAX32) local = extra.u64(true, 'a zip64 local header offset');
      }
      extra.pos = stop;
    }
    if (flags & 1)
      throw new FormatError(`${fn}: entry ${JSON.stringify(name)} is encrypted, which is not supported`, {
        offset: at,
      });
    // The local header repeats the name and has its own extra field; the data follows it.
    r.need(30, `the local header of ${JSON.stringify(name)}`, local);
    if (r.view.getUint32(local, true) !== LOCAL)
      throw new FormatError(`${fn}: entry ${JSON.stringify(name)} has no local header at offset ${local}`, {
        offset: local,
      });
    const dataAt = local + 30 + r.view.getUint16(local + 26, true) + r.view.getUint16(local + 28, true);
    r.need(compressed, `the data of ${JSON.stringify(name)}`, dataAt);
    const raw = bytes.subarray(dataAt, dataAt + compressed);
    let data: Uint8Array;
    if (method === 0) {
      if (compressed !== size)
        throw new FormatError(
          `${fn}: stored entry ${JSON.stringify(name)} declares ${size} bytes but holds ${compressed}`,
          { offset: dataAt },
        );
      data = raw;
    } else if (method === 8) {
      data = inflateRaw(fn, `entry ${JSON.stringify(name)}`, raw, budget - inflated);
      inflated += data.length;
      if (data.length !== size)
        throw new FormatError(
          `${fn}: entry ${JSON.stringify(name)} declares ${size} bytes but inflates to ${data.length}`,
          { offset: dataAt },
        );
    } else {
      throw new FormatError(
        `${fn}: entry ${JSON.stringify(name)} uses compression method ${method} (only stored and deflate are supported)`,
        { offset: at },
      );
    }
    if (verify) {
      const actual = crc32(data);
      if (actual !== crc)
        throw new FormatError(
          `${fn}: entry ${JSON.stringify(name)} fails its CRC-32 checksum (stored ${crc.toString(16)}, data gives ${actual.toString(16)})`,
          { offset: dataAt },
        );
    }
    entries.push({ name, data });
  }
  return entries;
}
