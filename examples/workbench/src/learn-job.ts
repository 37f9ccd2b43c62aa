/**
 * The Learn screen's jobs: read a partial-label MAT-file or a MULAN data set (ARFF + XML), list
 * the learners that apply, cross-validate one of them with its folds streamed to the page, and fit
 * it on every row for download.
 *
 * @module
 */
import {
  DomainError,
  type Matrix,
  type OptionSchema,
  parseOptionValue,
  standardizeColumns,
} from '@numts/core';
import { loadMulan, loadPllMat } from '@numts/io';
import { crossValidateMultiLabel, MULTILABEL_METHODS, perLabelMetrics } from '@numts/multilabel';
import { crossValidatePll, PLL_METHODS } from '@numts/pll';
import { InputProblem, parsing } from './input-problem.js';
import type { DatasetSummary, FitResult, FoldMessage, InputFile, LearnResult } from './protocol.js';
import { extension, type ReadProgress, readAll } from './read-files.js';

const DATASET_HINT =
  'a partial-label MAT-file (variables data, partial_target, target), or a MULAN data set: the .arff file with its .xml label list';

/** A data set of either task, with the learners that apply to it. */
type Dataset =
  | { task: 'pll'; file: string; x: Matrix; candidates: Matrix; truth: Int32Array; labelNames: string[] }
  | { task: 'multilabel'; file: string; x: Matrix; y: Matrix; labelNames: string[] };

const METHODS = { pll: PLL_METHODS, multilabel: MULTILABEL_METHODS } as const;

async function loadDataset(files: InputFile[], progress: ReadProgress): Promise<Dataset> {
  const mats = files.filter((f) => extension(f.path) === 'mat');
  const arffs = files.filter((f) => extension(f.path) === 'arff');
  const xmls = files.filter((f) => extension(f.path) === 'xml');
  const other = files.filter((f) => !['mat', 'arff', 'xml'].includes(extension(f.path)));
  if (other.length)
    throw new InputProblem(other[0]!.path, 'is not a data set file this screen reads', DATASET_HINT);
  if (mats.length + arffs.length !== 1 || xmls.length > 1 || (mats.length === 1 && xmls.length > 0))
    throw new InputProblem(
      undefined,
      `expected one data set, got ${files.map((f) => f.path).join(', ') || 'no file'}`,
      DATASET_HINT,
    );
  const bytes = await readAll(files, progress, 0.05);
  if (mats.length === 1) {
    const path = mats[0]!.path;
    const expected =
      'a partial-label MAT-file with variables data (features), partial_target (candidate sets) and target (true labels)';
    const d = parsing(path, expected, () => loadPllMat(bytes.get(path)!));
    if (!d.candidates)
      throw new InputProblem(path, 'the file has no candidate matrix (partial_target)', expected);
    if (!d.truth)
      throw new InputProblem(
        path,
        'the file has no true labels (target), so accuracy cannot be measured',
        expected,
      );
    return {
      task: 'pll',
      file: path,
      x: d.x,
      candidates: d.candidates,
      truth: d.truth,
      labelNames: Array.from({ length: d.labels }, (_, i) => `label ${i + 1}`),
    };
  }
  const arff = arffs[0]!.path;
  const xml = xmls[0]?.path;
  const d = parsing(
    xml ? `${arff} with the labels of ${xml}` : arff,
    'a MULAN .arff file and the .xml file that lists its labels (or a MEKA .arff whose relation says -C q)',
    () => loadMulan(bytes.get(arff)!, xml ? bytes.get(xml) : undefined),
  );
  return { task: 'multilabel', file: arff, x: d.x, y: d.y, labelNames: d.labelNames };
}

/** What the data set is and which learners apply. */
export async function describeJob(files: InputFile[], progress: ReadProgress): Promise<DatasetSummary> {
  const d = await loadDataset(files, progress);
  return {
    job: 'describe',
    task: d.task,
    rows: d.x.rows,
    features: d.x.cols,
    labels: d.labelNames.length,
    labelNames: d.labelNames,
    methods: Object.entries(METHODS[d.task]).map(([name, m]) => ({
      name,
      title: m.title,
      options: m.options,
    })),
    defaultFolds: d.task === 'pll' ? 10 : 5,
  };
}

/** The learner's options from the form's text fields (empty = the learner's default). */
function parseOptions(
  method: string,
  schema: OptionSchema,
  text: Record<string, string>,
): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(text)) {
    if (value.trim() === '') continue;
    const kind = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (kind === undefined)
      throw new InputProblem(
        undefined,
        `${method} has no option ${key}`,
        `options of ${method}: ${Object.keys(schema).join(', ')}`,
      );
    out[key] = parsing(undefined, 'a value of the kind shown, or an empty field for the default', () =>
      parseOptionValue(key, kind, value),
    );
  }
  return out;
}

function methodOf(d: Dataset, method: string) {
  const table = METHODS[d.task] as Readonly<Record<string, { options: OptionSchema }>>;
  if (!Object.hasOwn(table, method))
    throw new InputProblem(undefined, `unknown method ${method}`, `one of ${Object.keys(table).join(', ')}`);
  return table[method]!;
}

/** A learner's refusal of the user's options or data, as a problem the page shows. */
function learnerProblem(method: string, e: unknown): never {
  if (e instanceof InputProblem) throw e;
  throw new InputProblem(
    undefined,
    `${method}: ${(e as Error).message}`,
    e instanceof DomainError ? 'options within the learner’s ranges' : 'data the learner accepts',
  );
}

/** k-fold cross-validation with every fold posted as it finishes. */
export async function learnJob(
  request: {
    files: InputFile[];
    method: string;
    options: Record<string, string>;
    folds: number;
    seed: number;
  },
  progress: ReadProgress,
  onFold: (message: FoldMessage) => void,
): Promise<LearnResult> {
  const d = await loadDataset(request.files, progress);
  const { method, folds, seed } = request;
  const options = parseOptions(method, methodOf(d, method).options, request.options);
  progress(0.05, `${method}: fold 1 of ${folds}`);
  const fold = (index: number, metrics: Record<string, number>, all: number) => {
    onFold({ type: 'fold', index, folds: all, metrics });
    progress(
      0.05 + (0.95 * (index + 1)) / all,
      index + 1 < all ? `${method}: fold ${index + 2} of ${all}` : 'done',
    );
  };
  const base = { job: 'learn' as const, task: d.task, method, folds, seed, labelNames: d.labelNames };
  try {
    if (d.task === 'pll') {
      const cv = crossValidatePll(d, {
        method,
        options,
        folds,
        seed,
        onFold: (i, r, all) => fold(i, { accuracy: r.accuracy }, all),
      });
      const q = d.labelNames.length;
      const confusion = Array.from({ length: q }, () => new Array<number>(q).fill(0));
      for (const f of cv.folds)
        for (const [i, row] of f.test.entries()) confusion[d.truth[row]!]![f.predicted[i]!]!++;
      return {
        ...base,
        perFold: cv.folds.map((f) => ({ accuracy: f.accuracy })),
        mean: { accuracy: cv.mean },
        std: { accuracy: cv.std },
        confusion,
      };
    }
    const cv = crossValidateMultiLabel(d, {
      method,
      options,
      folds,
      seed,
      onFold: (i, m, all) => fold(i, { ...m }, all),
    });
    const per = perLabelMetrics(d.y, cv.predictions);
    return {
      ...base,
      perFold: cv.perFold.map((r) => ({ ...r })),
      mean: { ...cv.mean },
      std: { ...cv.std },
      perLabel: {
        precision: [...per.precision],
        recall: [...per.recall],
        f1: [...per.f1],
        support: [...per.support],
      },
    };
  } catch (e) {
    learnerProblem(method, e);
  }
}

/**
 * The learner fitted on every row, features standardised (their means and standard deviations are
 * saved with the model, so it applies to new rows).
 */
export async function fitJob(
  request: { files: InputFile[]; method: string; options: Record<string, string> },
  progress: ReadProgress,
): Promise<FitResult> {
  const d = await loadDataset(request.files, progress);
  const { method } = request;
  const options = parseOptions(method, methodOf(d, method).options, request.options);
  progress(0.1, `${method}: fitting on all ${d.x.rows} rows`);
  const s = standardizeColumns(d.x);
  let learner: { toJSON(): unknown };
  try {
    learner =
      d.task === 'pll'
        ? PLL_METHODS[method]!.create(options).fit(s.x, d.candidates)
        : MULTILABEL_METHODS[method]!.create(options).fit(s.x, d.y);
  } catch (e) {
    learnerProblem(method, e);
  }
  const json = JSON.stringify({
    format: 'numts.workbench.model',
    version: 1,
    data: d.file,
    labelNames: d.labelNames,
    preprocessing: { kind: 'standardize', mean: [...s.mean], std: [...s.std] },
    learner: learner.toJSON(),
  });
  return { job: 'fit', fileName: `${method}-model.json`, json };
}
