/**
 * Loaders for the benchmark data sets of the learner packages, on top of the format readers.
 *
 * @module
 */
import { FormatError, type Matrix } from '@numts/core';
import { type MatValue, matToMatrix, readMat } from './mat.js';

/** A partial-label data set: features, candidate label sets and (when known) the true labels. */
export interface PllData {
  /** n × d features (instances as rows). */
  x: Matrix;
  /** n × q candidate indicator matrix (1 = candidate); absent when the file has no candidate sets. */
  candidates?: Matrix;
  /** 0-based true label of every instance; absent when the file has none. */
  truth?: Int32Array;
  /** Number of labels q. */
  labels: number;
}

/** Options of {@link loadPllMat}: the variable names, with the defaults of the PLL benchmark files. */
export interface PllMatOptions {
  /** Features (default `data`). */
  features?: string;
  /** Candidate sets (default `partial_target`). */
  candidates?: string;
  /** One-hot true labels (default `target`). */
  truth?: string;
}

function orient(name: string, m: Matrix, n: number): Matrix {
  if (m.rows === n) return m;
  if (m.cols === n) return m.T.clone();
  throw new FormatError(
    `loadPllMat: ${name} is ${m.rows}x${m.cols}, which matches neither orientation of ${n} instances`,
    { offset: 0 },
  );
}

function variable(vars: Record<string, MatValue>, name: string): MatValue | undefined {
  return vars[name];
}

/**
 * Loads a PLL data set from a MAT-file with `data` (n × d), `partial_target` and `target`
 * (q × n or n × q, dense or sparse; the orientation is detected from n). Labels become 0-based;
 * instances are rows whatever the file's orientation.
 * @throws FormatError when the features are missing, a label matrix has no orientation that
 *   matches n, an instance has an empty candidate set, the true label is not one-hot, or the true
 *   label is not among the candidates
 */
export function loadPllMat(bytes: Uint8Array | ArrayBuffer, options: PllMatOptions = {}): PllData {
  const vars = readMat(bytes);
  const fname = options.features ?? 'data';
  const fv = variable(vars, fname);
  if (!fv)
    throw new FormatError(
      `loadPllMat: the file has no variable ${JSON.stringify(fname)} (it has ${Object.keys(vars).join(', ')})`,
      { offset: 0 },
    );
  const x = matToMatrix(fv);
  const n = x.rows;
  const out: PllData = { x, labels: 0 };
  const cv = variable(vars, options.candidates ?? 'partial_target');
  if (cv) {
    const c = orient(options.candidates ?? 'partial_target', matToMatrix(cv), n);
    for (let i = 0; i < c.data.length; i++) c.data[i] = c.data[i] !== 0 ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (let j = 0; j < c.cols; j++) k += c.data[i * c.cols + j]!;
      if (k === 0)
        throw new FormatError(`loadPllMat: instance ${i} has an empty candidate set`, { offset: 0 });
    }
    out.candidates = c;
    out.labels = c.cols;
  }
  const tv = variable(vars, options.truth ?? 'target');
  if (tv) {
    const t = orient(options.truth ?? 'target', matToMatrix(tv), n);
    const truth = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let idx = -1;
      for (let j = 0; j < t.cols; j++) {
        if (t.data[i * t.cols + j] !== 0) {
          if (idx >= 0)
            throw new FormatError(`loadPllMat: instance ${i} has more than one true label`, { offset: 0 });
          idx = j;
        }
      }
      if (idx < 0) throw new FormatError(`loadPllMat: instance ${i} has no true label`, { offset: 0 });
      if (out.candidates && out.candidates.data[i * out.candidates.cols + idx] !== 1) {
        throw new FormatError(
          `loadPllMat: the true label ${idx} of instance ${i} is not among its candidates`,
          { offset: 0 },
        );
      }
      truth[i] = idx;
    }
    out.truth = truth;
    out.labels = Math.max(out.labels, t.cols);
  }
  return out;
}
