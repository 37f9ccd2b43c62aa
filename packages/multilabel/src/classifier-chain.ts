/**
 * Classifier Chains (Read et al. 2011): label j's logistic model also sees the labels before it
 * in the chain (the true ones in training, the predicted ones at prediction time).
 *
 * @module
 */
import type { LearnerJson } from '@numts/core';
import { DomainError, FormatError, Learner, Matrix, Rng, vectorFromJSON } from '@numts/core';
import { fitLogistic } from './binary-relevance.js';
import { sigmoid } from './linear-model.js';
import { ThresholdModel } from './threshold-model.js';
import { checkFeatures, checkTrainingSet, penaltyAndThreshold } from './validate.js';

/** Options of {@link ClassifierChain}. */
export interface ClassifierChainOptions {
  /** L2 penalty λ of every link (default 1, > 0). */
  lambda?: number;
  /** The chain order: a permutation of the label indices (default: seeded random). */
  order?: readonly number[];
  /** Seed of the random order (default 0). */
  seed?: number;
  /** Threshold that turns a link's probability into the 0/1 input of the next links and the prediction (default 0.5). */
  threshold?: number;
}

/** One link of the chain: its label and the logistic coefficients [w over x..., w over earlier labels..., b]. */
export interface ChainLink {
  label: number;
  beta: Float64Array;
}

/** Serialized {@link ClassifierChainModel}. */
export interface ClassifierChainModelJson {
  features: number;
  threshold: number;
  chain: { label: number; beta: number[] }[];
}

/** Serialized {@link ClassifierChain}. */
export type ClassifierChainJson = LearnerJson<ClassifierChainOptions, ClassifierChainModelJson>;

/** A trained classifier chain. */
export class ClassifierChainModel extends ThresholdModel<ClassifierChainModelJson> {
  constructor(
    /** Number of features d. */
    readonly features: number,
    /** The links in chain order. */
    readonly chain: readonly ChainLink[],
    /** Threshold between links and for the predictions. */
    readonly threshold: number,
  ) {
    super();
  }

  /** Chain probabilities (each link fed with the 0/1 predictions of the links before it). */
  decisionFunction(x: Matrix): Matrix {
    checkFeatures('ClassifierChain.decisionFunction', x, this.features);
    const d = this.features;
    const q = this.chain.length;
    const out = new Matrix(x.rows, q);
    for (let i = 0; i < x.rows; i++) {
      const predicted: number[] = [];
      for (const { label, beta } of this.chain) {
        let f = beta[beta.length - 1]!;
        for (let j = 0; j < d; j++) f += beta[j]! * x.get(i, j);
        predicted.forEach((v, k) => {
          f += beta[d + k]! * v;
        });
        const p = sigmoid(f);
        out.data[i * q + label] = p;
        predicted.push(p > this.threshold ? 1 : 0);
      }
    }
    return out;
  }

  toJSON(): ClassifierChainModelJson {
    return {
      features: this.features,
      threshold: this.threshold,
      chain: this.chain.map(({ label, beta }) => ({ label, beta: Array.from(beta) })),
    };
  }

  /** @throws FormatError for malformed fields */
  static fromJSON(json: ClassifierChainModelJson): ClassifierChainModel {
    const where = 'ClassifierChain.fromJSON';
    const d = json?.features;
    if (!Number.isInteger(d) || d < 0 || !Array.isArray(json.chain) || typeof json.threshold !== 'number')
      throw new FormatError(`${where}: expected features (an integer), threshold and chain`);
    const q = json.chain.length;
    const labels = json.chain.map((l) => l?.label);
    if (new Set(labels).size !== q || labels.some((l) => !Number.isInteger(l) || l < 0 || l >= q))
      throw new FormatError(`${where}: the chain labels must be a permutation of 0..${q - 1}`);
    const chain = json.chain.map((link, pos) => ({
      label: link.label,
      beta: vectorFromJSON(link.beta, d + pos + 1, `${where}: chain[${pos}].beta`),
    }));
    return new ClassifierChainModel(d, chain, json.threshold);
  }
}

/** Fits a classifier chain of L2-regularised logistic regressions (order: seeded random, or given). */
export function fitClassifierChain(
  x: Matrix,
  y: Matrix,
  options: ClassifierChainOptions = {},
): ClassifierChainModel {
  const fn = 'fitClassifierChain';
  const yy = checkTrainingSet(fn, x, y);
  const { lambda, threshold } = penaltyAndThreshold(fn, options);
  const q = yy.cols;
  const order = options.order ? [...options.order] : Array.from(new Rng(options.seed ?? 0).permutation(q));
  if (
    order.length !== q ||
    new Set(order).size !== q ||
    order.some((j) => !Number.isInteger(j) || j < 0 || j >= q)
  )
    throw new DomainError(`${fn}: order must be a permutation of 0..${q - 1}`);
  const chain = order.map((label, pos) => {
    const prev = order.slice(0, pos);
    const xa = new Matrix(x.rows, x.cols + prev.length);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.cols; j++) xa.data[i * xa.cols + j] = x.get(i, j);
      prev.forEach((l, k) => {
        xa.data[i * xa.cols + x.cols + k] = yy.get(i, l);
      });
    }
    const target = Float64Array.from({ length: x.rows }, (_, i) => yy.get(i, label));
    return { label, beta: fitLogistic(xa, target, lambda) };
  });
  return new ClassifierChainModel(x.cols, chain, threshold);
}

/** A classifier chain as a learner object. See {@link fitClassifierChain}. */
export class ClassifierChain extends Learner<
  ClassifierChainOptions,
  ClassifierChainModel,
  Matrix,
  ClassifierChainModelJson
> {
  constructor(options: ClassifierChainOptions = {}) {
    super(options, {
      format: 'numts.multilabel.ClassifierChain',
      train: fitClassifierChain,
      restore: ClassifierChainModel.fromJSON,
    });
  }
}
