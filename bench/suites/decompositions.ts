/**
 * Suite `decompositions`: numts against ml-matrix in the same process (seeded inputs) for SVD
 * (n = 128, 256, 512 and 2000×200, U, Σ and V), QR (with explicit Q), symmetric eigen (values and
 * vectors) and Cholesky + solve, and against numpy/scipy (LAPACK, one thread) through a subprocess.
 *
 * `*_ratio_vs_mlmatrix` = ml-matrix median / numts median (higher is better for numts);
 * `*_ratio_vs_numpy` = numts median / numpy median (how many times slower than LAPACK).
 */
import { gemm, type Matrix, Rng } from '@numts/core';
import { toMlMatrix } from '@numts/core/interop';
import { eigh, qr, solve, svd } from '@numts/decompositions';
import {
  CholeskyDecomposition,
  EigenvalueDecomposition,
  QrDecomposition,
  SingularValueDecomposition,
} from 'ml-matrix';
import {
  fmt,
  machineLine,
  mdTable,
  medians,
  numpyAvailable,
  runPython,
  type SuiteOptions,
  type SuiteResult,
  sink,
} from '../lib/harness.js';

interface Case {
  key: string; // e.g. svd:512
  label: string;
  ours: () => void;
  ml: () => void;
  big: boolean;
}

function symmetric(a: Matrix): Matrix {
  const s = a.clone();
  const n = a.rows;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s.data[i * n + j] = a.get(i, j) + a.get(j, i);
  return s;
}

export default async function decompositionsSuite({ smoke }: SuiteOptions): Promise<SuiteResult> {
  const rng = new Rng(20261127);
  const sq = smoke ? [32, 64] : [128, 256, 512];
  const tall: [number, number] = smoke ? [200, 20] : [2000, 200];
  const cases: Case[] = [];
  for (const n of sq) {
    const a = rng.normalMatrix(n, n);
    const ma = toMlMatrix(a);
    cases.push({
      key: `svd:${n}`,
      label: `SVD ${n}×${n} (U, Σ, V)`,
      ours: () => sink(svd(a).s[0]!),
      ml: () => sink(new SingularValueDecomposition(ma).diagonal[0]!),
      big: n >= 512,
    });
  }
  {
    const [m, n] = tall;
    const a = rng.normalMatrix(m, n);
    const ma = toMlMatrix(a);
    cases.push({
      key: `svd:${m}x${n}`,
      label: `SVD ${m}×${n} thin`,
      ours: () => sink(svd(a).s[0]!),
      ml: () => sink(new SingularValueDecomposition(ma).diagonal[0]!),
      big: true,
    });
  }
  const n = sq[sq.length - 1]!;
  {
    const a = rng.normalMatrix(n, n);
    const ma = toMlMatrix(a);
    cases.push({
      key: `qr:${n}`,
      label: `QR ${n}×${n} (Q and R)`,
      ours: () => sink(qr(a).q!.data[0]!),
      ml: () => sink(new QrDecomposition(ma).orthogonalMatrix.get(0, 0)),
      big: n >= 512,
    });
  }
  {
    const s = symmetric(rng.normalMatrix(n, n));
    const ms = toMlMatrix(s);
    cases.push({
      key: `eigh:${n}`,
      label: `eigh ${n}×${n} (values + vectors)`,
      ours: () => sink(eigh(s).values[0]!),
      ml: () => sink(new EigenvalueDecomposition(ms, { assumeSymmetric: true }).realEigenvalues[0]!),
      big: n >= 512,
    });
  }
  {
    const x = rng.normalMatrix(n, n);
    const spd = gemm(x, x, { transB: true });
    for (let i = 0; i < n; i++) spd.data[i * n + i] = spd.data[i * n + i]! + n;
    const b = new Float64Array(n).fill(1);
    const mspd = toMlMatrix(spd);
    const mb = toMlMatrix(new (spd.constructor as typeof Matrix)(n, 1, b.slice()));
    cases.push({
      key: `chol:${n}`,
      label: `Cholesky + solve ${n}×${n}`,
      ours: () => sink(solve(spd, b, { assume: 'spd' })[0]!),
      ml: () => sink(new CholeskyDecomposition(mspd).solve(mb).get(0, 0)),
      big: false,
    });
  }
  const np = numpyAvailable()
    ? runPython<Record<string, number | string>>(
        'decompositions.py',
        cases.map((c) => c.key),
      )
    : null;
  const rows: (string | number)[][] = [];
  const summary: SuiteResult['summary'] = {};
  for (const c of cases) {
    const t = await medians(
      [
        { name: 'numts', fn: c.ours },
        { name: 'ml-matrix', fn: c.ml },
      ],
      // Three warm-up calls: V8 needs a few calls of the big kernels before they run at full speed.
      {
        time: smoke ? 30 : c.big ? 1000 : 500,
        iterations: smoke ? 2 : 3,
        warmupIterations: smoke ? 1 : 2,
        rounds: smoke ? 1 : 3,
      },
    );
    const ours = t.get('numts')!;
    const ml = t.get('ml-matrix')!;
    const npMs = np ? (np[c.key] as number) : null;
    const vsMl = ml / ours;
    const vsNp = npMs === null ? null : ours / npMs;
    rows.push([
      c.label,
      fmt(ours, 1),
      fmt(ml, 1),
      npMs === null ? 'n/a' : fmt(npMs, 2),
      fmt(vsMl),
      fmt(vsNp, 1),
    ]);
    const id = c.key.replace(':', '');
    summary[`${id}_numts_ms`] = ours;
    summary[`${id}_ratio_vs_mlmatrix`] = vsMl;
    summary[`${id}_ratio_vs_numpy`] = vsNp;
  }
  if (!smoke) {
    for (const k of [
      'svd512_ratio_vs_mlmatrix',
      'eigh512_ratio_vs_mlmatrix',
      'qr512_ratio_vs_mlmatrix',
      'svd512_ratio_vs_numpy',
    ]) {
      summary[k] ??= null;
    }
  }
  summary.numpy = np ? String(np.numpy) : null;
  const markdown = [
    '# @numts/decompositions results',
    '',
    'Generated by `npm run bench -- decompositions` (bench/suites/decompositions.ts); numpy/scipy timed by',
    `bench/numpy/decompositions.py. Machine: ${machineLine()}; numpy ${np ? String(np.numpy) : 'absent'}.`,
    '',
    'Median process CPU time per call (ms), Float64, single thread. `vs ml-matrix` = ml-matrix time / numts',
    'time (higher is better); `× numpy` = numts time / numpy time.',
    '',
    mdTable(['operation', 'numts ms', 'ml-matrix ms', 'numpy ms', 'vs ml-matrix', '× numpy'], rows),
    '',
  ].join('\n');
  return { report: 'decompositions', summary, markdown };
}
