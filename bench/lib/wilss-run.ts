/**
 * One (setting, seed) of the WILSS benchmark: base model, every method's incremental steps,
 * test metrics and mechanism metrics. Runs in a child process (bench/lib/wilss-worker.ts).
 */
import {
  buildIncrementalData,
  type DataSizes,
  evaluate,
  type Mechanism,
  type MiouSummary,
  predict,
  SETTINGS,
  type Segmenter,
  type StepMethod,
  type TmeOptions,
  trainBase,
  trainJoint,
  trainStep,
} from '@numts/wilss';

/** A method row of the benchmark. */
export interface MethodRow {
  label: string;
  method: StepMethod | 'joint';
  tme?: TmeOptions;
}

/** The rows of spec §D.4 (TME-lite ablation rows included). */
export const ALL_METHODS: MethodRow[] = [
  { label: 'FT-pixel', method: 'ft-pixel' },
  { label: 'FT-weak', method: 'ft-weak' },
  { label: 'CAM+old', method: 'cam-old' },
  { label: 'WILSON', method: 'wilson' },
  { label: 'TME-lite PF', method: 'tme', tme: { fusion: true } },
  { label: 'TME-lite pixel', method: 'tme', tme: { pixel: true } },
  { label: 'TME-lite OB', method: 'tme', tme: { object: true } },
  { label: 'TME-lite pixel+PF', method: 'tme', tme: { pixel: true, fusion: true } },
  { label: 'TME-lite OB+PF (full)', method: 'tme', tme: { object: true, fusion: true } },
  { label: 'Joint', method: 'joint' },
];

/** A job: one setting and seed, with the rows to run. */
export interface WilssJob {
  setting: string;
  seed: number;
  sizes: DataSizes;
  baseEpochs: number;
  stepEpochs: number;
  methods: string[];
  /** Test images whose predictions are returned for the figure. */
  showImages: number;
}

/** Results of a job. */
export interface WilssResult {
  setting: string;
  seed: number;
  base: MiouSummary;
  rows: { label: string; test: MiouSummary; mechanism: (Mechanism | null)[]; seconds: number }[];
  /** Test images, GT and per-method predictions for the figure (first `showImages`). */
  show: { images: number[]; gt: number[]; preds: Record<string, number[]> };
}

/** Runs a job (base training, then each method over every step of the setting). */
export function runWilssJob(job: WilssJob, log: (s: string) => void = () => {}): WilssResult {
  const setting = SETTINGS[job.setting]!;
  const data = buildIncrementalData(setting, job.sizes, 1000 + job.seed);
  const kBase = setting.steps[0]!.length + 1;
  const kAll = data.order.length + 1;
  const oldCount = setting.steps[0]!.length;
  let t0 = Date.now();
  const base = trainBase(data.base, kBase, { epochs: job.baseEpochs, seed: job.seed });
  const baseOnly = { ...data.test, masks: Uint8Array.from(data.test.masks, (v) => (v < kBase ? v : 0)) };
  const baseSummary = evaluate(base, baseOnly, oldCount);
  log(
    `${job.setting} seed ${job.seed}: base ${((Date.now() - t0) / 1000).toFixed(0)} s, old mIoU ${(100 * baseSummary.old).toFixed(1)}`,
  );
  const rows: WilssResult['rows'] = [];
  const n = Math.min(job.showImages, data.test.n);
  const show: WilssResult['show'] = {
    images: Array.from(data.test.images.subarray(0, n * 3072), (v) => Math.round(v * 255)),
    gt: Array.from(data.test.masks.subarray(0, n * 1024)),
    preds: {},
  };
  for (const row of ALL_METHODS.filter((m) => job.methods.includes(m.label))) {
    t0 = Date.now();
    let model: Segmenter;
    const mech: (Mechanism | null)[] = [];
    if (row.method === 'joint')
      model = trainJoint(base, [data.base, ...data.steps], kAll, { epochs: job.stepEpochs, seed: job.seed });
    else {
      model = base;
      let k = kBase;
      data.steps.forEach((set, t) => {
        k += setting.steps[t + 1]!.length;
        const r = trainStep(model, set, k, {
          method: row.method as StepMethod,
          epochs: job.stepEpochs,
          seed: job.seed,
          tme: row.tme,
        });
        model = r.model;
        mech.push(r.mechanism);
      });
    }
    const test = evaluate(model, data.test, oldCount);
    const seconds = (Date.now() - t0) / 1000;
    rows.push({ label: row.label, test, mechanism: mech, seconds });
    show.preds[row.label] = Array.from(predict(model, { ...data.test, n }).subarray(0, n * 1024));
    log(
      `${job.setting} seed ${job.seed}: ${row.label} old ${(100 * test.old).toFixed(1)} new ${(100 * test.new).toFixed(1)} all ${(100 * test.all).toFixed(1)} (${seconds.toFixed(0)} s)`,
    );
  }
  return { setting: job.setting, seed: job.seed, base: baseSummary, rows, show };
}
