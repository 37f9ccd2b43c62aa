/**
 * Two worker threads against one on gemm f64, in a process of its own:
 * `node --conditions=@numts/source --import tsx bench/lib/threads-run.ts '{"n":1024,"pairs":9,"warmups":8}'`
 * prints {"wasm": {...}, "js": {...}, "other_load": …} — for each backend the medians (ms) of the
 * one-thread and two-thread wall times and the median of the pairs' ratios.
 *
 * Why a process of its own: inside the benchmark process, which has by then built tfjs, numpy
 * results and hundreds of megabytes of matrices, the same measurement swung between 1.44x and
 * 1.75x from run to run with no other process busy; here it sees only its own two matrices.
 * One thread and two alternate, so a burst of other work hits both sides of a pair, and the
 * figure is the median of the pairs' ratios.
 */
import { gemm, Rng, setBackend } from '@numts/core';
import { GemmPool } from '@numts/core/parallel';
import { foreignLoad } from './harness.js';

interface Options {
  n: number;
  pairs: number;
  warmups: number;
}

const { n, pairs, warmups } = JSON.parse(process.argv[2]!) as Options;
const rng = new Rng(20261202);
const a = rng.normalMatrix(n, n);
const b = rng.normalMatrix(n, n);
const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
const wall = async (f: () => unknown) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const pool = await GemmPool.create(2);
const others = foreignLoad();
const result: Record<string, unknown> = {};
for (const backend of ['wasm', 'js'] as const) {
  setBackend(backend);
  for (let w = 0; w < warmups; w++) {
    gemm(a, b);
    await pool.gemm(a, b);
  }
  const ones: number[] = [];
  const twos: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < pairs; r++) {
    ones.push(await wall(() => gemm(a, b)));
    twos.push(await wall(() => pool.gemm(a, b)));
    ratios.push(ones.at(-1)! / twos.at(-1)!);
  }
  result[backend] = { one_ms: median(ones), two_ms: median(twos), speedup: median(ratios), ratios };
}
await pool.close();
result.other_load = others.stop();
console.log(JSON.stringify(result));
