/**
 * Evaluation protocols of partial-label learning: the controlled UCI candidate generator, k-fold and
 * repeated hold-out splits, accuracy and the tolerance accuracy used for FG-NET ages.
 *
 * @module
 */
import { assertIntegerInRange, DomainError, Matrix, Rng, ShapeError, type Split } from '@numts/core';

/** Options of {@link generateCandidates}. */
export type CandidateConfig =
  | {
      /** Configurations (I)-(III): a p-fraction of instances get r extra labels, uniform among the wrong ones. */
      kind: 'uniform';
      /** False-positive labels per partially labeled instance (1 ≤ r ≤ l − 1). */
      r: number;
      /** Fraction of instances that are partially labeled (0 ≤ p ≤ 1). */
      p: number;
      seed: number;
    }
  | {
      /** Configuration (IV): every class c has one fixed coupling label c′; p = 1, r = 1. */
      kind: 'cooccurrence';
      /** Probability that an instance of class c gets c′ (otherwise one other random wrong label). */
      epsilon: number;
      seed: number;
    };

/**
 * Builds n×l candidate sets from true labels (the controlled UCI protocol of Cour et al., JMLR 2011,
 * as in docs/methods/pl-cl.md). The true label is always a candidate. Exactly ⌊p·n + 0.5⌋ instances, chosen
 * uniformly, are partially labeled in the 'uniform' configuration; in 'cooccurrence' the coupling
 * label of class c is drawn uniformly among the other classes once per call.
 *
 * @throws DomainError when a label is outside [0, labels) or a parameter is out of range
 * @example
 * ```ts
 * const y = generateCandidates(truth, 6, { kind: 'uniform', r: 1, p: 0.7, seed: 1 });
 * ```
 */
export function generateCandidates(
  truth: Int32Array | readonly number[],
  labels: number,
  config: CandidateConfig,
): Matrix {
  const fn = 'generateCandidates';
  assertIntegerInRange(fn, 'labels', labels, 2, 1e7);
  const n = truth.length;
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= labels)
      throw new DomainError(`${fn}: truth[${i}] must be a label index in [0, ${labels}), got ${t}`);
  }
  const y = new Matrix(n, labels);
  for (let i = 0; i < n; i++) y.data[i * labels + truth[i]!] = 1;
  const rng = new Rng(config.seed);
  const otherLabel = (c: number, exclude: number): number => {
    // Uniform over the labels other than c and `exclude` (exclude may equal c).
    for (;;) {
      const v = Math.min(labels - 1, Math.floor(rng.uniform() * labels));
      if (v !== c && v !== exclude) return v;
    }
  };
  if (config.kind === 'uniform') {
    assertIntegerInRange(fn, 'r', config.r, 1, labels - 1);
    if (!(config.p >= 0 && config.p <= 1))
      throw new DomainError(`${fn}: p must be in [0, 1], got ${config.p}`);
    const count = Math.floor(config.p * n + 0.5);
    const order = rng.permutation(n);
    for (let a = 0; a < count; a++) {
      const i = order[a]!;
      const t = truth[i]!;
      const wrong = Array.from({ length: labels }, (_, c) => c).filter((c) => c !== t);
      const pick = rng.permutation(wrong.length);
      for (let b = 0; b < config.r; b++) y.data[i * labels + wrong[pick[b]!]!] = 1;
    }
  } else if (config.kind === 'cooccurrence') {
    if (labels < 3)
      throw new DomainError(`${fn}: the co-occurrence configuration needs at least 3 labels, got ${labels}`);
    if (!(config.epsilon >= 0 && config.epsilon <= 1))
      throw new DomainError(`${fn}: epsilon must be in [0, 1], got ${config.epsilon}`);
    const couple = Int32Array.from({ length: labels }, (_, c) => otherLabel(c, c));
    for (let i = 0; i < n; i++) {
      const t = truth[i]!;
      const extra = rng.uniform() < config.epsilon ? couple[t]! : otherLabel(t, couple[t]!);
      y.data[i * labels + extra] = 1;
    }
  } else {
    throw new DomainError(
      `${fn}: config.kind must be "uniform" or "cooccurrence", got ${JSON.stringify((config as { kind: unknown }).kind)}`,
    );
  }
  return y;
}

/** A train/test split as row indices (ascending). */
export { kFoldSplits, type Split } from '@numts/core';

/** `repeats` random hold-out splits with ⌈trainFraction·n⌉ training rows each (default 50/50). */
export function holdoutSplits(n: number, repeats: number, seed: number, trainFraction = 0.5): Split[] {
  assertIntegerInRange('holdoutSplits', 'repeats', repeats, 1, 1e6);
  if (!(trainFraction > 0 && trainFraction < 1))
    throw new DomainError(`holdoutSplits: trainFraction must be in (0, 1), got ${trainFraction}`);
  const rng = new Rng(seed);
  const nTrain = Math.ceil(trainFraction * n);
  return Array.from({ length: repeats }, () => {
    const perm = rng.permutation(n);
    const inTrain = new Uint8Array(n);
    for (let a = 0; a < nTrain; a++) inTrain[perm[a]!] = 1;
    const all = Int32Array.from({ length: n }, (_, i) => i);
    return { train: all.filter((i) => inTrain[i] === 1), test: all.filter((i) => inTrain[i] === 0) };
  });
}

/** Fraction of predictions equal to the truth. */
export function accuracy(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  return toleranceAccuracy(predicted, truth, 0);
}

/** Fraction of predictions within `tolerance` label indices of the truth (FG-NET ages: tolerance 5). */
export function toleranceAccuracy(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
  tolerance: number,
): number {
  if (predicted.length !== truth.length)
    throw new ShapeError(`accuracy: predicted has ${predicted.length} entries but truth has ${truth.length}`);
  if (predicted.length === 0) throw new ShapeError('accuracy: no predictions to score');
  let c = 0;
  for (let i = 0; i < predicted.length; i++) if (Math.abs(predicted[i]! - truth[i]!) <= tolerance) c++;
  return c / predicted.length;
}
