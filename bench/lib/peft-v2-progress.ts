/**
 * How far the PEFT v2 plan has come: the training time the runs file records, and a lower bound on
 * the runs still missing with the time they would take at the speed the runs file shows. The page
 * prints it so that a reader (and whoever resumes `--repro`) sees what is left without guessing.
 */
import { type ChosenRate, cellKey } from './peft-v2-claims.js';
import {
  EQUAL_LR_REFERENCE,
  EQUAL_LR_SEEDS,
  FINAL_SEEDS,
  LR_GRID,
  MAIN_RANK,
  PLATEAU,
  SELECTION_SEEDS,
} from './peft-v2-plan.js';
import { budgetOf, cells, type JobV, keyOf, type RecordV } from './peft-v2-stages.js';

/** What the page reports on the plan's progress. */
export interface Progress {
  /** Runs in the runs file (every kind, every budget, latest record per key). */
  recordedRuns: number;
  /** Their training time in hours (each run's own wall time). */
  recordedHours: number;
  /** Planned runs not recorded yet — a lower bound (see {@link progressOf}). */
  missingRuns: number;
  /** The estimated hours of those missing runs that a recorded run of their bed can time. */
  missingHours: number;
  /** Missing runs of a bed without any recorded run yet (not in missingHours). */
  untimedRuns: number;
}

/** The steps a record trained for, from its key (a task's budget may have changed since). */
export function stepsOfKey(key: string): number {
  const m = /\/(\d+)x\d+(\/|$)/.exec(key);
  if (!m) throw new Error(`stepsOfKey: key must hold <steps>x<batch>, got '${key}'`);
  return Number(m[1]);
}

/**
 * Counts the missing runs of the plan: selection runs of the starting grid a cell lacks (a grid
 * that extends adds more), its final seeds at its chosen rate (all of them while the rate is not
 * chosen), its equal-LR seeds at LoRA's rate once both rates are known and differ, and LoRA's
 * plateau check at the main rank. The explanation experiments are not counted: which ones run
 * depends on verdicts still to come. A missing run is timed by the mean time per step of the
 * recorded runs of the same bed and task (of the same bed when the task has none yet).
 */
export function progressOf(
  runs: Map<string, RecordV>,
  chosen: Map<string, ChosenRate>,
  smoke: boolean,
): Progress {
  const seeds = smoke ? FINAL_SEEDS.slice(0, 1) : FINAL_SEEDS;
  const equalSeeds = smoke ? seeds : EQUAL_LR_SEEDS;
  const selectionSeeds = smoke ? SELECTION_SEEDS.slice(0, 1) : SELECTION_SEEDS;
  const recorded = [...runs.values()].filter((r) => r.smoke === smoke);
  const perStep = (match: (r: RecordV) => boolean) => {
    const rs = recorded.filter(match);
    if (!rs.length) return null;
    return rs.reduce((a, r) => a + r.seconds, 0) / rs.reduce((a, r) => a + stepsOfKey(r.key), 0);
  };
  const missing: JobV[] = [];
  for (const c of cells(smoke)) {
    const want = (kind: JobV['kind'], lr: number, ss: readonly number[]) => {
      for (const seed of ss) {
        const j: JobV = { kind, ...c, lr, seed, smoke };
        if (!runs.has(keyOf(j))) missing.push(j);
      }
    };
    const r = chosen.get(cellKey(c));
    if (!r) {
      for (const lr of LR_GRID) want('select', lr, selectionSeeds);
      // The finals' rate is not known yet: any rate stands for it in the count.
      for (const seed of seeds) missing.push({ kind: 'final', ...c, lr: Number.NaN, seed, smoke });
      continue;
    }
    want('final', r.lr, seeds);
    const loraLr = chosen.get(cellKey({ ...c, label: EQUAL_LR_REFERENCE }))?.lr;
    if (loraLr !== undefined && loraLr !== r.lr) want('final', loraLr, equalSeeds);
    if (c.bed !== 'CNN' && c.label === PLATEAU.label && c.rank === MAIN_RANK)
      want('plateau', r.lr, selectionSeeds);
  }
  let missingSeconds = 0;
  let untimedRuns = 0;
  for (const j of missing) {
    const rate =
      perStep((r) => r.bed === j.bed && r.task === j.task) ??
      perStep((r) => r.bed === j.bed && r.kind !== 'explain');
    if (rate === null) untimedRuns++;
    else missingSeconds += rate * budgetOf(j).steps;
  }
  return {
    recordedRuns: recorded.length,
    recordedHours: recorded.reduce((a, r) => a + r.seconds, 0) / 3600,
    missingRuns: missing.length,
    missingHours: missingSeconds / 3600,
    untimedRuns,
  };
}
