/**
 * A tour of @numts/core on generated data: seeded matrices, the packed gemm against a naive loop
 * and against ml-matrix, norms, views and the worker-thread gemm.
 *
 * Run: npm run demo
 */
import { gemm, matmul, normFrobenius, Rng, sub, syrk } from '@numts/core';
import { toMlMatrix } from '@numts/core/interop';
import { GemmPool } from '@numts/core/parallel';

function cpuMs(fn: () => void, reps = 3): number {
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.cpuUsage();
    fn();
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1000);
  }
  return times.sort((x, y) => x - y)[reps >> 1]!;
}

const rng = new Rng(2026);
const n = 384;
const a = rng.normalMatrix(n, n);
const b = rng.normalMatrix(n, n);

const rows: [string, string, string][] = [];
const c = matmul(a, b);
const ml = toMlMatrix(a).mmul(toMlMatrix(b));
let maxDiff = 0;
for (let i = 0; i < n; i++)
  for (let j = 0; j < n; j++) maxDiff = Math.max(maxDiff, Math.abs(c.get(i, j) - ml.get(i, j)));
rows.push(['gemm vs ml-matrix (max |Δ|)', maxDiff.toExponential(2), maxDiff < 1e-11 ? 'ok' : 'MISMATCH']);

const tOurs = cpuMs(() => matmul(a, b));
const tMl = cpuMs(() => toMlMatrix(a).mmul(toMlMatrix(b)), 1);
rows.push([
  `gemm ${n}x${n} speed`,
  `${((2 * n ** 3) / (tOurs * 1e6)).toFixed(2)} GFLOP/s`,
  `${(tMl / tOurs).toFixed(1)}x ml-matrix`,
]);

const gram = syrk(a, { trans: true });
const gramRef = gemm(a, a, { transA: true });
const gramErr = normFrobenius(sub(gram, gramRef)) / normFrobenius(gramRef);
rows.push(['syrk AᵀA vs gemm (rel. error)', gramErr.toExponential(2), gramErr < 1e-14 ? 'ok' : 'MISMATCH']);

const view = a.slice(10, 200, 5, 300).T; // a strided view, no copy
const viaView = matmul(view, b.slice(10, 200, 0, 50));
const viaCopy = matmul(view.clone(), b.slice(10, 200, 0, 50).clone());
rows.push(['gemm on views = on copies', String(viaView.data.every((v, i) => v === viaCopy.data[i])), 'ok']);

const again = new Rng(2026).normalMatrix(n, n);
rows.push(['seeded RNG reproducible', String(again.data.every((v, i) => v === a.data[i])), 'ok']);

const pool = await GemmPool.create(2);
const par = await pool.gemm(a, b);
await pool.close();
rows.push(['2-worker gemm bit-identical', String(par.data.every((v, i) => v === c.data[i])), 'ok']);

const w = Math.max(...rows.map((r) => r[0].length));
console.log('numts core demo (seed 2026)\n');
for (const [what, value, verdict] of rows) console.log(`${what.padEnd(w)}  ${value.padEnd(24)}  ${verdict}`);
if (rows.some((r) => r[2] === 'MISMATCH' || r[1] === 'false')) process.exitCode = 1;
