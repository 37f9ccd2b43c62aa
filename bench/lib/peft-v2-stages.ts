/**
 * The PEFT v2 stages on test beds V and T (plan: peft-v2-plan.ts): per method, task and rank, the learning
 * rate chosen on validation images by the mean of the selection seeds (half-decade grid extended
 * until interior, grid-search.ts), then the final seeds on the test images; every run appended to
 * the runs file and skipped when present, so the stages resume where they stopped.
 *
 * `node --conditions=@numts/source --import tsx bench/lib/peft-v2-stages.ts <select|final> [--smoke|--small]`
 */
import type { AdapterConfig, MpcOptions } from '@numts/peft';
import { coordinateSearch, type SearchTrace } from './grid-search.js';
import { runInChildren, serveJobs } from './job-pool.js';
import { FULL_SIZES, pretrained as pretrainedCnn, runJob as runCnnJob, SMOKE_SIZES } from './peft-tasks.js';
import {
  ATTENTION_TARGETS,
  BUDGETS,
  EQUAL_LR_REFERENCE,
  EQUAL_LR_SEEDS,
  EXPLANATIONS,
  FINAL_SEEDS,
  LR_SEARCH,
  MAIN_RANK,
  PLATEAU,
  RANKS,
  RANKS_T,
  SECONDARY_TASKS_V,
  SELECTION_SEEDS,
  TASK_STEPS,
  TASKS,
} from './peft-v2-plan.js';
import { fineTuneT, taskDataT } from './peft-v2-run-t.js';
import { fineTune, type RunSpec, taskData } from './peft-v2-run-v.js';
import { pretrainedT, type TaskT } from './peft-v2-testbed-t.js';
import { PEFT_RUNS_FILE, pretrainedV } from './peft-v2-testbed-v.js';
import { appendRun, readRunsFile } from './runs-file.js';

/** The smoke tier's steps and batch (every bed). */
const SMOKE_BUDGET = { steps: 6, batch: 8 };

/**
 * Steps and batch of a run: its bed's budget, or its task's where registration 7 doubled it (the
 * plateau check: `PLATEAU.factor` times the steps; the steps explanation: its factor).
 */
export function budgetOf(j: Pick<JobV, 'bed' | 'task' | 'kind' | 'smoke' | 'variant'>): {
  steps: number;
  batch: number;
} {
  const b = j.smoke ? SMOKE_BUDGET : { ...BUDGETS[j.bed], steps: TASK_STEPS[j.task] ?? BUDGETS[j.bed].steps };
  const factor =
    j.kind === 'plateau' ? PLATEAU.factor : j.kind === 'explain' && j.variant === 'steps' ? STEPS_FACTOR : 1;
  return { steps: factor * b.steps, batch: b.batch };
}

const STEPS_FACTOR = EXPLANATIONS.find((e) => e.id === 'steps')!.stepsFactor;

/** A method row: how to build its run at rank r. */
export interface MethodV {
  label: string;
  /** The adapter config (rank r; `steps`: the run's steps), or a baseline. */
  make: (r: number, steps: number) => RunSpec['method'];
  mpc?: MpcOptions;
  /** Ranks it runs at (LoRA and LoRA-Dash every rank of the plan; the rest the main rank). */
  ranks: readonly number[];
  /** The tasks it runs on (default: every task of its bed). */
  tasks?: readonly string[];
}

const lora = (r: number) => ({ method: 'lora' as const, rank: r, alpha: r });
/** Pre-launch steps of LoRA-Dash: 3 % of the steps (spec: 2–5 %), s = 4 directions. */
const dash = (r: number, steps: number, selection: 'tsd' | 'random' = 'tsd') => ({
  method: 'lora-dash' as const,
  rank: r,
  alpha: r,
  dashDirections: 4,
  preLaunchSteps: Math.max(1, Math.round(0.03 * steps)),
  dashSelection: selection,
});

/** FLoRA-conv core ranks [r_in, r_out, 2, 2] matching LoRA-conv's parameters at rank r within ±10 % (spec §D.2). */
const CONV_BUDGETS: Record<number, [number, number, number, number]> = {
  2: [5, 5, 2, 2],
  4: [8, 9, 2, 2],
  8: [11, 16, 2, 2],
};

/** The conv track's rows (v1's CNN and data; adapters on conv2). */
export const METHODS_CNN: MethodV[] = [
  { label: 'LoRA-conv', make: (r) => ({ method: 'lora', rank: r, alpha: 2 * r }), ranks: [2, 4, 8] },
  {
    label: 'FLoRA-conv',
    make: (r) => ({ method: 'flora', floraRanks: CONV_BUDGETS[r]!, floraScale: 2 }),
    ranks: [2, 4, 8],
  },
];

const secondary = { ranks: [MAIN_RANK], tasks: SECONDARY_TASKS_V } as const;

export const METHODS_V: MethodV[] = [
  { label: 'LoRA', make: lora, ranks: RANKS },
  { label: 'LoRA-Dash', make: (r, steps) => dash(r, steps), ranks: RANKS },
  { label: 'LoRA-Dash (random directions)', make: (r, steps) => dash(r, steps, 'random'), ...secondary },
  {
    label: 'DoRA',
    make: (r) => ({ method: 'dora', rank: r, alpha: r }),
    ranks: [1, 2],
    tasks: SECONDARY_TASKS_V,
  },
  { label: 'PiSSA', make: (r) => ({ method: 'pissa', rank: r, alpha: r }), ...secondary },
  { label: 'TriLoRA', make: (r) => ({ method: 'trilora', rank: r, alpha: r }), ...secondary },
  { label: 'MoSLoRA', make: (r) => ({ method: 'moslora', rank: r, alpha: r }), ...secondary },
  { label: 'FLoRA', make: (r) => ({ method: 'flora', rank: r, alpha: r }), ...secondary },
  { label: 'LoRA+MPCo', make: lora, mpc: { kind: 'orthogonal', lambda: 0.1 }, ...secondary },
  { label: 'SSL', make: () => ({ method: 'ssl' }), ...secondary },
  { label: 'SSB', make: () => ({ method: 'ssb' }), ...secondary },
  { label: '(IA)³', make: () => ({ method: 'ia3' }), ...secondary },
  { label: 'SAM-PARSER', make: () => ({ method: 'sam-parser' }), ...secondary },
  { label: 'full fine-tuning', make: () => 'full-ft', ranks: [MAIN_RANK] },
  { label: 'head only', make: () => 'head-only', ranks: [MAIN_RANK] },
];

/** One run of the stages. */
export interface JobV {
  /**
   * select: validation images; final: test images; plateau: the plateau check (validation, longer,
   * with a curve); explain: an explanation experiment of a claim not held (test images, `variant`).
   */
  kind: 'select' | 'final' | 'plateau' | 'explain';
  /** The change of an explanation experiment (kind `explain`): twice the steps, or attention-only adapters. */
  variant?: 'steps' | 'placement' | undefined;
  /** Test bed: V (ViT, every method), T (decoder LM, LoRA and LoRA-Dash for claim 1T) or CNN (conv track, claim 7). */
  bed: 'V' | 'T' | 'CNN';
  task: string;
  label: string;
  rank: number;
  lr: number;
  seed: number;
  smoke: boolean;
}

/** A recorded run. */
export interface RecordV extends JobV {
  key: string;
  accuracy: number;
  /** Plateau runs: validation accuracy at every tenth of the steps. */
  curve?: number[];
  losses: number[];
  trainable: number;
  seconds: number;
}

/** The key of a run: everything that determines it, the step budget included. */
export const keyOf = (j: JobV) => {
  const b = budgetOf(j);
  const variant = j.kind === 'explain' ? `/${j.variant}` : '';
  return `${j.kind}/${j.bed}/${j.task}/${j.label}/r${j.rank}/lr${j.lr}/s${j.seed}/${b.steps}x${b.batch}${variant}${j.smoke ? '/smoke' : ''}`;
};

/** The recorded runs of V (latest per key). */
export function readRunsV(file = PEFT_RUNS_FILE): Map<string, RecordV> {
  return readRunsFile<RecordV>(
    file,
    (r) => r.kind === 'select' || r.kind === 'final' || r.kind === 'plateau' || r.kind === 'explain',
  );
}

/** Runs one job in this process and records it. */
function runJob(j: JobV): void {
  const budget = budgetOf(j);
  const evalOn = j.kind === 'final' || j.kind === 'explain' ? 'test' : 'val';
  const targets = j.variant === 'placement' && j.bed !== 'CNN' ? ATTENTION_TARGETS[j.bed] : undefined;
  const curvePoints = j.kind === 'plateau' ? PLATEAU.points : undefined;
  if (j.bed === 'CNN') {
    const sizes = j.smoke ? SMOKE_SIZES : FULL_SIZES;
    const r = runCnnJob({
      id: 0,
      track: 'C',
      task: j.task as 'B1' | 'B2',
      label: j.label,
      config: {
        ...(METHODS_CNN.find((x) => x.label === j.label)!.make(j.rank, budget.steps) as Omit<
          AdapterConfig,
          'targetModules'
        >),
        targetModules: ['conv2'],
      },
      rank: j.rank,
      lr: j.lr,
      seed: j.seed,
      steps: budget.steps,
      batch: budget.batch,
      evalOn,
      weightsFile: pretrainedCnn('C', sizes, () => {}),
      sizes,
    });
    const record: RecordV = {
      ...j,
      key: keyOf(j),
      accuracy: r.accuracy,
      losses: r.losses,
      trainable: r.trainable,
      seconds: r.seconds,
    };
    appendRun(PEFT_RUNS_FILE, record);
    return;
  }
  const m = METHODS_V.find((x) => x.label === j.label)!;
  const out =
    j.bed === 'V'
      ? fineTune(
          {
            task: j.task,
            method: m.make(j.rank, budget.steps),
            mpc: m.mpc,
            lr: j.lr,
            seed: j.seed,
            ...budget,
            evalOn,
            curvePoints,
            targets,
          },
          pretrainedV({ smoke: j.smoke }).dir,
          taskData(j.task, j.smoke),
        )
      : fineTuneT(
          {
            method: m.make(j.rank, budget.steps) as Exclude<RunSpec['method'], string>,
            lr: j.lr,
            seed: j.seed,
            ...budget,
            evalOn,
            curvePoints,
            targets,
          },
          pretrainedT({ smoke: j.smoke }).dir,
          taskDataT(j.task as TaskT, j.smoke),
        );
  const record: RecordV = { ...j, key: keyOf(j), ...out };
  appendRun(PEFT_RUNS_FILE, record);
  console.error(
    `${j.kind}${j.variant ? ` (${j.variant})` : ''} ${j.bed} ${j.task} ${j.label} r${j.rank} lr ${j.lr} seed ${j.seed}: ${(100 * out.accuracy).toFixed(2)} % (${out.seconds.toFixed(0)} s)`,
  );
}

const SELF = new URL(import.meta.url).pathname;
const WORKERS = Number(process.env.NUMTS_PEFT_WORKERS ?? 2);

/**
 * Runs the jobs not yet recorded: in long-lived child processes (each loads the modules, data sets
 * and checkpoints once), or (smoke tier) in this one, where starting a process would cost more
 * than the run.
 */
export async function runPending(jobs: JobV[]): Promise<void> {
  const done = readRunsV();
  const pending = jobs.filter((j) => !done.has(keyOf(j)));
  if (pending.every((j) => j.smoke)) for (const j of pending) runJob(j);
  else await runInChildren(pending, SELF, WORKERS, { reuse: true });
}

/** The learning rate of a method on a task at a rank, chosen on validation images (runs what is missing). */
export async function selectLr(
  bed: 'V' | 'T' | 'CNN',
  task: string,
  label: string,
  rank: number,
  smoke: boolean,
): Promise<{ lr: number; trace: SearchTrace<'lr'> }> {
  const seeds = smoke ? SELECTION_SEEDS.slice(0, 1) : SELECTION_SEEDS;
  const { chosen, searched } = await coordinateSearch(
    [{ ...LR_SEARCH.constant, grid: [...LR_SEARCH.constant.grid] }],
    async ({ lr }) => {
      const jobs = seeds.map((seed) => ({
        kind: 'select' as const,
        bed,
        task,
        label,
        rank,
        lr,
        seed,
        smoke,
      }));
      await runPending(jobs);
      const runs = readRunsV();
      return jobs.reduce((a, j) => a + runs.get(keyOf(j))!.accuracy, 0) / jobs.length;
    },
    { maxExtensions: LR_SEARCH.maxExtensions },
  );
  return { lr: chosen.lr, trace: searched[0]! };
}

/**
 * Every (bed, task, method, rank) of the plan: every method on V; LoRA and LoRA-Dash on T; the conv pair on CNN.
 * `small`: the first cells of the full plan only — LoRA and LoRA-Dash at the main rank on the first
 * task of V (the `--small` tier; its runs are the full tier's runs, reused by it).
 */
export function cells(
  smoke: boolean,
  small = false,
): { bed: 'V' | 'T' | 'CNN'; task: string; label: string; rank: number }[] {
  if (small)
    return cells(false).filter(
      (c) =>
        c.bed === 'V' &&
        c.task === TASKS[c.bed][0].id &&
        (c.label === 'LoRA' || c.label === 'LoRA-Dash') &&
        c.rank === MAIN_RANK,
    );
  const pick = (bed: 'V' | 'T' | 'CNN', tasks: readonly { id: string }[], methods: MethodV[]) =>
    (smoke ? tasks.slice(0, 1) : tasks).flatMap((t) =>
      methods
        .filter((m) => smoke || !m.tasks || m.tasks.includes(t.id))
        .flatMap((m) =>
          (smoke ? [m.ranks.includes(MAIN_RANK) ? MAIN_RANK : m.ranks[0]!] : m.ranks).map((rank) => ({
            bed,
            task: t.id,
            label: m.label,
            rank,
          })),
        ),
    );
  const loraDash = METHODS_V.filter((m) => m.label === 'LoRA' || m.label === 'LoRA-Dash');
  return [
    ...pick('V', TASKS.V, smoke ? loraDash : METHODS_V),
    ...pick(
      'T',
      TASKS.T,
      loraDash.map((m) => ({ ...m, ranks: RANKS_T })),
    ),
    ...pick('CNN', TASKS.CNN, METHODS_CNN),
  ];
}

/** What the plateau check of a cell says (registration 7). */
export interface PlateauCheck {
  /** Mean validation accuracy of the selection seeds at the cell's steps, and at PLATEAU.factor times them. */
  base: number;
  long: number;
  /** long − base in points, rounded to 1e-6 points. */
  gain: number;
  /** The longer runs' mean validation curve at every tenth of their steps. */
  curve: number[];
  /**
   * `on`: the gain is at most PLATEAU.maxGain; `double`: more, and the task may still double its
   * steps; `capped`: more, but the task is at its last doubling, so its budget stays.
   */
  verdict: 'on' | 'double' | 'capped';
}

/**
 * The plateau check of a cell (LoRA at the main rank and its chosen rate: the selection seeds at
 * the cell's steps against PLATEAU.factor times as many), or null while a run is missing.
 */
export function plateauCheck(
  c: Pick<JobV, 'bed' | 'task' | 'label' | 'rank' | 'lr'>,
  selectionSeeds: readonly number[],
  smoke: boolean,
  runs: Map<string, RecordV> = readRunsV(),
): PlateauCheck | null {
  const at = (kind: 'select' | 'plateau') =>
    selectionSeeds.map((seed) => runs.get(keyOf({ ...c, kind, seed, smoke })));
  const baseRuns = at('select');
  const longRuns = at('plateau');
  if ([...baseRuns, ...longRuns].some((x) => x === undefined)) return null;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = mean(baseRuns.map((x) => x!.accuracy));
  const long = mean(longRuns.map((x) => x!.accuracy));
  // Rounded to 1e-6 points: accuracies are counts of images, and a gain of exactly one point
  // (20 of 2 × 1 000 images) must not read as 1.0000000000000009, "more than a point".
  const gain = Math.round(1e8 * (long - base)) / 1e6;
  const curve = (longRuns[0]!.curve ?? []).map((_, i) => mean(longRuns.map((x) => x!.curve![i]!)));
  const doublings = Math.log2(budgetOf({ kind: 'select', ...c, smoke }).steps / BUDGETS[c.bed].steps);
  const verdict = gain <= PLATEAU.maxGain ? 'on' : doublings < PLATEAU.maxDoublings ? 'double' : 'capped';
  return { base, long, gain, curve, verdict };
}

/**
 * Stage `select`: the learning-rate selection of every cell. Stage `final`: cell by cell, its
 * selection and at once its final seeds at the chosen rate, its equal-LR runs at the rate LoRA
 * chose for the same bed, task and rank (LoRA's cells come first), and for LoRA at the main rank
 * the plateau check — so the claims fill in as cells finish rather than after every selection.
 */
export async function runStagesV(stage: 'select' | 'final', smoke: boolean, small = false): Promise<void> {
  const seeds = smoke ? FINAL_SEEDS.slice(0, 1) : FINAL_SEEDS;
  const equalSeeds = smoke ? seeds : EQUAL_LR_SEEDS;
  const selectionSeeds = smoke ? SELECTION_SEEDS.slice(0, 1) : SELECTION_SEEDS;
  const chosen: { bed: 'V' | 'T' | 'CNN'; task: string; label: string; rank: number; lr: number }[] = [];
  /** Tasks whose plateau check failed (registration 7): none of their further runs is started. */
  const offPlateau = new Set<string>();
  // Tasks at the bed's budget first, then those registration 7 doubled, once before twice (each run
  // costing two or four times as much), so the cheaper claims fill in first; the order changes no run.
  const stepsFactor = (c: { bed: 'V' | 'T' | 'CNN'; task: string }) =>
    (TASK_STEPS[c.task] ?? BUDGETS[c.bed].steps) / BUDGETS[c.bed].steps;
  const ordered = cells(smoke, small).sort((a, b) => stepsFactor(a) - stepsFactor(b));
  for (const cell of ordered) {
    if (offPlateau.has(`${cell.bed}/${cell.task}`)) continue;
    const c = { ...cell, lr: (await selectLr(cell.bed, cell.task, cell.label, cell.rank, smoke)).lr };
    chosen.push(c);
    if (stage === 'select') continue;
    const loraLr = chosen.find(
      (x) => x.label === EQUAL_LR_REFERENCE && x.bed === c.bed && x.task === c.task && x.rank === c.rank,
    )?.lr;
    if (c.bed !== 'CNN' && c.label === PLATEAU.label && c.rank === MAIN_RANK) {
      // The plateau check first: a task off its plateau trains at twice the steps (registration 7),
      // so its final runs at this budget would count nowhere.
      await runPending(selectionSeeds.map((seed) => ({ kind: 'plateau' as const, ...c, seed, smoke })));
      const check = plateauCheck(c, selectionSeeds, smoke);
      if (!smoke && check?.verdict === 'double') {
        console.error(
          `registration 7: ${c.bed}/${c.task} gains ${check.gain.toFixed(2)} points at ${PLATEAU.factor}× ${budgetOf({ kind: 'select', ...c, smoke }).steps} steps (more than ${PLATEAU.maxGain}); double TASK_STEPS['${c.task}'] in peft-v2-plan.ts — its other runs are not started`,
        );
        offPlateau.add(`${c.bed}/${c.task}`);
        continue;
      }
    }
    await runPending([
      ...seeds.map((seed) => ({ kind: 'final' as const, ...c, seed, smoke })),
      // The equal-LR table (the same run when a method chose LoRA's rate itself).
      ...(loraLr === undefined || loraLr === c.lr
        ? []
        : equalSeeds.map((seed) => ({ kind: 'final' as const, ...c, lr: loraLr, seed, smoke }))),
    ]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [stage, arg] = process.argv.slice(2);
  if (stage === 'job') runJob(JSON.parse(arg!) as JobV);
  else if (stage === 'worker') serveJobs((j) => runJob(j as JobV));
  else if (stage === 'select' || stage === 'final')
    await runStagesV(stage, process.argv.includes('--smoke'), process.argv.includes('--small'));
  else throw new Error(`unknown stage ${stage}`);
}
