/**
 * The messages between the page and its compute worker. The page sends one job at a time; the
 * worker answers with progress, streamed fold results, and one result or one error. Cancelling a
 * job terminates the worker (the page starts a new one), so no job needs to poll for it.
 *
 * @module
 */
import type { ModuleInspectionJson } from '@numts/peft';

/** A file as the page hands it over: its path inside a dropped folder (or its name) and the File. */
export interface InputFile {
  path: string;
  file: File;
}

/** What the worker is asked to do. */
export type JobRequest =
  | { kind: 'verify'; files: InputFile[] }
  | {
      kind: 'learn';
      files: InputFile[];
      method: string;
      options: Record<string, string>;
      folds: number;
      seed: number;
    }
  | { kind: 'fit'; files: InputFile[]; method: string; options: Record<string, string> }
  | { kind: 'inspect'; files: InputFile[]; directions: number }
  | { kind: 'describe'; files: InputFile[] };

/** One check of a verification: a scaled ratio (with its threshold) or a structural check. */
export interface VerifyCheck {
  name: string;
  /** The ratio's value; undefined for a yes/no check. */
  value?: number;
  pass: boolean;
}

/** The outcome of a verification job. */
export interface VerifyResult {
  job: 'verify';
  factorization: 'svd' | 'qr' | 'eigh';
  /** Whether the factors came from the files or were computed by numts. */
  source: 'files' | 'computed';
  /** Which file held each array. */
  arrays: Record<string, string>;
  shape: [number, number];
  ok: boolean;
  threshold: number;
  checks: VerifyCheck[];
  /** Singular values, or the eigenvalues' magnitudes, largest first. */
  spectrum: number[];
  spectrumLabel: string;
  /** |FᵀF − I| of the orthogonal factor F, in units of ε, max-pooled to at most 160×160. */
  heat: { title: string; size: number; pooled: number; values: Float32Array };
  /** Milliseconds from the job's start to the result (reading, factorizing, verifying). */
  millis: number;
}

/** The data set a learn job found, before any fitting. */
export interface DatasetSummary {
  job: 'describe';
  task: 'pll' | 'multilabel';
  rows: number;
  features: number;
  labels: number;
  labelNames: string[];
  /** The learners that apply, by name, each with its option schema. */
  methods: {
    name: string;
    title: string;
    options: Record<string, 'number' | 'integer' | readonly string[]>;
  }[];
  defaultFolds: number;
}

/** One finished fold of a learn job. */
export interface FoldMessage {
  type: 'fold';
  index: number;
  folds: number;
  /** Accuracy (PLL) or the five multi-label metrics. */
  metrics: Record<string, number>;
}

/** The outcome of a learn job. */
export interface LearnResult {
  job: 'learn';
  task: 'pll' | 'multilabel';
  method: string;
  folds: number;
  seed: number;
  perFold: Record<string, number>[];
  mean: Record<string, number>;
  std: Record<string, number>;
  labelNames: string[];
  /** PLL: counts of (true label, predicted label) over every test row. */
  confusion?: number[][];
  /** Multi-label: precision, recall, F1 and support of each label over every test row. */
  perLabel?: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
}

/** A model fitted on every row, as a JSON text to download. */
export interface FitResult {
  job: 'fit';
  fileName: string;
  json: string;
}

/** One adapted module of an inspect job: `numts peft inspect --json`'s record. */
export type InspectedModule = { adapter: string } & ModuleInspectionJson;

/** The outcome of an inspect job. */
export interface InspectResult {
  job: 'inspect';
  adapters: string[];
  base?: string;
  modules: InspectedModule[];
}

export type JobResult = VerifyResult | DatasetSummary | LearnResult | FitResult | InspectResult;

/** What the worker posts back. */
export type WorkerMessage =
  | { type: 'progress'; fraction: number; text: string }
  | FoldMessage
  | { type: 'result'; result: JobResult }
  | { type: 'error'; file?: string; message: string; expected?: string };
