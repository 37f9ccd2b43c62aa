/**
 * Suite `pll`: PL-CL, PL-AGGD and PLCP against the authors' MATLAB code (run under Octave) on the
 * reference splits of ../shared/reference/pll — per-split accuracy, prediction agreement, fit +
 * predict time against the authors' recorded time — plus the classical baselines on the same
 * splits and FG-NET (10 × 50/50 hold-out, exact and ±5-year tolerance accuracy).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Matrix } from '@numts/core';
import { loadPllMat } from '@numts/io';
import {
  Clpl,
  fitPlAggd,
  fitPlcl,
  fitPlcp,
  holdoutSplits,
  Ipal,
  PlAggd,
  PlCl,
  PlKnn,
  PlSvm,
  toleranceAccuracy,
  zscore,
} from '@numts/pll';
import {
  countCorrect,
  loadReferenceTask,
  type ReferenceTask,
  referenceAvailable,
  splitData,
  takeRows,
} from '../../packages/pll/test/reference-tasks.js';
import {
  cpuNowMs,
  fmt,
  machineLine,
  mdTable,
  numpyAvailable,
  ROOT,
  runPython,
  runTsChild,
  type SuiteOptions,
  type SuiteResult,
  sampleStats,
  skipped,
} from '../lib/harness.js';
import { authorsCodeFolder, runAuthorsPlcl } from '../lib/octave-plcl.js';
import { MANY_LABEL_SHAPE, type PllShape, SMALL_LABEL_SHAPE, syntheticPll } from '../lib/pll-synthetic.js';

const SHARED = join(ROOT, '..', 'shared');
const mean = (xs: number[]) => (xs.length ? sampleStats(xs).mean : 0);
const std = (xs: number[]) => sampleStats(xs).std;
const pm = (xs: number[]) => `${fmt(mean(xs), 4)} ± ${fmt(std(xs), 4)}`;

/**
 * One PL-CL fit in a child process (bench/lib/plcl-scale-run.ts): CPU seconds and peak MB; with
 * `testRows`, also the CPU and predictions of predicting the first `testRows` training rows.
 */
function plclScaleRun(
  shape: PllShape,
  testRows = 0,
): { cpu_s: number; predict_cpu_s: number; peak_mb: number; predictions: number[] } {
  return runTsChild('bench/lib/plcl-scale-run.ts', [JSON.stringify(shape), String(testRows)]);
}

/** Test rows of the n = 2500 problem that both numts and the authors' code predict. */
const N2500_TEST_ROWS = 100;

interface Learner {
  fit(x: Matrix, y: Matrix): unknown;
  predict(x: Matrix): Int32Array;
}

export default async function pllSuite({ smoke }: SuiteOptions): Promise<SuiteResult> {
  if (!referenceAvailable())
    return skipped(
      '../shared/reference/pll or ../shared/data/pll is absent (the benchmark data folder beside the checkout; see "Test data" in the README)',
    );
  const summary: SuiteResult['summary'] = {};
  const parityRows: (string | number)[][] = [];
  const splitRows: string[] = [];
  const baselineRows: (string | number)[][] = [];
  const files = [
    'lost-authors-demo-split',
    'lost-5050-seed1',
    'MSRCv2-5050-seed1',
    'glass-r1-p0.7-5050-seed1',
    'glass-p1-r1-eps0.3-5050-seed1',
    'vehicle-r2-p0.7-5050-seed1',
  ];
  const tasks = new Map<string, ReferenceTask>();
  // numts' PL-CL on the lost splits (CPU s, predictions), for the side-by-side run of the authors' code.
  let plclLost: { splits: number[]; secs: number[]; preds: Int32Array[] } | null = null;
  for (const id of smoke ? ['lost-5050-seed1', 'glass-r1-p0.7-5050-seed1'] : files) {
    const task = loadReferenceTask(id);
    tasks.set(id, task);
    const methods = Object.keys(task.ref.results).filter(
      (m) => m === 'PL-CL' || m === 'PL-AGGD' || m === 'PLCP',
    );
    for (const method of methods) {
      if (smoke && method === 'PLCP') continue;
      const ref = task.ref.results[method]!;
      const splits = smoke ? ref.split_index.slice(0, 1) : ref.split_index;
      const ours: number[] = [];
      const refs: number[] = [];
      const secs: number[] = [];
      const refSecs: number[] = [];
      const agree: number[] = [];
      const diffs: string[] = [];
      const preds: Int32Array[] = [];
      for (const s of splits) {
        const i = ref.split_index.indexOf(s);
        const d = splitData(task, s);
        const t0 = cpuNowMs();
        const model =
          method === 'PL-CL'
            ? fitPlcl(d.xTrain, d.yTrain)
            : method === 'PL-AGGD'
              ? fitPlAggd(d.xTrain, d.yTrain)
              : fitPlcp(d.xTrain, d.yTrain);
        const pred = model.predict(d.xTest);
        secs.push((cpuNowMs() - t0) / 1000);
        preds.push(pred);
        const correct = countCorrect(pred, d.truthTest);
        ours.push(correct / pred.length);
        refs.push(ref.accuracy[i]!);
        refSecs.push(ref.seconds[i]!);
        if (ref.predictions)
          agree.push(countCorrect(pred, Int32Array.from(ref.predictions[i]!)) / pred.length);
        diffs.push(`${correct - ref.correct[i]! >= 0 ? '+' : ''}${correct - ref.correct[i]!}`);
      }
      if (method === 'PL-CL' && id === 'lost-5050-seed1') plclLost = { splits, secs, preds };
      const speedup = mean(refSecs) / mean(secs);
      parityRows.push([
        task.ref.id,
        method,
        pm(ours),
        pm(refs),
        fmt((mean(ours) - mean(refs)) * 100, 2),
        fmt(Math.max(...ours.map((a, k) => Math.abs(a - refs[k]!))) * 100, 2),
        agree.length ? fmt(Math.min(...agree) * 100, 1) : 'n/a',
        fmt(mean(secs), 2),
        fmt(mean(refSecs), 1),
        fmt(speedup, 1),
      ]);
      splitRows.push(
        `- ${task.ref.id} ${method}: correct-count difference per split (${splits.join(', ')}): ${diffs.join(' ')}`,
      );
      const tag = `${method === 'PL-CL' ? 'plcl' : method === 'PL-AGGD' ? 'plaggd' : 'plcp'}_${task.ref.dataset.toLowerCase()}${
        task.ref.id.startsWith('glass-p1') ? '_eps0.3' : ''
      }${task.ref.id === 'lost-authors-demo-split' ? '_demo' : ''}`;
      summary[`${tag}_acc`] = mean(ours);
      summary[`${tag}_ref`] = mean(refs);
      summary[`${tag}_speedup`] = speedup;
    }
  }
  for (const k of ['plcl_lost', 'plcl_msrcv2', 'plcp_lost']) {
    summary[`${k}_acc`] ??= null;
    summary[`${k}_ref`] ??= null;
  }
  summary.plcl_lost_speedup ??= null;

  // Baselines on the same splits (full runs only).
  if (!smoke) {
    const makers: [string, () => Learner][] = [
      ['PL-KNN (k=10)', () => new PlKnn()],
      ['IPAL (our reconstruction)', () => new Ipal()],
      ['CLPL (linear)', () => new Clpl()],
      ['PL-SVM (linear, Pegasos)', () => new PlSvm({ seed: 0 })],
      ['PL-AGGD', () => new PlAggd()],
      ['PL-CL', () => new PlCl()],
    ];
    for (const id of files.slice(1)) {
      const task = tasks.get(id)!;
      for (const [label, make] of makers) {
        const accs: number[] = [];
        const secs: number[] = [];
        for (let s = 0; s < task.ref.splits.length; s++) {
          const d = splitData(task, s);
          const t0 = cpuNowMs();
          const m = make();
          m.fit(d.xTrain, d.yTrain);
          const p = m.predict(d.xTest);
          secs.push((cpuNowMs() - t0) / 1000);
          accs.push(countCorrect(p, d.truthTest) / p.length);
        }
        baselineRows.push([id, label, pm(accs), fmt(mean(secs), 2)]);
      }
    }
  }

  // PL-CL at the sizes people have: seeded synthetic problems of the two held-out sets' shapes, each
  // fit in its own process (CPU time of the fit, peak memory of the process), with a machine-speed
  // probe (numpy's gemm 512, one thread) measured in the same run.
  const scaleRows: (string | number)[][] = [];
  let n2500: ReturnType<typeof plclScaleRun> | null = null;
  const scaleRun = (label: string, key: string, shape: PllShape, testRows = 0) => {
    const r = plclScaleRun(shape, testRows);
    summary[`${key}_cpu_s`] = r.cpu_s;
    summary[`${key}_peak_mb`] = r.peak_mb;
    scaleRows.push([label, shape.n, shape.d, shape.l, fmt(r.cpu_s, 1), fmt(r.peak_mb, 0)]);
    return r;
  };
  if (smoke) scaleRun('binary, many labels (smoke)', 'plcl_scale_300', { n: 300, ...MANY_LABEL_SHAPE });
  else {
    n2500 = scaleRun('dense, 13 labels', 'plcl_n2500', { n: 2500, ...SMALL_LABEL_SHAPE }, N2500_TEST_ROWS);
    for (const n of [1000, 2500, 5000, 10000])
      scaleRun('binary, 90 labels', `plcl_scale_${n}`, { n, ...MANY_LABEL_SHAPE });
    summary.plcl_n10000_cpu_s = summary.plcl_scale_10000_cpu_s!;
    summary.plcl_n10000_peak_mb = summary.plcl_scale_10000_peak_mb!;
  }
  // The authors' code under Octave, side by side (full runs, when PLL_AUTHORS_CODE names it).
  const authors = authorsCodeFolder();
  const octaveRows: (string | number)[][] = [];
  summary.plcl_lost_ratio_vs_octave = null;
  summary.plcl_n2500_ratio_vs_octave = null;
  if ('folder' in authors && !smoke && plclLost) {
    const lost = tasks.get('lost-5050-seed1')!;
    const { splits, secs, preds } = plclLost;
    const runs = runAuthorsPlcl(
      authors.folder,
      splits.map((s) => splitData(lost, s)),
    );
    const octaveSecs = runs.map((r) => r.cpuSeconds);
    const agree = runs.map((r, k) => countCorrect(preds[k]!, r.predictions) / r.predictions.length);
    summary.plcl_lost_octave_cpu_s = mean(octaveSecs);
    summary.plcl_lost_ratio_vs_octave = mean(octaveSecs) / mean(secs);
    octaveRows.push([
      `lost, ${splits.length} 50/50 splits (561 training rows)`,
      fmt(mean(secs), 2),
      fmt(mean(octaveSecs), 2),
      fmt(mean(octaveSecs) / mean(secs), 1),
      fmt(Math.min(...agree) * 100, 1),
    ]);
    if (n2500) {
      const { x, y } = syntheticPll({ n: 2500, ...SMALL_LABEL_SHAPE }, 1);
      const [run] = runAuthorsPlcl(authors.folder, [
        { xTrain: x, yTrain: y, xTest: x.slice(0, N2500_TEST_ROWS).clone() },
      ]);
      const ours = n2500.cpu_s + n2500.predict_cpu_s;
      summary.plcl_n2500_octave_cpu_s = run!.cpuSeconds;
      summary.plcl_n2500_ratio_vs_octave = run!.cpuSeconds / ours;
      octaveRows.push([
        `synthetic, 2500 rows × 38 features × 13 labels (predicting ${N2500_TEST_ROWS} rows)`,
        fmt(ours, 2),
        fmt(run!.cpuSeconds, 2),
        fmt(run!.cpuSeconds / ours, 1),
        fmt((countCorrect(Int32Array.from(n2500.predictions), run!.predictions) / N2500_TEST_ROWS) * 100, 1),
      ]);
    }
  }
  const octaveVersion =
    'folder' in authors ? spawnSync('octave', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] : '';
  const probe = numpyAvailable() ? runPython<Record<string, number>>('gemm.py', ['512']) : null;
  summary.machine_numpy_gemm512_ms = probe ? probe['512']! : null;

  // FG-NET (no reference numbers): 10 × 50/50 hold-out, exact and ±5 accuracy.
  const fgRows: (string | number)[][] = [];
  const fgPath = join(SHARED, 'data', 'pll', 'FG-NET.mat');
  if (existsSync(fgPath)) {
    const fg = loadPllMat(readFileSync(fgPath));
    const x = zscore(fg.x);
    const splits = holdoutSplits(x.rows, smoke ? 1 : 10, 1);
    for (const [label, make] of [
      ['PL-CL', () => new PlCl()],
      ['PL-AGGD', () => new PlAggd()],
      ['PL-KNN (k=10)', () => new PlKnn()],
    ] as [string, () => Learner][]) {
      if (smoke && label !== 'PL-CL') continue;
      const exact: number[] = [];
      const tol5: number[] = [];
      const secs: number[] = [];
      for (const sp of splits) {
        const tr = Array.from(sp.train);
        const te = Array.from(sp.test);
        const truth = Int32Array.from(te, (r) => fg.truth![r]!);
        const t0 = cpuNowMs();
        const m = make();
        m.fit(takeRows(x, tr), takeRows(fg.candidates!, tr));
        const p = m.predict(takeRows(x, te));
        secs.push((cpuNowMs() - t0) / 1000);
        exact.push(toleranceAccuracy(p, truth, 0));
        tol5.push(toleranceAccuracy(p, truth, 5));
      }
      fgRows.push([label, pm(exact), pm(tol5), fmt(mean(secs), 2)]);
      if (label === 'PL-CL') {
        summary.plcl_fgnet_acc = mean(exact);
        summary.plcl_fgnet_mae5_acc = mean(tol5);
      }
    }
  }

  const markdown = [
    '# @numts/pll results',
    '',
    `Generated by \`npm run bench -- pll\` (bench/suites/pll.ts). Machine: ${machineLine()}.`,
    '',
    '## Parity with the authors’ code, split by split',
    '',
    'Reference: the authors’ MATLAB code (PL-CL @ e7aa8c7, PLCP @ 17bdffc) run unmodified under GNU Octave 7.3 on the',
    'same rows, candidate sets and preprocessing (../shared/reference/pll). Accuracy is mean ± sample std over the splits',
    'run; `Δ` = numts − authors in points; `max |Δ|` is the largest per-split difference in points; `agree` is the',
    'smallest per-split fraction of test predictions identical to the authors’. Time: numts fit + predict per split',
    '(process CPU seconds, one thread) against the authors’ recorded seconds per split (Octave, OpenBLAS, one thread).',
    'PLCP rows: the partner’s accuracy (the authors’ reported number).',
    '',
    mdTable(
      [
        'reference file',
        'method',
        'numts',
        'authors',
        'Δ (pts)',
        'max |Δ| (pts)',
        'agree %',
        'numts s',
        'authors s',
        'speed-up',
      ],
      parityRows,
    ),
    '',
    'Per-split differences in the number of correct test predictions (numts − authors):',
    '',
    ...splitRows,
    '',
    'Where a split differs, the cause is a graph QP whose minimiser is not unique: with fewer features than neighbours',
    '(glass: d = 9 < k = 10) or duplicate instances (MSRCv2 has 5 duplicated rows) the matrix DDᵀ is singular; numts picks',
    'the minimum-norm minimiser (a 1e-10 relative ridge), MATLAB’s interior-point solver another one.',
    '',
    '## PL-CL at scale',
    '',
    'Seeded synthetic problems (bench/lib/pll-synthetic.ts) of the shapes of two real data sets kept back for independent',
    'checks: 2500 training rows × 38 dense features × 13 labels with ≈ 2.2 candidates (where the authors’ code needs',
    '≈ 115 s), and 500 binary features × 90 labels with ≈ 3 candidates at growing n. Default options (the authors’ parameters);',
    'one fit per row in its own process: CPU seconds of the fit and the peak resident memory of the process. PL-CL keeps',
    'two n×n arrays (the kernel, whose storage then holds one Cholesky factor, and the other factor), so memory grows as',
    '16·n² bytes; time as n³ for the two factorizations and n²·l per iteration for the refits.',
    `Machine-speed probe in the same run: numpy gemm 512 (one OpenBLAS thread) ${
      probe ? `${fmt(probe['512']!, 1)} ms` : 'not measured (python3 + numpy absent)'
    } — a slow machine shows here as well as in the rows.`,
    '',
    mdTable(['shape', 'n', 'd', 'l', 'fit CPU s', 'peak MB'], scaleRows),
    '',
    '## Side by side with the authors’ code under Octave',
    '',
    ...('folder' in authors && octaveRows.length
      ? [
          `The authors’ PL-CL (\`code/\` of github.com/Chongjie-Si/PL-CL, not part of numts; run from ${'`'}PLL_AUTHORS_CODE${'`'}) under`,
          `${octaveVersion} with one OpenBLAS thread, in this run, on the same rows. The MATLAB toolbox functions it calls are`,
          'our stand-ins (bench/octave/shims: quadprog by Octave’s active-set `qp` for the small graph QPs and by FISTA with',
          'exact row-simplex projection to a 1e-10 fixed-point residual for the large P-step QPs; brute-force exact kNN),',
          'so the Octave time is that of the authors’ code with these stand-ins. CPU seconds per job: numts fit + predict',
          '(lost: the parity rows above; 2500 rows: the scale row’s fit in its own process plus its prediction) against',
          'the `PL_CL` call with the kernel width. `agree`: smallest per-job share of test predictions that are identical.',
          '',
          mdTable(['problem', 'numts CPU s', 'authors (Octave) CPU s', 'ratio', 'agree %'], octaveRows),
        ]
      : [
          `Not run here: ${'missing' in authors ? authors.missing : 'smoke tier'}. To run it, fetch the authors’ code`,
          '(github.com/Chongjie-Si/PL-CL), install Debian’s `octave`, and set `PLL_AUTHORS_CODE` to the checkout. Without',
          'it, the speed-ups in the parity table divide by the authors’ times recorded elsewhere; the machine-speed probe',
          'above tells a slow machine from a slow port.',
        ]),
    '',
    ...(baselineRows.length
      ? [
          '## Baselines on the same splits',
          '',
          'Default options, no tuning (PL-KNN k = 10; IPAL k = 10, α = 0.95, 100 iterations; CLPL λ = 1e-3; PL-SVM λ = 1e-3,',
          '50 epochs). Features z-scored as in the reference protocol. Accuracy mean ± std over all splits of the file;',
          'time = fit + predict CPU seconds per split.',
          '',
          mdTable(['reference file', 'method', 'accuracy', 's/split'], baselineRows),
          '',
        ]
      : []),
    ...(fgRows.length
      ? [
          '## FG-NET (age estimation as PLL)',
          '',
          'No reference run of the authors’ code exists for FG-NET. 10 random 50/50 splits (seed 1) of z-scored features,',
          'exact accuracy and the tolerance accuracy |ŷ − y| ≤ 5 of the authors’ CalAccuracy_MAE.',
          '',
          mdTable(['method', 'accuracy', 'accuracy (±5)', 's/split'], fgRows),
          '',
        ]
      : []),
  ].join('\n');
  return { report: 'pll', summary, markdown };
}
