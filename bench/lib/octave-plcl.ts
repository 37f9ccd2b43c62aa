/**
 * The peer for PL-CL's speed: the authors' MATLAB code (github.com/Chongjie-Si/PL-CL, `code/`),
 * run unmodified under GNU Octave in a child process, side by side with numts in the same
 * benchmark run. Nothing of the authors' code is in this repository: a user fetches it and names
 * its folder in `PLL_AUTHORS_CODE` (the checkout or its `code/` folder), and installs Debian's
 * `octave`. The MATLAB toolbox functions the code calls (quadprog, optimoptions, KDTreeSearcher,
 * knnsearch, normr, pdist) are our stand-ins in bench/octave/shims; the driver is
 * bench/octave/run_plcl.m. Octave runs with one BLAS thread, as numts runs on one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Matrix } from '@numts/core';
import { ROOT } from './harness.js';

/** One PL-CL problem for the authors' code: training features and candidates, test features. */
export interface PlclJob {
  xTrain: Matrix;
  yTrain: Matrix;
  xTest: Matrix;
}

/** What the authors' code returned for one job: 0-based test predictions and CPU seconds. */
export interface OctaveResult {
  predictions: Int32Array;
  cpuSeconds: number;
}

/**
 * The folder holding the authors' PL_CL.m, or the reason the Octave peer cannot run (the
 * benchmark prints it and reports stored times instead).
 */
export function authorsCodeFolder(): { folder: string } | { missing: string } {
  const named = process.env.PLL_AUTHORS_CODE;
  if (!named) return { missing: 'PLL_AUTHORS_CODE is not set (a folder holding the authors’ PL_CL.m)' };
  const folder = [named, join(named, 'code')].find((f) => existsSync(join(f, 'PL_CL.m')));
  if (!folder) return { missing: `PLL_AUTHORS_CODE=${named} holds no PL_CL.m (nor code/PL_CL.m)` };
  if (spawnSync('octave', ['--version'], { encoding: 'utf8' }).status !== 0)
    return { missing: 'octave is not installed (Debian: apt-get install octave)' };
  return { folder };
}

function writeMatrix(path: string, m: Matrix): void {
  const lines: string[] = [];
  for (let i = 0; i < m.rows; i++)
    lines.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols), String).join(' '));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Runs the authors' PL_CL on each job in one Octave process. */
export function runAuthorsPlcl(folder: string, jobs: PlclJob[]): OctaveResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'numts-octave-'));
  try {
    jobs.forEach((job, j) => {
      writeMatrix(join(dir, `xtr_${j}.txt`), job.xTrain);
      writeMatrix(join(dir, `ytr_${j}.txt`), job.yTrain);
      writeMatrix(join(dir, `xte_${j}.txt`), job.xTest);
    });
    const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
    const script = [
      `addpath(${quote(join(ROOT, 'bench', 'octave', 'shims'))});`,
      `addpath(${quote(join(ROOT, 'bench', 'octave'))});`,
      `addpath(${quote(folder)});`,
      `run_plcl(${quote(dir)}, ${jobs.length});`,
    ].join(' ');
    const r = spawnSync('octave', ['--no-gui', '--no-window-system', '--norc', '--quiet', '--eval', script], {
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(`octave failed (status ${r.status}): ${r.stderr.slice(-2000)}`);
    return jobs.map((_, j) => ({
      predictions: Int32Array.from(
        readFileSync(join(dir, `pred_${j}.txt`), 'utf8')
          .trim()
          .split(/\s+/),
        Number,
      ),
      cpuSeconds: Number(readFileSync(join(dir, `cpu_${j}.txt`), 'utf8').trim()),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
