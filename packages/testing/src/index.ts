/**
 * Test helpers shared by the numts packages (not published).
 *
 * @packageDocumentation
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matrix } from '@numts/core';
import fc from 'fast-check';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository's test-data folder. */
export const TEST_DATA = join(here, '..', '..', '..', 'test-data');

/** Reads a committed fixture from the repository's test-data folder. */
export function readFixture<T>(relative: string): T {
  return JSON.parse(readFileSync(join(TEST_DATA, relative), 'utf8')) as T;
}

/** A matrix as stored in fixtures. */
export interface EncodedMatrix {
  rows: number;
  cols: number;
  data: number[];
}

export function decode(e: EncodedMatrix): Matrix {
  return new Matrix(e.rows, e.cols, Float64Array.from(e.data));
}

/** Machine epsilon of float64. */
export const EPS = 2 ** -52;

/** Well-scaled entries: k/100 for integer k in [-1000, 1000] (finite, no subnormals, no -0). */
export const wellScaled = fc.integer({ min: -1000, max: 1000 }).map((k) => k / 100);

/** Hostile entries: subnormals, signed zeros, extreme magnitudes and ordinary values. */
export const hostile = fc.oneof(
  fc.constantFrom(0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1e300, -1e300, 1, -1),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e150, max: 1e150 }),
);

/** Arbitrary m×n matrix data (row-major) from an entry generator. */
export function matrixArb(m: number, n: number, entry = wellScaled): fc.Arbitrary<Matrix> {
  return fc
    .array(entry, { minLength: m * n, maxLength: m * n })
    .map((v) => new Matrix(m, n, Float64Array.from(v)));
}

/**
 * An m×n matrix embedded as a strided view in a larger buffer: random offset, row/col strides
 * that leave gaps, optionally column-major. Returns the view.
 */
export function stridedViewArb(m: number, n: number, entry = wellScaled): fc.Arbitrary<Matrix> {
  return fc
    .record({
      colMajor: fc.boolean(),
      gapR: fc.integer({ min: 0, max: 3 }),
      gapC: fc.integer({ min: 0, max: 2 }),
      offset: fc.integer({ min: 0, max: 5 }),
      fill: fc.array(entry, { minLength: 1, maxLength: 1 }),
      values: fc.array(entry, { minLength: m * n, maxLength: m * n }),
    })
    .map(({ colMajor, gapR, gapC, offset, values }) => {
      const cs = colMajor ? m * (1 + gapC) + gapR : 1 + gapC;
      const rs = colMajor ? 1 + gapC : n * (1 + gapC) + gapR;
      const len = offset + Math.max(0, (m - 1) * rs) + Math.max(0, (n - 1) * cs) + 1;
      const data = new Float64Array(len).fill(Number.NaN); // gaps hold NaN: reading one poisons the result
      const v = new Matrix(m, n, data, { offset, rowStride: rs, colStride: cs });
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) v.set(i, j, values[i * n + j]!);
      return v;
    });
}

/** Textbook triple loop C = α·op(A)·op(B) + β·C0, on plain numbers. */
export function naiveGemm(
  a: Matrix,
  b: Matrix,
  {
    transA = false,
    transB = false,
    alpha = 1,
    beta = 0,
    c,
  }: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number; c?: Matrix },
): number[][] {
  const A = transA ? a.T : a;
  const B = transB ? b.T : b;
  const out: number[][] = [];
  for (let i = 0; i < A.rows; i++) {
    const row: number[] = [];
    for (let j = 0; j < B.cols; j++) {
      let s = 0;
      for (let p = 0; p < A.cols; p++) s += A.get(i, p) * B.get(p, j);
      row.push(alpha * s + (beta === 0 || !c ? 0 : beta * c.get(i, j)));
    }
    out.push(row);
  }
  return out;
}

/** Max |x − y| over two nested arrays of equal shape. */
export function maxAbsDiff(x: number[][], y: number[][]): number {
  let d = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = 0; j < x[i]!.length; j++) d = Math.max(d, Math.abs(x[i]![j]! - y[i]![j]!));
  return d;
}

/**
 * Runs every ```ts block of a package README as a script (with the workspace's source
 * condition) and returns their outputs; throws with the block's stderr when one fails.
 */
export function runReadmeBlocks(packageDir: string, file = 'README.md'): string[] {
  const readme = readFileSync(join(packageDir, file), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const dir = mkdtempSync(join(packageDir, '.readme-'));
  try {
    return blocks.map((code, i) => {
      const file = join(dir, `block${i}.ts`);
      writeFileSync(file, code);
      return execFileSync(process.execPath, ['--conditions=@numts/source', '--import', 'tsx', file], {
        encoding: 'utf8',
        cwd: packageDir,
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Throws (failing the test) unless |actual[i] − expected[i]| ≤ abs + rel·|expected[i]| for every i
 * and the lengths agree; the message names the first offending index and both values.
 */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { abs = 0, rel = 0 }: { abs?: number; rel?: number },
  label = 'values',
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length} differs from the expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) {
      throw new Error(`${label}[${i}] = ${a} but expected ${e} (tolerance abs ${abs}, rel ${rel})`);
    }
  }
}

/** The shared data folder next to the repository (`../shared/data`), where the benchmark data sets live. */
export const SHARED_DATA = join(here, '..', '..', '..', '..', 'shared', 'data');

/** True when `../shared/data` is present; tests that need it skip with a message otherwise. */
export function sharedDataAvailable(): boolean {
  return existsSync(SHARED_DATA);
}

/** How to get the shared data folder, for skip messages (the README's "Test data" says more). */
export const SHARED_REMEDY =
  'it is the folder of benchmark data and reference results (data sets, the authors\' code\'s results, Hugging Face fixtures) that numts developers and CI have beside the checkout; see "Test data" in the README';

/** The Chromium that the browser tests drive: `CHROMIUM_PATH`, else Debian's; undefined when absent. */
export const CHROMIUM: string | undefined =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** How to get Chromium, for skip messages. */
export const CHROMIUM_REMEDY = 'Debian: apt-get install chromium, or set CHROMIUM_PATH';

/**
 * Prints, once per test file, the one line that says which tests are skipped, what is missing
 * and how to get it.
 */
export function announceSkip(what: string, missing: string, remedy: string): void {
  console.warn(`skipped: ${what}: ${missing} is absent (${remedy})`);
}

export {
  type ContractLearner,
  type ContractLearnerClass,
  type ContractTask,
  describeLearnerContract,
  type LearnerCase,
} from './learner-contract.js';
