/**
 * `@numts/io`: readers and writers for the formats numerical data comes in. Everything here works
 * on bytes (Uint8Array / ArrayBuffer) or strings, so it runs in browsers; `@numts/io/node` adds
 * path-based helpers.
 *
 * @packageDocumentation
 */
export {
  type ArffAttribute,
  type ArffData,
  type LoadMulanOptions,
  loadMulan,
  type MultiLabelData,
  mekaLabelCount,
  type ParseArffOptions,
  parseArff,
  parseMulanXml,
} from './arff.js';
export { adler32, crc32 } from './checksum.js';
export { type CsvOptions, type CsvTable, parseCsv } from './csv.js';
export { loadPllMat, type PllData, type PllMatOptions } from './datasets.js';
export { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from './half.js';
export { readIdx } from './idx.js';
export { DEFAULT_MAX_BYTES, type DecompressOptions } from './inflate.js';
export { type MatClass, type MatValue, matToMatrix, matToTensor, readMat } from './mat.js';
export {
  type NpyDtype,
  type NpyHeader,
  parseNpyHeader,
  readNpy,
  readNpz,
  type WriteNpyOptions,
  writeNpy,
} from './npy.js';
export {
  MAX_HEADER_BYTES,
  readSafetensors,
  type SafetensorsDtype,
  type SafetensorsEntry,
  SafetensorsFile,
  type SafetensorsWriteDtype,
  type WritableTensor,
  writeSafetensors,
} from './safetensors.js';
