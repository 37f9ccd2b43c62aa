/**
 * Multi-label evaluation metrics, with standard definitions by default and, with
 * `convention: 'homi'`, the exact conventions of the HOMI authors' measure.py
 * (docs/methods/homi.md, and the authors' measure.py).
 *
 * Notation: Y, P ∈ {0,1}^{n×q} (truth, predictions), O ∈ ℝ^{n×q} (scores); Yᵢ the relevant set of
 * row i; rankᵢ(j) the position of label j when row i of O is sorted by decreasing score (1 = top;
 * ties: the label with the larger index ranks first, which is numpy's reversed argsort on distinct
 * scores).
 *
 * | metric | standard (default) | 'homi' |
 * |---|---|---|
 * | one-error, ranking loss, average precision | averaged over rows with 0 < |Yᵢ| < q (as the MATLAB toolkits of Zhang et al.) | divided by all n rows; one-error counts label-less rows as errors |
 * | coverage | mean over rows with |Yᵢ| > 0 of max rank − 1 (not normalised) | Σᵢ(max rank − 1)/(n·q), a label-less row adds −1 |
 * | macro / micro AUC | ties count ½; macro averages labels with both classes present | ties count as correct; macro divides by q |
 * | macro F1 | a label with tp = fp = fn = 0 scores 1 | it scores 0 |
 * | example accuracy | an empty ∪ empty row scores 1 | it scores 0 |
 * | example F1 | mean of per-row F1 (empty/empty = 1) | 2pr/(p + r) of the averaged example precision and recall |
 *
 * @module
 */
import { DomainError, Matrix, NonFiniteError, ShapeError } from '@numts/core';

/** Which definitions to use. */
export type MetricConvention = 'standard' | 'homi';

/** All metrics of {@link evaluateMultiLabel}, keyed as the HOMI authors' measure.py functions. */
export interface MultiLabelMetrics {
  hamming_loss: number;
  one_error: number;
  coverage: number;
  ranking_loss: number;
  average_precision: number;
  macro_averaging_auc: number;
  micro_averaging_auc: number;
  macro_averaging_f1: number;
  micro_averaging_f1: number;
  subset_accuracy: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number | null;
  macro_averaging_precision: number;
  macro_averaging_recall: number;
  macro_averaging_accuracy: number;
  micro_averaging_precision: number | null;
  micro_averaging_recall: number;
}

function check(y: Matrix, o: Matrix | null, p: Matrix | null): void {
  for (const [name, m] of [
    ['scores', o],
    ['predictions', p],
  ] as const) {
    if (m && (m.rows !== y.rows || m.cols !== y.cols)) {
      throw new ShapeError(
        `evaluateMultiLabel: ${name} must be ${y.rows}x${y.cols} like the labels (got ${m.rows}x${m.cols})`,
      );
    }
  }
  for (const v of y.clone().data)
    if (v !== 0 && v !== 1) throw new DomainError(`evaluateMultiLabel: labels must be 0/1 (got ${v})`);
  // A NaN score has no rank: it would make every ranking metric meaningless (and a tie loop
  // that compares NaN with itself would never end).
  for (const [name, m] of [
    ['scores', o],
    ['predictions', p],
  ] as const) {
    if (!m) continue;
    const c = m.clone();
    const at = c.data.findIndex((v) => !Number.isFinite(v));
    if (at >= 0)
      throw new NonFiniteError(
        `evaluateMultiLabel: ${name} must be finite (row ${Math.floor(at / c.cols)}, label ${at % c.cols} is ${c.data[at]})`,
        at,
      );
  }
}

/** rankᵢ(j) for every row: 1 = highest score. */
function ranks(o: Matrix): Int32Array {
  const { rows: n, cols: q } = o;
  const out = new Int32Array(n * q);
  const idx = Array.from({ length: q }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const row = o.data.subarray(o.offset + i * o.rowStride, o.offset + i * o.rowStride + q);
    const asc = [...idx].sort((a, b) => row[a]! - row[b]! || a - b); // stable ascending
    asc.forEach((j, pos) => {
      out[i * q + j] = q - pos;
    });
  }
  return out;
}

/**
 * Every metric at once. `scores` (O) feeds the ranking metrics, `predictions` (P) the others;
 * P defaults to O > 0.5.
 * @throws ShapeError when the shapes differ; DomainError for labels other than 0/1;
 *   NonFiniteError for a NaN or infinite score or prediction
 */
export function evaluateMultiLabel(
  y: Matrix,
  scores: Matrix,
  predictions?: Matrix,
  options: { convention?: MetricConvention; threshold?: number } = {},
): MultiLabelMetrics {
  const homi = (options.convention ?? 'standard') === 'homi';
  const thr = options.threshold ?? 0.5;
  const p =
    predictions ??
    new Matrix(
      scores.rows,
      scores.cols,
      scores.clone().data.map((v) => (v > thr ? 1 : 0)),
    );
  check(y, scores, p);
  const Y = y.clone().data;
  const O = scores.clone();
  const P = p.clone().data;
  const n = y.rows;
  const q = y.cols;
  const rk = ranks(O);
  const Od = O.data;
  // Label-wise and example-wise counts.
  let tpAll = 0;
  let fpAll = 0;
  let fnAll = 0;
  let hl = 0;
  let subset = 0;
  let acc = 0;
  let prec = 0;
  let rec = 0;
  let exF1 = 0;
  let oe = 0;
  let cov = 0;
  let rl = 0;
  let ap = 0;
  let rankRows = 0;
  let covRows = 0;
  for (let i = 0; i < n; i++) {
    let yi = 0;
    let pi = 0;
    let inter = 0;
    let same = true;
    for (let j = 0; j < q; j++) {
      const a = Y[i * q + j]!;
      const b = P[i * q + j]!;
      yi += a;
      pi += b;
      inter += a * b;
      if (a !== b) same = false;
    }
    hl += yi + pi - 2 * inter;
    if (same) subset++;
    const union = yi + pi - inter;
    acc += union > 0 ? inter / union : homi ? 0 : 1;
    if (pi > 0) prec += inter / pi;
    if (yi > 0) rec += inter / yi;
    exF1 += yi + pi > 0 ? (2 * inter) / (yi + pi) : 1;
    // Ranking metrics.
    let best = 0;
    for (let j = 1; j < q; j++) if (Od[i * q + j]! > Od[i * q + best]!) best = j;
    const rankable = yi > 0 && yi < q;
    if (homi || rankable) {
      if (homi || yi > 0) oe += Y[i * q + best] === 0 ? 1 : 0;
      if (!homi) rankRows++;
    }
    if (yi > 0 || homi) {
      let maxRank = 0;
      for (let j = 0; j < q; j++) if (Y[i * q + j] === 1) maxRank = Math.max(maxRank, rk[i * q + j]!);
      cov += maxRank - 1;
      if (yi > 0) covRows++;
    }
    if (rankable) {
      let bad = 0;
      for (let j = 0; j < q; j++) {
        if (Y[i * q + j] !== 1) continue;
        for (let k = 0; k < q; k++) if (Y[i * q + k] === 0 && Od[i * q + k]! >= Od[i * q + j]!) bad++;
      }
      rl += bad / (yi * (q - yi));
    }
    if (yi > 0 && (homi || yi < q)) {
      let s = 0;
      for (let j = 0; j < q; j++) {
        if (Y[i * q + j] !== 1) continue;
        let above = 0;
        for (let k = 0; k < q; k++) if (Y[i * q + k] === 1 && Od[i * q + k]! >= Od[i * q + j]!) above++;
        s += above / rk[i * q + j]!;
      }
      ap += s / yi;
    }
  }
  // Label-wise.
  let maF1 = 0;
  let maP = 0;
  let maR = 0;
  let maA = 0;
  let maAuc = 0;
  let aucLabels = 0;
  for (let j = 0; j < q; j++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    for (let i = 0; i < n; i++) {
      const a = Y[i * q + j]!;
      const b = P[i * q + j]!;
      if (a && b) tp++;
      else if (b) fp++;
      else if (a) fn++;
      else tn++;
    }
    tpAll += tp;
    fpAll += fp;
    fnAll += fn;
    maF1 += 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : homi ? 0 : 1;
    if (tp + fp > 0) maP += tp / (tp + fp);
    if (tp + fn > 0) maR += tp / (tp + fn);
    maA += (tp + tn) / n;
    const pos = tp + fn;
    const neg = n - pos;
    if (pos > 0 && neg > 0) {
      let good = 0;
      for (let i = 0; i < n; i++) {
        if (Y[i * q + j] !== 1) continue;
        for (let k = 0; k < n; k++) {
          if (Y[k * q + j] !== 0) continue;
          const on = Od[k * q + j]!;
          const op = Od[i * q + j]!;
          good += on < op ? 1 : on === op ? (homi ? 1 : 0.5) : 0;
        }
      }
      maAuc += good / (pos * neg);
      aucLabels++;
    }
  }
  // Micro AUC over all (positive, negative) entries, by sorting the scores.
  const entries = Array.from({ length: n * q }, (_, k) => k).sort((a, b) => Od[a]! - Od[b]!);
  let negSeen = 0;
  let microGood = 0;
  let posTotal = 0;
  for (let s = 0; s < entries.length; ) {
    let e = s;
    let posTie = 0;
    let negTie = 0;
    while (e < entries.length && Od[entries[e]!] === Od[entries[s]!]) {
      if (Y[entries[e]!] === 1) posTie++;
      else negTie++;
      e++;
    }
    microGood += posTie * negSeen + posTie * negTie * (homi ? 1 : 0.5);
    negSeen += negTie;
    posTotal += posTie;
    s = e;
  }
  const negTotal = n * q - posTotal;
  const pAvg = prec / n;
  const rAvg = rec / n;
  return {
    hamming_loss: hl / (n * q),
    one_error: homi ? oe / n : rankRows ? oe / rankRows : 0,
    coverage: homi ? cov / (n * q) : covRows ? cov / covRows : 0,
    ranking_loss: homi ? rl / n : rankRows ? rl / rankRows : 0,
    average_precision: homi ? ap / n : rankRows ? ap / rankRows : 0,
    macro_averaging_auc: homi ? maAuc / q : aucLabels ? maAuc / aucLabels : 0,
    micro_averaging_auc: posTotal && negTotal ? microGood / (posTotal * negTotal) : 0,
    macro_averaging_f1: maF1 / q,
    micro_averaging_f1:
      2 * tpAll + fpAll + fnAll > 0 ? (2 * tpAll) / (2 * tpAll + fpAll + fnAll) : homi ? 0 : 1,
    subset_accuracy: subset / n,
    accuracy: acc / n,
    precision: pAvg,
    recall: rAvg,
    f1: homi ? (pAvg + rAvg > 0 ? (2 * pAvg * rAvg) / (pAvg + rAvg) : null) : exF1 / n,
    macro_averaging_precision: maP / q,
    macro_averaging_recall: maR / q,
    macro_averaging_accuracy: maA / q,
    micro_averaging_precision: tpAll + fpAll > 0 ? tpAll / (tpAll + fpAll) : null,
    micro_averaging_recall: tpAll + fnAll > 0 ? tpAll / (tpAll + fnAll) : 0,
  };
}

/** Predictions by a fixed threshold: P = O > t. */
export function thresholdFixed(scores: Matrix, t = 0.5): Matrix {
  return new Matrix(
    scores.rows,
    scores.cols,
    scores.clone().data.map((v) => (v > t ? 1 : 0)),
  );
}

/** Predictions of the k highest scores of every row (ties: the lower label index first). */
export function thresholdTopK(scores: Matrix, k: number): Matrix {
  if (!Number.isInteger(k) || k < 0 || k > scores.cols)
    throw new ShapeError(`thresholdTopK: k must be an integer in [0, ${scores.cols}] (got ${k})`);
  const out = new Matrix(scores.rows, scores.cols);
  for (let i = 0; i < scores.rows; i++) {
    const order = Array.from({ length: scores.cols }, (_, j) => j).sort(
      (a, b) => scores.get(i, b) - scores.get(i, a) || a - b,
    );
    for (let r = 0; r < k; r++) out.set(i, order[r]!, 1);
  }
  return out;
}

/**
 * Per-label thresholds that maximise each label's F1 on the given (training or validation) scores;
 * each threshold is the midpoint between consecutive distinct scores (0.5 when a label has no
 * positive). Apply with {@link applyThresholds}.
 */
export function tuneThresholdsF1(scores: Matrix, y: Matrix): Float64Array {
  check(y, scores, null);
  const n = y.rows;
  const q = y.cols;
  const out = new Float64Array(q).fill(0.5);
  for (let j = 0; j < q; j++) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores.get(b, j) - scores.get(a, j));
    const pos = order.reduce((s, i) => s + y.get(i, j), 0);
    if (pos === 0) continue;
    let tp = 0;
    let bestF = -1;
    for (let r = 0; r < n; r++) {
      tp += y.get(order[r]!, j);
      const next = r + 1 < n ? scores.get(order[r + 1]!, j) : Number.NEGATIVE_INFINITY;
      if (next === scores.get(order[r]!, j)) continue;
      const f = (2 * tp) / (r + 1 + pos);
      if (f > bestF) {
        bestF = f;
        out[j] = Number.isFinite(next) ? (scores.get(order[r]!, j) + next) / 2 : scores.get(order[r]!, j) - 1;
      }
    }
  }
  return out;
}

/** Predictions with one threshold per label: P_ij = O_ij > t_j. */
export function applyThresholds(scores: Matrix, thresholds: ArrayLike<number>): Matrix {
  if (thresholds.length !== scores.cols)
    throw new ShapeError(
      `applyThresholds: need one threshold per label (${scores.cols}) (got ${thresholds.length})`,
    );
  const out = new Matrix(scores.rows, scores.cols);
  for (let i = 0; i < scores.rows; i++)
    for (let j = 0; j < scores.cols; j++)
      out.data[i * scores.cols + j] = scores.get(i, j) > thresholds[j]! ? 1 : 0;
  return out;
}

/** Per-label counts and scores of {@link perLabelMetrics}; arrays are indexed by label. */
export interface PerLabelMetrics {
  /** Rows that carry the label. */
  support: Int32Array;
  /** TP / (TP + FP); NaN when the label is never predicted. */
  precision: Float64Array;
  /** TP / (TP + FN); NaN when no row carries the label. */
  recall: Float64Array;
  /** 2·TP / (2·TP + FP + FN); NaN when the label is neither present nor predicted. */
  f1: Float64Array;
}

/**
 * Precision, recall, F1 and support of each label from 0/1 labels and 0/1 predictions.
 * @throws ShapeError when the shapes differ; DomainError for labels other than 0/1
 */
export function perLabelMetrics(y: Matrix, predictions: Matrix): PerLabelMetrics {
  check(y, null, predictions);
  const q = y.cols;
  const out: PerLabelMetrics = {
    support: new Int32Array(q),
    precision: new Float64Array(q),
    recall: new Float64Array(q),
    f1: new Float64Array(q),
  };
  for (let j = 0; j < q; j++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < y.rows; i++) {
      const t = y.get(i, j) === 1;
      const p = predictions.get(i, j) === 1;
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    out.support[j] = tp + fn;
    out.precision[j] = tp + fp > 0 ? tp / (tp + fp) : Number.NaN;
    out.recall[j] = tp + fn > 0 ? tp / (tp + fn) : Number.NaN;
    out.f1[j] = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : Number.NaN;
  }
  return out;
}
