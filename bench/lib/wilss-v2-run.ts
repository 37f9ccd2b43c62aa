/**
 * Runs pending work of the WILSS v2 reproduction (plan: wilss-v2-plan.ts), recording every finished
 * run in docs/results/wilss-runs.jsonl (wilss-store.ts); runs already recorded are skipped, so the
 * stages can be stopped and resumed, and two processes can share the work (one core each).
 *
 * `node --conditions=@numts/source --import tsx bench/lib/wilss-v2-run.ts <stage> <setting> [seeds…]`
 * - `bases`: the cached step-0 models (and their curves) of the given seeds;
 * - `tune`: the coordinate search of every tuned method on the tuning seeds (validation images);
 * - `final`: every method (constants as tuned) on the given seeds, scored on the test images;
 * - `ablation`: the TME-lite ablation rows on the given seeds;
 * - `diagnosis`: the diagnosis rows of the setting (wilss-v2-plan.ts, DIAGNOSES) on the given seeds.
 */
import {
  evaluate,
  type Mechanism,
  type MiouSummary,
  predict,
  SETTINGS,
  type Segmenter,
  type StepMethod,
  trainJoint,
  trainStep,
} from '@numts/wilss';
import { aroundOnLadder, coordinateSearch, type SearchTrace } from './grid-search.js';
import { cpuNowMs } from './harness.js';
import { runInChildren } from './job-pool.js';
import {
  type CurvePoint,
  cachedBase,
  dataOf,
  type RunRecord,
  readRuns,
  recordRun,
  type V2Config,
} from './wilss-store.js';
import {
  ABLATIONS,
  type Constants,
  DIAGNOSES,
  diagnosesOf,
  FINAL_SEEDS,
  LADDERS,
  MAX_EXTENSIONS,
  METHODS,
  type MethodSpec,
  SELECTION_METRIC,
  TIER,
  TUNE_SEEDS,
  TUNING,
  type TunedConstant,
  V2,
} from './wilss-v2-plan.js';

const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

/** The key of a run: kind, setting, seed, method and its constants (sorted), and the budget. */
export function runKey(
  kind: RunRecord['kind'],
  setting: string,
  seed: number,
  label: string,
  constants: Constants,
  config: V2Config,
): string {
  const c = Object.entries(constants)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${kind}/${setting}/s${seed}/${label}/${c}/w${config.width}-b${config.sizes.base}x${config.baseEpochs}-s${config.sizes.step}x${config.stepEpochs}`;
}

/** The predictions of the first test images, one hex digit per pixel (for the figure). */
const SHOW_IMAGES = 6;

/**
 * Trains one method over every step of the setting from the cached base and scores it on the
 * validation (`tune`) or test images; records and returns the run.
 */
export function methodRun(
  kind: 'tune' | 'final',
  setting: string,
  seed: number,
  spec: MethodSpec,
  constants: Constants,
  config: V2Config = V2,
): RunRecord {
  const key = runKey(kind, setting, seed, spec.label, constants, config);
  const done = readRuns().get(key);
  if (done) return done;
  const s = SETTINGS[setting]!;
  const data = dataOf(setting, seed, config);
  const base = cachedBase(setting, seed, config, data, log);
  const split = kind === 'tune' ? data.val : data.test;
  const oldCount = s.steps[0]!.length;
  const kAll = data.order.length + 1;
  const t0 = cpuNowMs();
  let model: Segmenter;
  const mechanism: (Mechanism | null)[] = [];
  let curve: CurvePoint[] | undefined;
  if (spec.method === 'joint') {
    curve = [];
    const started = cpuNowMs();
    model = trainJoint(base, [data.base, ...data.steps], kAll, {
      epochs: config.jointEpochs,
      seed,
      onEpoch: (e, m) => {
        const r = evaluate(m, data.val, oldCount);
        curve!.push({
          epoch: e + 1,
          old: round(100 * r.old),
          new: round(100 * r.new),
          all: round(100 * r.all),
          minutes: round((cpuNowMs() - started) / 60000),
        });
      },
    });
  } else {
    model = base;
    let k = base.classes;
    data.steps.forEach((set, t) => {
      k += s.steps[t + 1]!.length;
      const r = trainStep(model, set, k, {
        method: spec.method as StepMethod,
        epochs: config.stepEpochs,
        seed,
        tme:
          spec.method === 'tme' || spec.method === 'wilson'
            ? {
                ...spec.tme,
                alpha: constants.alpha,
                alphaR: constants.alphaR,
                rhoOld: constants.rhoOld,
                rhoNew:
                  constants.rhoNew ?? (constants.rhoOld === undefined ? undefined : constants.rhoOld + 0.2),
              }
            : undefined,
        lambdaMax: constants.lambdaMax,
      });
      model = r.model;
      mechanism.push(r.mechanism);
    });
  }
  const score: MiouSummary = evaluate(model, split, oldCount);
  const record: RunRecord = {
    key,
    kind,
    setting,
    seed,
    method: spec.label,
    constants: { ...constants },
    split: kind === 'tune' ? 'val' : 'test',
    old: score.old,
    new: score.new,
    all: score.all,
    perClass: score.perClass,
    pixelAccuracy: score.pixelAccuracy,
    ...(curve ? { curve } : {}),
    mechanism,
    ...(kind === 'final' && seed === FINAL_SEEDS[setting]![0]
      ? {
          show: Array.from(
            predict(model, { ...data.test, n: SHOW_IMAGES }).subarray(0, SHOW_IMAGES * 1024),
            (v) => v.toString(16),
          ).join(''),
        }
      : {}),
    seconds: (cpuNowMs() - t0) / 1000,
    config,
  };
  recordRun(record);
  log(
    `${kind} ${setting} seed ${seed} ${spec.label} ${JSON.stringify(constants)}: old ${(100 * score.old).toFixed(1)} new ${(100 * score.new).toFixed(1)} all ${(100 * score.all).toFixed(1)} (${record.seconds.toFixed(0)} s)`,
  );
  return record;
}

const round = (v: number) => Number(v.toFixed(2));

/** One run for a worker process: a base model, or a method with constants. */
export interface Job {
  kind: 'base' | 'tune' | 'final';
  setting: string;
  seed: number;
  label?: string;
  constants?: Constants;
}

function jobKey(j: Job): string | null {
  if (j.kind === 'base') return null;
  return runKey(j.kind, j.setting, j.seed, j.label!, j.constants ?? {}, V2);
}

/** Runs a job in this process. */
function runJob(j: Job): void {
  if (j.kind === 'base') cachedBase(j.setting, j.seed, V2, dataOf(j.setting, j.seed, V2), log);
  else {
    const spec = [...METHODS, ...ABLATIONS, ...DIAGNOSES].find((m) => m.label === j.label)!;
    methodRun(j.kind, j.setting, j.seed, spec, j.constants ?? {});
  }
}

/** Processes working at once (one per core of these machines). */
const WORKERS = Number(process.env.NUMTS_WILSS_WORKERS ?? 2);

/**
 * Runs the jobs not yet recorded, each in a child process, `WORKERS` at a time — or, on the smoke
 * tier, one after another in this process, where starting a process (≈ 2 s of loading) would cost
 * more than the run. Every run is seeded by its job alone, so where it runs does not change it.
 */
export async function runJobs(jobs: Job[]): Promise<void> {
  const done = readRuns();
  const pending = jobs.filter((j) => {
    const k = jobKey(j);
    return k === null || !done.has(k);
  });
  if (TIER === 'smoke') for (const j of pending) runJob(j);
  else await runInChildren(pending, SELF, WORKERS);
}

const SELF = new URL(import.meta.url).pathname;

/**
 * The mean validation score of a constants choice over the tuning seeds; with `train`, the missing
 * runs are run first, without it a missing run makes the score null (not known yet).
 */
async function validationScore(
  setting: string,
  label: string,
  constants: Constants,
  train: boolean,
): Promise<number | null> {
  if (train) await runJobs(TUNE_SEEDS.map((seed) => ({ kind: 'tune', setting, seed, label, constants })));
  const runs = readRuns();
  const scores = TUNE_SEEDS.map(
    (seed) => runs.get(runKey('tune', setting, seed, label, constants, V2))?.[SELECTION_METRIC],
  );
  if (scores.some((s) => s === undefined)) return null;
  return (scores as number[]).reduce((a, b) => a + b, 0) / scores.length;
}

/** One constant's search in one pass. */
export type PassTrace = SearchTrace<keyof Constants> & { pass: 1 | 2 };

/** A tuned method's search: what was tried and the chosen constants. */
export interface TuningResult {
  label: string;
  chosen: Constants;
  /** For each pass and constant, in search order: the grid tried (after extension) and the mean score of each value. */
  searched: PassTrace[];
  /** False while the search waits for runs not recorded yet (only without `train`). */
  complete: boolean;
}

/**
 * One coordinate pass over a method's constants (from `constants`' starts, each grid extended
 * while the best value sits at an edge that can move); `fixed` holds constants taken from another
 * method (TME-lite inherits WILSON's α). With `train` false the search runs nothing and stops at
 * the first score not recorded yet.
 */
async function searchPass(
  setting: string,
  label: string,
  constants: TunedConstant[],
  fixed: Constants,
  train: boolean,
  pass: 1 | 2,
): Promise<TuningResult> {
  const { chosen, searched, complete } = await coordinateSearch(
    constants,
    (assignment) => validationScore(setting, label, assignment, train),
    { fixed: fixed as Partial<Record<keyof Constants, number>>, maxExtensions: MAX_EXTENSIONS },
  );
  return { label, chosen, searched: searched.map((t) => ({ ...t, pass })), complete };
}

/**
 * A method's second pass (registration 2, wilss-v2-plan.ts LADDERS): each constant again around
 * the first pass's choice on its ladder; `fixed` overrides constants taken from another method.
 * The result holds both passes' traces.
 */
async function secondPass(
  setting: string,
  first: TuningResult,
  fixed: Constants,
  train: boolean,
): Promise<TuningResult> {
  const from = first.chosen as Record<keyof Constants, number>;
  const second = await searchPass(
    setting,
    first.label,
    LADDERS[first.label]!.map((l) => aroundOnLadder(l, from[l.name])),
    { ...first.chosen, ...fixed },
    train,
    2,
  );
  return { ...second, searched: [...first.searched, ...second.searched] };
}

/** The setting whose validation images tune the constants; the other settings reuse them. */
export const TUNING_SETTING = '7-3';

const TME_FULL = 'TME-lite OB+PF (full)';

/**
 * Every tuned method of a setting, pass by pass: WILSON's first pass, TME-lite's first pass with
 * WILSON's first-pass α (as registered), WILSON's second pass, TME-lite's second pass with WILSON's
 * final α. With `train` false, nothing runs: the searches as far as the recorded runs take them.
 */
export async function tuneAll(
  setting: string = TUNING_SETTING,
  train = true,
): Promise<Record<string, TuningResult>> {
  if (train) await runJobs(TUNE_SEEDS.map((seed) => ({ kind: 'base', setting, seed })));
  const wilson1 = await searchPass(setting, 'WILSON', TUNING.WILSON!, {}, train, 1);
  if (!wilson1.complete) return { WILSON: wilson1 };
  const tme1 = await searchPass(
    setting,
    TME_FULL,
    TUNING[TME_FULL]!,
    { alpha: wilson1.chosen.alpha },
    train,
    1,
  );
  // A method whose second pass has not finished is not complete, whatever its first pass says.
  if (!tme1.complete) return { WILSON: { ...wilson1, complete: false }, [TME_FULL]: tme1 };
  const wilson = await secondPass(setting, wilson1, {}, train);
  if (!wilson.complete) return { WILSON: wilson, [TME_FULL]: { ...tme1, complete: false } };
  const tme = await secondPass(setting, tme1, { alpha: wilson.chosen.alpha }, train);
  return { WILSON: wilson, [TME_FULL]: tme };
}

/** The constants a method runs with in the final runs. */
export function finalConstants(label: string, tuned: Record<string, TuningResult>): Constants {
  if (tuned[label]) return tuned[label]!.chosen;
  if (label.startsWith('TME-lite')) return tuned[TME_FULL]!.chosen;
  return {};
}

/**
 * The final-run jobs of method rows on seeds, each row with its constants; ordered seed by seed,
 * or row by row (`byRow`: every seed of the first row before the next row).
 */
function finalJobs<S extends MethodSpec>(
  setting: string,
  seeds: number[],
  specs: S[],
  constantsOf: (spec: S) => Constants,
  byRow = false,
): Job[] {
  const job = (spec: S, seed: number): Job => ({
    kind: 'final',
    setting,
    seed,
    label: spec.label,
    constants: constantsOf(spec),
  });
  return byRow
    ? specs.flatMap((spec) => seeds.map((seed) => job(spec, seed)))
    : seeds.flatMap((seed) => specs.map((spec) => job(spec, seed)));
}

/** Runs a stage: `bases`, `tune`, `untuned`, `final`, `ablation` or `diagnosis` of a setting on the given seeds (default: the plan's). */
export async function runStage(
  stage: string,
  setting: string,
  seeds: number[] = FINAL_SEEDS[setting]!,
): Promise<void> {
  if (!SETTINGS[setting]) throw new Error(`unknown setting ${setting}`);
  const bases = () => runJobs(seeds.map((seed) => ({ kind: 'base', setting, seed })));
  if (stage === 'bases') await bases();
  else if (stage === 'tune') {
    const tuned = await tuneAll();
    log(`tuned: ${JSON.stringify(Object.values(tuned).map((t) => [t.label, t.chosen]))}`);
  } else if (stage === 'diagnosis') {
    const full = finalConstants(TME_FULL, await tuneAll());
    await bases();
    await runJobs(
      finalJobs(setting, seeds, diagnosesOf(setting), (row) =>
        row.override ? { ...full, ...row.override(full) } : full,
      ),
    );
  } else if (stage === 'untuned') {
    // The methods with no tuned constants (Joint first: the headroom numbers), which need not wait
    // for the search; `final` later finds them recorded.
    const untuned = METHODS.filter((m) => !TUNING[m.label] && m.method !== 'tme').sort(
      (a, b) => Number(b.method === 'joint') - Number(a.method === 'joint'),
    );
    await bases();
    await runJobs(finalJobs(setting, seeds, untuned, () => ({}), true));
  } else if (stage === 'final' || stage === 'ablation') {
    const tuned = await tuneAll();
    await bases();
    await runJobs(
      finalJobs(setting, seeds, stage === 'final' ? METHODS : ABLATIONS, (spec) =>
        finalConstants(spec.label, tuned),
      ),
    );
  } else throw new Error(`unknown stage ${stage}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [stage, setting, ...rest] = process.argv.slice(2);
  if (stage === 'job') runJob(JSON.parse(setting!) as Job);
  else await runStage(stage!, setting!, rest.length ? rest.map(Number) : undefined);
}
