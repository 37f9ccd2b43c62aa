/**
 * Storage of the WILSS v2 reproduction: base models stored per (setting, seed, sizes, budget) in
 * `bench/checkpoints/wilss-v2/` (committed; regenerated bit-identically from the seed when absent,
 * spec §D.2 "one base model per seed, cached, shared by every method"), and every finished run — base, tuning, final —
 * appended as one JSON line to `docs/results/wilss-runs.jsonl`, from which the report is built.
 * A run already in that file is not run again, so a long reproduction resumes where it stopped.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStateDict, saveStateDict } from '@numts/nn';
import {
  buildIncrementalData,
  evaluate,
  type IncrementalData,
  SETTINGS,
  Segmenter,
  trainBase,
} from '@numts/wilss';
import { cpuNowMs, ROOT } from './harness.js';
import { appendRun, BENCH_CACHE, BENCH_CHECKPOINTS, readRunsFile } from './runs-file.js';
import { readCheckpoint, removeCheckpoint, writeCheckpoint } from './training-checkpoint.js';

/** Sizes and budgets of the v2 benchmark (chosen from the base and Joint curves; bench/lib/wilss-headroom.ts). */
export interface V2Config {
  width: number;
  sizes: { base: number; step: number; val: number; test: number };
  baseEpochs: number;
  stepEpochs: number;
  jointEpochs: number;
}

/** A point of a training curve: mIoU in % on the validation images after an epoch. */
export interface CurvePoint {
  epoch: number;
  old: number;
  new?: number;
  all?: number;
  minutes: number;
}

/** One line of the runs file. */
export interface RunRecord {
  /** Identifies the run: kind, setting, seed, method and constants. */
  key: string;
  kind: 'base' | 'tune' | 'final' | 'diagnosis';
  setting: string;
  seed: number;
  method?: string;
  constants?: Record<string, number | undefined>;
  /** mIoU (fractions) on the split the run is scored on. */
  split: 'val' | 'test';
  old: number;
  new?: number;
  all?: number;
  perClass?: number[];
  pixelAccuracy?: number;
  curve?: CurvePoint[];
  /** Predicted labels of the first test images, one hex digit per pixel (final runs of the first seed). */
  show?: string;
  mechanism?: unknown;
  /** CPU seconds of the run's process (records written before the switch to CPU time: wall seconds). */
  seconds: number;
  config: V2Config;
}

/** The runs file: the committed one of the reproduction, or NUMTS_WILSS_RUNS (the smoke tier's temporary file). */
export const RUNS_FILE = process.env.NUMTS_WILSS_RUNS ?? join(ROOT, 'docs', 'results', 'wilss-runs.jsonl');

/** Every run recorded so far (latest record of a key wins). */
export function readRuns(file = RUNS_FILE): Map<string, RunRecord> {
  return readRunsFile<RunRecord>(file);
}

/** Appends a finished run. */
export function recordRun(record: RunRecord, file = RUNS_FILE): void {
  appendRun(file, record);
}

/** The data of a (setting, seed) at the configured sizes (data seed 1000 + seed, as every WILSS bench has used). */
export function dataOf(setting: string, seed: number, config: V2Config): IncrementalData {
  return buildIncrementalData(SETTINGS[setting]!, config.sizes, 1000 + seed);
}

const configTag = (c: V2Config) => `w${c.width}-b${c.sizes.base}x${c.baseEpochs}`;

/**
 * Where finished base models live: bench/checkpoints/wilss-v2 (committed, like the PEFT test beds,
 * so that a reproduction's time does not include the bases' 30–40 CPU-minutes each); the smoke
 * tier's toy bases stay in its temporary cache.
 */
export function baseDir(): string {
  return process.env.NUMTS_WILSS_TIER === 'smoke'
    ? join(BENCH_CACHE, 'wilss')
    : join(BENCH_CHECKPOINTS, 'wilss-v2');
}

/**
 * The step-0 model of (setting, seed): from the cache, or trained (Adam, cosine, softmax CE) and
 * cached with its validation curve, which is also recorded as a `base` run scored on the test set.
 */
export function cachedBase(
  setting: string,
  seed: number,
  config: V2Config,
  data: IncrementalData,
  log: (s: string) => void = () => {},
): Segmenter {
  const dir = baseDir();
  const file = `base-${setting}-s${seed}-${configTag(config)}.safetensors`;
  const path = join(dir, file);
  const kBase = SETTINGS[setting]!.steps[0]!.length + 1;
  const oldCount = kBase - 1;
  // A base trained before the bases moved to bench/checkpoints may still sit in the cache.
  const found = [path, join(BENCH_CACHE, 'wilss', file)].find((p) => existsSync(p));
  if (found) {
    const model = new Segmenter(kBase, seed, config.width);
    const meta = loadStateDict(model, readFileSync(found));
    model.calibration = meta.calibration === 'sigmoid' ? 'sigmoid' : 'softmax';
    return model;
  }
  mkdirSync(dir, { recursive: true });
  const partial = path.replace(/\.safetensors$/, '.partial.safetensors');
  const resumed = readCheckpoint(partial);
  const epochsDone = Number(resumed?.metadata.epochs ?? 0);
  if (resumed) log(`${setting} seed ${seed}: base resumes after epoch ${epochsDone}`);
  // CPU time of this process (training, evaluation and the collector's threads), carried over a resume.
  const t0 = cpuNowMs() - 1000 * Number(resumed?.metadata.seconds ?? 0);
  const minutes = () => Number(((cpuNowMs() - t0) / 60000).toFixed(1));
  const curve: CurvePoint[] = JSON.parse(resumed?.metadata.curve ?? '[]') as CurvePoint[];
  const model = trainBase(data.base, kBase, {
    epochs: config.baseEpochs,
    seed,
    width: config.width,
    resume: resumed
      ? { epochs: epochsDone, weights: resumed.weights, optimizer: resumed.optimizer }
      : undefined,
    onCheckpoint: (c) =>
      writeCheckpoint(partial, {
        weights: c.weights,
        optimizer: c.optimizer,
        metadata: {
          epochs: String(c.epochs),
          curve: JSON.stringify(curve),
          seconds: String((cpuNowMs() - t0) / 1000),
        },
      }),
    onEpoch: (e, m) => {
      if ((e + 1) % 2 !== 0 && e !== config.baseEpochs - 1) return;
      const r = evaluate(m, data.val, oldCount);
      curve.push({ epoch: e + 1, old: Number((100 * r.old).toFixed(2)), minutes: minutes() });
      log(
        `${setting} seed ${seed}: base epoch ${e + 1} val old ${(100 * r.old).toFixed(1)} (${minutes()} min)`,
      );
    },
  });
  const seconds = (cpuNowMs() - t0) / 1000;
  writeFileSync(path, saveStateDict(model, { calibration: model.calibration }));
  removeCheckpoint(partial);
  // Pixels of classes the base model has not met are left out of its scores (evaluate ignores labels ≥ classes).
  const test = evaluate(model, data.test, oldCount);
  recordRun({
    key: `base/${setting}/s${seed}/${configTag(config)}`,
    kind: 'base',
    setting,
    seed,
    split: 'test',
    old: test.old,
    all: test.all,
    curve,
    seconds,
    config,
  });
  return model;
}
