/**
 * Shared benchmark harness: tinybench with a CPU-time clock, medians, a sink against dead-code
 * elimination, a numpy subprocess helper and result writers.
 *
 * These machines are shared and noisy, so every figure is the median of per-call process CPU time
 * (`process.cpuUsage`), and comparisons are ratios measured in the same process run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Options every suite receives from the command line. */
export interface SuiteOptions {
  /** Quick tier: small sizes, few repetitions; checks the pipeline, not the speed. */
  smoke: boolean;
  /** Print one JSON object as the last line of output. */
  json: boolean;
  /** Further tier flags (`--small`, `--repro`) for suites that have more tiers. */
  flags?: string[];
}

/** What a suite returns: the JSON summary and the Markdown report. */
export interface SuiteResult {
  /** Name of the report in docs/results (default: the suite's name). */
  report?: string;
  summary: Record<string, number | string | boolean | null | readonly number[]>;
  markdown: string;
  /** Set when the suite could not run here (missing data); see {@link skipped}. */
  skipped?: string;
}

/**
 * The result of a suite whose data is not on this machine: why, and how to get it. The runner
 * prints it, writes no results page, and exits 0 (a missing optional data set is not a failure).
 */
export function skipped(reason: string): SuiteResult {
  return { summary: { skipped: reason }, markdown: `Skipped: ${reason}.`, skipped: reason };
}

/** A benchmark suite module's default export. */
export type Suite = (options: SuiteOptions) => Promise<SuiteResult>;

/** Process CPU time in milliseconds (user + system). */
export function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let sinkValue = 0;
/** Consumes a result so that the optimiser cannot drop the computation; NaN fails the benchmark. */
export function sink(x: number): void {
  if (Number.isNaN(x)) throw new Error('benchmark produced NaN');
  sinkValue += x;
}
/** The accumulated sink (printed nowhere; exported so that it is observable). */
export const sinkTotal = () => sinkValue;

/** One timed task. */
export interface Task {
  name: string;
  fn: () => void;
}

/**
 * Median CPU milliseconds per call of each task. The tasks are run in `rounds` alternating rounds
 * (a tinybench run of every task per round), and the result is the median of the per-round
 * medians, so that a burst of load from other tenants hits both sides of a comparison alike.
 */
export async function medians(
  tasks: Task[],
  {
    time,
    iterations,
    warmupIterations = 1,
    rounds = 1,
  }: { time: number; iterations: number; warmupIterations?: number; rounds?: number },
): Promise<Map<string, number>> {
  const perRound = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ now: cpuNowMs, time, iterations, warmupIterations, throws: true });
    for (const t of tasks) bench.add(t.name, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const res = task.result as { latency?: { p50: number } };
      if (!res.latency) throw new Error(`benchmark task ${task.name} produced no result`);
      perRound.get(task.name)!.push(res.latency.p50);
    }
  }
  const out = new Map<string, number>();
  for (const [name, xs] of perRound) {
    xs.sort((a, b) => a - b);
    out.set(name, xs[xs.length >> 1]!);
  }
  return out;
}

/** True when `python3 -c "import numpy"` works. */
export function numpyAvailable(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Runs a Python benchmark script and parses the JSON object on its last output line. OpenBLAS is
 * pinned to one thread and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed for this subprocess
 * only (some machines set them, which selects slower kernels); tests and CI never change them.
 */
export function runPython<T>(script: string, args: string[]): T {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', [join(ROOT, 'bench', 'numpy', script), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 ${script} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** Writes `docs/results/<name>.md` and `.json`. */
export function writeResults(name: string, result: SuiteResult): void {
  const dir = join(ROOT, 'docs', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), result.markdown);
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result.summary, null, 2)}\n`);
}

/** A Markdown table from a header and rows. */
export function mdTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Mean and sample standard deviation of a list (n − 1 in the denominator). */
export interface SampleStats {
  mean: number;
  /** 0 for fewer than two values. */
  std: number;
  n: number;
}

/** Mean (NaN for an empty list) and sample standard deviation of `values`. */
export function sampleStats(values: readonly number[]): SampleStats {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** Rounds for display. */
export function fmt(x: number | null, digits = 2): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}

/** A one-line description of the machine for reports. */
export function machineLine(): string {
  const cpu = cpus();
  return `Node ${process.version}, ${process.platform}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`;
}

/** Busy jiffies of the whole machine (Linux /proc/stat; null elsewhere). */
function machineBusyJiffies(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all − idle − iowait.
    return f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3]! - f[4]!;
  } catch {
    return null;
  }
}

/**
 * Starts measuring the CPU that other processes use while this one works: `stop()` returns their
 * average number of busy cores over the interval (the machine's busy time from /proc/stat minus
 * this process's own CPU time, worker threads included), or null where /proc/stat is absent. Unlike
 * the load average, it does not count the benchmark's own work.
 */
export function foreignLoad(): { stop(): number | null } {
  const busy0 = machineBusyJiffies();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    stop() {
      const busy1 = machineBusyJiffies();
      if (busy0 === null || busy1 === null) return null;
      const own = process.cpuUsage(own0);
      const wall = (performance.now() - t0) / 1000;
      // /proc/stat counts in USER_HZ = 100 ticks per second on Linux.
      const other = (busy1 - busy0) / 100 - (own.user + own.system) / 1e6;
      return Math.max(0, other / wall);
    },
  };
}

/**
 * Runs a TypeScript file of the repository in its own Node process (sources through tsx), e.g. so
 * that its peak memory is its own; returns the JSON object on the last line of its output.
 */
export function runTsChild<T>(script: string, args: string[]): T {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@numts/source', '--import', 'tsx', join(ROOT, script), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}
