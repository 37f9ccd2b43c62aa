/**
 * Node-only helpers of `@numts/io`: the same readers and writers on file paths.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Matrix, NumericArray, Tensor } from '@numts/core';
import { type LoadMulanOptions, loadMulan, type MultiLabelData } from './arff.js';
import { loadPllMat, type PllData, type PllMatOptions } from './datasets.js';
import { readIdx } from './idx.js';
import { type MatValue, readMat } from './mat.js';
import { readNpy, readNpz, writeNpy } from './npy.js';
import {
  readSafetensors,
  type SafetensorsWriteDtype,
  type WritableTensor,
  writeSafetensors,
} from './safetensors.js';

/** Reads a .npy file. */
export function readNpyFile(path: string): Tensor<NumericArray> {
  return readNpy(readFileSync(path));
}

/** Writes a Tensor or Matrix to a .npy file. */
export function writeNpyFile(path: string, x: Tensor<NumericArray> | Matrix): void {
  writeFileSync(path, writeNpy(x));
}

/** Reads a .npz archive. */
export function readNpzFile(path: string): Record<string, Tensor<NumericArray>> {
  return readNpz(readFileSync(path));
}

/** Reads a safetensors file. */
export function readSafetensorsFile(path: string): ReturnType<typeof readSafetensors> {
  return readSafetensors(readFileSync(path));
}

/** Writes tensors to a safetensors file. */
export function writeSafetensorsFile(
  path: string,
  tensors: Record<string, WritableTensor>,
  options: { dtype?: SafetensorsWriteDtype; metadata?: Record<string, string> } = {},
): void {
  writeFileSync(path, writeSafetensors(tensors, options));
}

/** Reads a MATLAB v5 MAT-file. */
export function readMatFile(path: string): Record<string, MatValue> {
  return readMat(readFileSync(path));
}

/** Reads an IDX file (raw or .gz). */
export function readIdxFile(path: string): Tensor<NumericArray> {
  return readIdx(readFileSync(path));
}

/** Loads a MULAN data set from its .arff and .xml files. */
export function loadMulanFiles(
  arffPath: string,
  xmlPath?: string,
  options: LoadMulanOptions = {},
): MultiLabelData {
  return loadMulan(
    readFileSync(arffPath),
    xmlPath === undefined ? undefined : readFileSync(xmlPath),
    options,
  );
}

/** Loads a PLL data set from a MAT-file. */
export function loadPllMatFile(path: string, options: PllMatOptions = {}): PllData {
  return loadPllMat(readFileSync(path), options);
}
