/**
 * The browser example: an SVD with its verification and a partial-label classifier, computed in the
 * page by the numts packages (bundled by examples/browser/build.ts).
 */
import { gemm, getBackend, Matrix, Rng } from '@numts/core';
import { svd, verifySvd } from '@numts/decompositions';
import { accuracy, fitPlcl } from '@numts/pll';

function show(id: string, text: string): void {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

function run(): void {
  const rng = new Rng(7);
  const g = rng.normalMatrix(256, 256);
  const tg = performance.now();
  gemm(g, g);
  show('backend', `${getBackend()} (a 256×256 product in ${(performance.now() - tg).toFixed(1)} ms)`);
  const a = rng.normalMatrix(120, 80);
  const t0 = performance.now();
  const f = svd(a);
  const v = verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! });
  show(
    'svd',
    `SVD of a 120×80 matrix in ${(performance.now() - t0).toFixed(0)} ms: σ₁ = ${f.s[0]!.toFixed(4)}, ` +
      `verification ${v.ok ? 'passed' : 'FAILED'} (max scaled residual ${Math.max(...Object.values(v.ratios)).toFixed(2)})`,
  );

  // Partial-label data: 3 Gaussian classes in 4-d; each instance has its true label and one other candidate.
  const n = 240;
  const q = 3;
  const x = new Matrix(n, 4);
  const y = new Matrix(n, q);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % q;
    truth[i] = c;
    for (let j = 0; j < 4; j++) x.set(i, j, rng.normal() + (j === c ? 2.5 : 0));
    y.set(i, c, 1);
    y.set(i, (c + 1 + rng.int(0, q - 1)) % q, 1);
  }
  const train = Int32Array.from({ length: 180 }, (_, i) => i);
  const test = Int32Array.from({ length: 60 }, (_, i) => 180 + i);
  const take = (m: Matrix, rows: Int32Array) => {
    const out = new Matrix(rows.length, m.cols);
    rows.forEach((r, i) => {
      for (let j = 0; j < m.cols; j++) out.set(i, j, m.get(r, j));
    });
    return out;
  };
  const model = fitPlcl(take(x, train), take(y, train));
  const acc = accuracy(model.predict(take(x, test)), truth.subarray(180));
  show('classifier', `PL-CL on 180 partially labelled points: test accuracy ${(100 * acc).toFixed(1)} %`);
  show('status', 'done');
}

try {
  run();
} catch (e) {
  show('status', `error: ${(e as Error).message}`);
}
