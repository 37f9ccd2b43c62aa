/**
 * IDX files (MNIST, Fashion-MNIST), raw or gzip-compressed.
 *
 * @module
 */
import { FormatError, type NumericArray, shapeSize, Tensor } from '@numts/core';
import { asBytes, ByteReader } from './bytes.js';
import { type DecompressOptions, inflateGzip, maxBytesOption } from './inflate.js';

const TYPES: Record<number, { size: number; name: string }> = {
  8: { size: 1, name: 'uint8' },
  9: { size: 1, name: 'int8' },
  11: { size: 2, name: 'int16' },
  12: { size: 4, name: 'int32' },
  13: { size: 4, name: 'float32' },
  14: { size: 8, name: 'float64' },
};

/**
 * Reads an IDX file: a big-endian magic (two zero bytes, a type code, the number of dimensions),
 * big-endian u32 sizes, then the data. Gzip input (magic 1f 8b) is inflated first. uint8 data comes
 * back as a Uint8Array (no conversion), the other types as the matching typed arrays. Gzip input
 * must pass its CRC-32 and may inflate to at most `options.maxBytes` (default 256 MiB).
 * @throws FormatError for a bad magic, an unknown type code, data that is shorter or longer than
 *   the declared sizes, a failed checksum, or gzip data past `maxBytes`
 * @example
 * ```ts
 * const images = readIdx(bytes); // shape [60000, 28, 28], Uint8Array
 * ```
 */
export function readIdx(
  input: Uint8Array | ArrayBuffer,
  options: DecompressOptions = {},
): Tensor<NumericArray> {
  const fn = 'readIdx';
  let bytes = asBytes(fn, input);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)
    bytes = inflateGzip(fn, bytes, maxBytesOption(fn, options), options.verifyChecksum ?? true);
  const r = new ByteReader(fn, bytes);
  r.need(4, 'the magic number');
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new FormatError(`${fn}: not an IDX file (the magic number must start with two zero bytes)`, {
      offset: 0,
    });
  const type = TYPES[bytes[2]!];
  if (!type)
    throw new FormatError(`${fn}: unknown IDX type code 0x${bytes[2]!.toString(16)} at offset 2`, {
      offset: 2,
    });
  const dims = bytes[3]!;
  r.pos = 4;
  const shape: number[] = [];
  for (let k = 0; k < dims; k++) shape.push(r.u32(false, `size of dimension ${k}`));
  const n = shapeSize(shape);
  const raw = r.take(n * type.size, `${n} ${type.name} values`);
  if (r.pos !== bytes.length)
    throw new FormatError(
      `${fn}: the header declares ${n} ${type.name} values (${n * type.size} bytes) but ${bytes.length - r.pos + n * type.size} bytes of data follow it`,
      { offset: r.pos },
    );
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let data: NumericArray;
  switch (type.name) {
    case 'uint8':
      data = raw.slice();
      break;
    case 'int8':
      data = new Int8Array(raw.slice().buffer);
      break;
    case 'int16':
      data = Int16Array.from({ length: n }, (_, i) => v.getInt16(2 * i, false));
      break;
    case 'int32':
      data = Int32Array.from({ length: n }, (_, i) => v.getInt32(4 * i, false));
      break;
    case 'float32':
      data = Float32Array.from({ length: n }, (_, i) => v.getFloat32(4 * i, false));
      break;
    default:
      data = Float64Array.from({ length: n }, (_, i) => v.getFloat64(8 * i, false));
  }
  return new Tensor(data, shape);
}
