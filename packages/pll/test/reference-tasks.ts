/**
 * Loads the PLL reference tasks of ../shared/reference/pll (split indices, candidate sets, the
 * authors' per-split results) together with the features from ../shared/data/pll, z-scored over the
 * whole set as the reference protocol does. Shared by the parity tests and the `pll` bench suite.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matrix, takeRows } from '@numts/core';
import { loadPllMat, parseCsv } from '@numts/io';
import { zscore } from '../src/preprocess.js';

const here = dirname(fileURLToPath(import.meta.url));
export const SHARED = join(here, '..', '..', '..', '..', 'shared');
export { takeRows };
export const REFERENCE_DIR = join(SHARED, 'reference', 'pll');

export interface MethodResult {
  split_index: number[];
  accuracy: number[];
  correct: number[];
  n_test: number[];
  seconds: number[];
  par?: number[];
  predictions?: number[][];
  per_iteration_correct?: number[][];
  mean: number;
}

export interface ReferenceFile {
  id: string;
  dataset: string;
  data_file: string;
  n: number;
  l: number;
  splits: { train: number[]; test: number[] }[];
  candidates?: number[][];
  true_labels: number[];
  results: Record<string, MethodResult>;
}

export interface ReferenceTask {
  ref: ReferenceFile;
  /** z-scored features of all n instances. */
  x: Matrix;
  /** n×l candidate matrix. */
  y: Matrix;
  truth: Int32Array;
}

export function referenceAvailable(): boolean {
  return existsSync(REFERENCE_DIR) && existsSync(join(SHARED, 'data', 'pll'));
}

export function loadReferenceTask(id: string): ReferenceTask {
  const ref = JSON.parse(readFileSync(join(REFERENCE_DIR, `${id}.json`), 'utf8')) as ReferenceFile;
  const path = join(SHARED, ref.data_file.replace(/^shared\//, ''));
  let raw: Matrix;
  let y: Matrix | undefined;
  if (path.endsWith('.mat')) {
    const d = loadPllMat(readFileSync(path));
    raw = d.x;
    y = d.candidates;
  } else {
    // glass.data: Id, 9 features, class code.
    const m = parseCsv(readFileSync(path, 'utf8'), { header: false }).matrix;
    raw = m.slice(0, m.rows, 1, 10).clone();
  }
  if (ref.candidates) {
    y = new Matrix(ref.n, ref.l);
    ref.candidates.forEach((set, i) => {
      for (const c of set) y!.data[i * ref.l + c] = 1;
    });
  }
  if (!y) throw new Error(`${id}: no candidate sets`);
  return { ref, x: zscore(raw), y, truth: Int32Array.from(ref.true_labels) };
}

export function splitData(task: ReferenceTask, s: number) {
  const sp = task.ref.splits[s]!;
  return {
    xTrain: takeRows(task.x, sp.train),
    yTrain: takeRows(task.y, sp.train),
    xTest: takeRows(task.x, sp.test),
    truthTest: Int32Array.from(sp.test, (r) => task.truth[r]!),
  };
}

export function countCorrect(pred: Int32Array, truth: Int32Array): number {
  let c = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) c++;
  return c;
}
