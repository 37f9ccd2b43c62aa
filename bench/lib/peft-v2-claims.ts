/**
 * The PEFT v2 claims decided from the recorded runs alone, and the explanation experiments of a
 * claim not held (plan: peft-v2-plan.ts, registration 3). The page reports both; the suite runs
 * the explanation jobs that the verdicts call for. Nothing here trains.
 */
import { coordinateSearch } from './grid-search.js';
import { decide, type Paired, paired, type Verdict } from './paired.js';
import {
  type Claim,
  EXPLAIN_SEEDS,
  EXPLANATIONS,
  type ExplanationId,
  explainRanks,
  LR_SEARCH,
  SELECTION_SEEDS,
  TASKS,
} from './peft-v2-plan.js';
import { cells, type JobV, keyOf, type RecordV } from './peft-v2-stages.js';

type Bed = 'V' | 'T' | 'CNN';

/** A cell's learning-rate search as the recorded selection runs take it. */
export interface ChosenRate {
  lr: number;
  interior: boolean;
  values: number[];
  scores: number[];
}

/** The key of a (bed, task, method, rank) cell in {@link chosenRates}. */
export const cellKey = (c: { bed: string; task: string; label: string; rank: number }) =>
  `${c.bed}/${c.task}/${c.label}/${c.rank}`;

/** The learning rate a cell's recorded selection runs choose (null while runs are missing). */
export async function chosenRate(
  runs: Map<string, RecordV>,
  c: { bed: Bed; task: string; label: string; rank: number },
  smoke: boolean,
): Promise<ChosenRate | null> {
  const seeds = smoke ? SELECTION_SEEDS.slice(0, 1) : SELECTION_SEEDS;
  const { searched, complete } = await coordinateSearch(
    [{ ...LR_SEARCH.constant, grid: [...LR_SEARCH.constant.grid] }],
    async ({ lr }) => {
      const accs = seeds.map((seed) => runs.get(keyOf({ kind: 'select', ...c, lr, seed, smoke }))?.accuracy);
      if (accs.some((a) => a === undefined)) return null;
      return (accs as number[]).reduce((a, b) => a + b, 0) / accs.length;
    },
    { maxExtensions: LR_SEARCH.maxExtensions },
  );
  if (!complete) return null;
  const t = searched[0]!;
  return { lr: t.chosen, interior: t.interior, values: t.values, scores: t.scores };
}

/** Every cell's chosen rate (cells still missing selection runs are absent), keyed by {@link cellKey}. */
export async function chosenRates(
  runs: Map<string, RecordV>,
  smoke: boolean,
): Promise<Map<string, ChosenRate>> {
  const out = new Map<string, ChosenRate>();
  for (const c of cells(smoke)) {
    const r = await chosenRate(runs, c, smoke);
    if (r) out.set(cellKey(c), r);
  }
  return out;
}

/** A claim decided on a set of seeds: the per-seed differences, their interval and the verdict. */
export interface ClaimOutcome {
  perSeed: number[];
  p: Paired;
  complete: boolean;
  verdict: Verdict;
}

/**
 * The claim's comparison as run: `tuned` — each method at its own chosen rate (the claim's
 * verdict); an explanation id — the comparison with that one change (registration 3).
 */
export type Comparison = 'tuned' | ExplanationId;

/** The runs of method `label` that a comparison reads for one task, rank and seed (null: no chosen rate yet). */
function jobOf(
  claim: Claim,
  comparison: Comparison,
  side: 'a' | 'b',
  task: string,
  rank: number,
  seed: number,
  chosen: Map<string, ChosenRate>,
  smoke: boolean,
): JobV | null {
  const bed = claim.bed as Bed;
  const label = side === 'a' ? claim.a : claim.b;
  const own = chosen.get(cellKey({ bed, task, label, rank }));
  const other = chosen.get(cellKey({ bed, task, label: claim.b, rank }));
  if (!own || !other) return null;
  const base = { bed, task, label, rank, seed, smoke };
  if (comparison === 'tuned') return { kind: 'final', ...base, lr: own.lr };
  // The rate change: A at B's rate, B as tuned (an equal-LR run when B is LoRA).
  if (comparison === 'rate') return { kind: 'final', ...base, lr: other.lr };
  return { kind: 'explain', variant: comparison, ...base, lr: own.lr };
}

/** The tasks, ranks and seeds of a comparison (`seeds`: the final seeds of the tier). */
function scopeOf(claim: Claim, comparison: Comparison, seeds: readonly number[], smoke: boolean) {
  const tasks = claim.tasks ?? TASKS[claim.bed as Bed].map((t) => t.id);
  return comparison === 'tuned'
    ? { tasks, ranks: claim.ranks, seeds }
    : { tasks, ranks: explainRanks(claim), seeds: smoke ? EXPLAIN_SEEDS.slice(0, 1) : EXPLAIN_SEEDS };
}

/**
 * Decides a claim (not the teacher's) from the runs: per seed, A − B averaged over its tasks and
 * ranks (accuracy points, or the training loss over the first tenth of the steps), then the
 * claim's rule and margin on the paired interval. Missing runs give `incomplete`.
 */
export function decideClaim(
  claim: Claim,
  runs: Map<string, RecordV>,
  chosen: Map<string, ChosenRate>,
  options: { comparison: Comparison; seeds: readonly number[]; smoke: boolean },
): ClaimOutcome {
  const { tasks, ranks, seeds } = scopeOf(claim, options.comparison, options.seeds, options.smoke);
  const perSeed: number[] = [];
  for (const seed of seeds) {
    const diffs: number[] = [];
    for (const task of tasks)
      for (const rank of ranks) {
        const get = (side: 'a' | 'b') => {
          const j = jobOf(claim, options.comparison, side, task, rank, seed, chosen, options.smoke);
          return j ? runs.get(keyOf(j)) : undefined;
        };
        const a = get('a');
        const b = get('b');
        if (!a || !b) continue;
        diffs.push(
          claim.metric === 'accuracy'
            ? 100 * (a.accuracy - b.accuracy)
            : (a.losses[0] ?? Number.NaN) - (b.losses[0] ?? Number.NaN),
        );
      }
    if (diffs.length === tasks.length * ranks.length)
      perSeed.push(diffs.reduce((x, y) => x + y, 0) / diffs.length);
  }
  const p = paired(perSeed);
  const complete = perSeed.length === seeds.length;
  return { perSeed, p, complete, verdict: complete ? decide(p, claim.rule, claim.margin) : 'incomplete' };
}

/** The explanations that apply to a claim's bed (the teacher has none). */
export function explanationsOf(claim: Claim) {
  return EXPLANATIONS.filter((e) => (e.beds as readonly string[]).includes(claim.bed));
}

/** The runs a not-held claim's explanation experiments need (both methods; recorded ones included). */
export function explanationJobs(claim: Claim, chosen: Map<string, ChosenRate>, smoke: boolean): JobV[] {
  const jobs: JobV[] = [];
  for (const e of explanationsOf(claim)) {
    const { tasks, ranks, seeds } = scopeOf(claim, e.id, EXPLAIN_SEEDS, smoke);
    for (const task of tasks)
      for (const rank of ranks)
        for (const seed of seeds)
          for (const side of ['a', 'b'] as const) {
            const j = jobOf(claim, e.id, side, task, rank, seed, chosen, smoke);
            if (j) jobs.push(j);
          }
  }
  return jobs;
}
