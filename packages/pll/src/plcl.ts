/**
 * PL-CL (Jia, Si, Zhang, KDD 2023): partial-label learning with a complementary classifier, and
 * PL-AGGD (Wang, Li, Zhang, KDD 2019) as its α = β = 0 special case. Implements the algorithm of
 * the authors' code as described in docs/methods/pl-cl.md (our own port, not their code).
 *
 * @module
 */
import type { LearnerJson } from '@numts/core';
import {
  assertIntegerInRange,
  assertPositive,
  assertSavedFormat,
  guardAllocation,
  Matrix,
  ShapeError,
  squaredDistances,
} from '@numts/core';
import { solveConfidenceQp } from './confidence.js';
import { featureGrams, graphWeights, neighbours, normalizeRows } from './graph.js';
import {
  KernelExpansion,
  type KernelExpansionJson,
  KernelRidge,
  meanOfDistances,
  rbfFromDistancesInPlace,
  rbfKernel,
} from './kernel.js';
import { ArgmaxModel, Learner } from './learner.js';
import { checkTestSet, checkTrainingSet } from './validate.js';

/** Hyper-parameters of {@link fitPlcl}; defaults are those of the authors' demo (docs/methods/pl-cl.md). */
export interface PlclOptions {
  /** Neighbours in the graph (default 10; must be < n). */
  k?: number;
  /** Outer iterations, run in full (default 8; the reference code has no tolerance test). */
  maxIter?: number;
  /** Weight γ of the feature-reconstruction term of the graph (default 1). */
  gamma?: number;
  /** Weight μ of the label-reconstruction term, in the graph and in the P-step (default 1, > 0). */
  mu?: number;
  /** Kernel-ridge regulariser λ of both classifiers (default 0.03, > 0). */
  lambda?: number;
  /** Weight α of the complementary classifier's loss (default 0.5). */
  alpha?: number;
  /** Weight β of the coupling term ‖E − P − Q‖² (default 0.5). */
  beta?: number;
  /** RBF width σ, K = exp(−‖x − x′‖²/(2σ²)); default: mean pairwise distance of the training rows. */
  sigma?: number;
  /** Called after every outer iteration with the model as it stands (for monitoring). */
  onIteration?: (iteration: number, model: PlclModel) => void;
}

/** Defaults of PL-CL (the authors' demo call; docs/methods/pl-cl.md). */
export const PLCL_DEFAULTS = {
  k: 10,
  maxIter: 8,
  gamma: 1,
  mu: 1,
  lambda: 0.03,
  alpha: 0.5,
  beta: 0.5,
} as const;

/** Serialized {@link PlclModel}. */
export interface PlclModelJson {
  format: 'numts.pll.PlclModel';
  version: 1;
  classifier: KernelExpansionJson;
}

/** A trained PL-CL / PL-AGGD model: the ordinary kernel classifier (the complementary one is not used at test time). */
export class PlclModel extends ArgmaxModel<PlclModelJson> {
  constructor(
    /** The ordinary classifier F(x) = K(x, X)·coef + bias. */
    readonly classifier: KernelExpansion,
    /** Final labeling confidence P (n×l, rows on the candidate simplices); absent after fromJSON. */
    readonly confidence?: Matrix,
    /** Final complementary confidence Q (n×l; 1 on non-candidates); absent after fromJSON. */
    readonly complementary?: Matrix,
  ) {
    super();
  }

  /** Number of labels. */
  get labels(): number {
    return this.classifier.coef.cols;
  }

  /** RBF width used. */
  get sigma(): number {
    return this.classifier.sigma;
  }

  /** Decision values F = K_t·A/(2λ) + 1bᵀ of the ordinary classifier (m×l). */
  decisionFunction(x: Matrix): Matrix {
    return this.classifier.evaluate(
      checkTestSet('PlclModel.decisionFunction', x, this.classifier.xTrain.cols),
    );
  }

  toJSON(): PlclModelJson {
    return { format: 'numts.pll.PlclModel', version: 1, classifier: this.classifier.toJSON() };
  }

  /** @throws FormatError for another format or version, or inconsistent shapes */
  static fromJSON(json: PlclModelJson): PlclModel {
    assertSavedFormat('PlclModel.fromJSON', json, 'numts.pll.PlclModel');
    return new PlclModel(KernelExpansion.fromJSON(json.classifier, 'PlclModel.fromJSON'));
  }
}

/**
 * The iterate of PL-CL / PL-AGGD, advanced one outer iteration at a time. {@link fitPlcl} runs it
 * `maxIter` times; PLCP drives it round by round and overwrites `p` between rounds.
 * @internal
 */
export class PlclState {
  readonly x: Matrix;
  readonly y: Matrix;
  readonly sigma: number;
  /** Labeling confidence P. */
  p: Matrix;
  /** Complementary confidence Q. */
  q: Matrix;
  /** Ordinary classifier's training outputs H. */
  h: Matrix;
  /** Complementary classifier's training outputs Ĥ. */
  hc: Matrix;
  /** Graph weights S (k per row, over `nb`). */
  w: Float64Array;
  /** Row-normalised features X̄. */
  readonly xn: Matrix;
  /** Neighbour lists (k per row). */
  readonly nb: Int32Array;
  readonly ordinary: KernelRidge;
  readonly complementaryRidge: KernelRidge;
  /** The resolved options. */
  readonly o: Required<Omit<PlclOptions, 'onIteration' | 'sigma'>>;
  private readonly grams: Float64Array;

  constructor(fn: string, x: Matrix, candidates: Matrix, options: PlclOptions) {
    const { x: xt, y } = checkTrainingSet(fn, x, candidates);
    const n = xt.rows;
    const o = {
      k: options.k ?? PLCL_DEFAULTS.k,
      maxIter: options.maxIter ?? PLCL_DEFAULTS.maxIter,
      gamma: options.gamma ?? PLCL_DEFAULTS.gamma,
      mu: options.mu ?? PLCL_DEFAULTS.mu,
      lambda: options.lambda ?? PLCL_DEFAULTS.lambda,
      alpha: options.alpha ?? PLCL_DEFAULTS.alpha,
      beta: options.beta ?? PLCL_DEFAULTS.beta,
    };
    if (n < 3)
      throw new ShapeError(
        `${fn}: need at least 3 training instances (k ≥ 1 neighbours plus self), got ${n}`,
      );
    assertIntegerInRange(fn, 'k (at most n − 1 neighbours)', o.k, 1, n - 1);
    assertIntegerInRange(fn, 'maxIter', o.maxIter, 0, 1e6);
    assertPositive(fn, 'gamma', o.gamma, { allowZero: true });
    assertPositive(fn, 'mu', o.mu);
    assertPositive(fn, 'lambda', o.lambda);
    assertPositive(fn, 'alpha', o.alpha, { allowZero: true });
    assertPositive(fn, 'beta', o.beta, { allowZero: true });
    // Two n×n arrays live at once (the distances, which become the kernel and then the second
    // Cholesky factor, and the first factor): say so when they do not fit, instead of the
    // runtime's bare RangeError.
    const memory = (what: string) =>
      [
        fn,
        `${what} of ${n} training rows`,
        2 * n * n * 8,
        'PL-CL keeps two n×n matrices; train on fewer rows or on a machine with more memory',
      ] as const;
    const dist = guardAllocation(...memory('the n×n distances'), () => squaredDistances(xt, xt));
    const sigma = options.sigma ?? meanOfDistances(dist);
    assertPositive(fn, 'sigma', sigma);
    this.o = o;
    this.x = xt;
    this.y = y;
    this.sigma = sigma;
    // Step 0-2: graph support, initial graph (feature term only), initial confidence P⁰.
    this.xn = normalizeRows(xt);
    this.nb = neighbours(xt, o.k);
    this.grams = featureGrams(this.xn, this.nb, o.k);
    this.w = graphWeights(this.xn, this.nb, o.k, null, 1, 0, this.grams);
    this.p = solveConfidenceQp(y, this.nb, this.w, o.k, 0, null).p;
    // Step 3: Q⁰ = 1 − Y.
    this.q = new Matrix(
      n,
      y.cols,
      y.data.map((v) => 1 - v),
    );
    // Step 4: both kernel ridge classifiers (factored once).
    const ridges = guardAllocation(...memory('the n×n kernel and its factors'), () => {
      const kernel = rbfFromDistancesInPlace(dist, sigma);
      return {
        ordinary: new KernelRidge(kernel, o.lambda, 1),
        // The last user of the kernel factors its system in the kernel's storage.
        complementary: new KernelRidge(kernel, o.lambda, o.alpha, { consumeKernel: true }),
      };
    });
    this.ordinary = ridges.ordinary;
    this.complementaryRidge = ridges.complementary;
    this.h = this.ordinary.fit(this.p);
    this.hc = this.complementaryRidge.fit(this.q);
  }

  /** The n×n training kernel, computed again (the fit does not keep it: its storage holds a factor). */
  kernelMatrix(): Matrix {
    return rbfKernel(this.x, this.x, this.sigma);
  }

  /** One outer iteration: W-step, Q-step, P-step (all on the previous P), refit both classifiers. */
  iterate(): void {
    this.updateGraph();
    this.updateComplementary();
    this.updateConfidence();
    this.refit();
  }

  /** W-step: the graph S for the current P (feature and label reconstruction). */
  updateGraph(): void {
    const { k, gamma, mu } = this.o;
    this.w = graphWeights(this.xn, this.nb, k, this.p, gamma, mu, this.grams);
  }

  /** Q-step: Q = clip(1 − Y, 1, (αĤ + β(E − P))/(α + β)); with α = β = 0 Q stays 1 − Y (the code's 0/0). */
  updateComplementary(): void {
    const { alpha, beta } = this.o;
    if (alpha + beta === 0) return;
    const yd = this.y.data;
    const qn = new Float64Array(yd.length);
    for (let i = 0; i < qn.length; i++) {
      const v = (alpha * this.hc.data[i]! + beta * (1 - this.p.data[i]!)) / (alpha + beta);
      qn[i] = Math.min(1, Math.max(1 - yd[i]!, v));
    }
    this.q = new Matrix(this.y.rows, this.y.cols, qn);
  }

  /** P-step: argmin ‖(I−S)P‖² + ((1+β)/μ)‖P − (H + β(E − Q))/(1+β)‖² on the candidate simplices. */
  updateConfidence(): void {
    const { k, mu, beta } = this.o;
    const n = this.x.rows;
    const l = this.y.cols;
    const target = new Float64Array(n * l);
    for (let i = 0; i < n * l; i++) target[i] = (this.h.data[i]! + beta * (1 - this.q.data[i]!)) / (1 + beta);
    this.p = solveConfidenceQp(this.y, this.nb, this.w, k, (1 + beta) / mu, new Matrix(n, l, target), {
      tol: 1e-12,
      start: this.p,
    }).p;
  }

  /** Refits both kernel ridge classifiers on the current P and Q. */
  refit(): void {
    this.h = this.ordinary.fit(this.p);
    this.hc = this.complementaryRidge.fit(this.q);
  }

  /** Snapshot of the current iterate as a model. */
  model(): PlclModel {
    return new PlclModel(this.ordinary.expansion(this.x, this.sigma), this.p, this.q);
  }

  get maxIter(): number {
    return this.o.maxIter;
  }
}

/**
 * Trains PL-CL. `x` is n×d (the reference protocol z-scores the features first), `candidates` is the
 * n×l 0/1 candidate matrix.
 *
 * Each outer iteration updates, in order: the graph S (per-instance k-variable QPs), the
 * complementary confidence Q (closed form), the labeling confidence P (one strictly convex QP over the
 * candidate simplices, solved by FISTA) and both kernel ridge classifiers (Cholesky factors reused).
 *
 * @throws ShapeError when x and candidates disagree in rows
 * @throws NonFiniteError when x holds NaN or ±Infinity
 * @throws DomainError for a candidate entry other than 0/1, an empty candidate set, or an option out of range
 * @example
 * ```ts
 * const model = fitPlcl(xTrain, candidates);
 * const labels = model.predict(xTest);
 * ```
 */
export function fitPlcl(x: Matrix, candidates: Matrix, options: PlclOptions = {}): PlclModel {
  const state = new PlclState('fitPlcl', x, candidates, options);
  for (let iter = 1; iter <= state.maxIter; iter++) {
    state.iterate();
    options.onIteration?.(iter, state.model());
  }
  return state.model();
}

/** Hyper-parameters of {@link fitPlAggd}: those of {@link PlclOptions} without α and β. */
export type PlAggdOptions = Omit<PlclOptions, 'alpha' | 'beta'>;

/**
 * PL-AGGD (adaptive graph guided disambiguation): PL-CL with α = β = 0, i.e. the graph-regularised
 * kernel ridge learner without the complementary classifier. Same defaults as {@link fitPlcl}
 * (the PL-AGGD runs of the reference used them); PLCP's base uses λ = 0.05 and 10 iterations.
 */
export function fitPlAggd(x: Matrix, candidates: Matrix, options: PlAggdOptions = {}): PlclModel {
  const state = new PlclState('fitPlAggd', x, candidates, { ...options, alpha: 0, beta: 0 });
  for (let iter = 1; iter <= state.maxIter; iter++) {
    state.iterate();
    options.onIteration?.(iter, state.model());
  }
  return state.model();
}

/** Serialized {@link PlCl} / {@link PlAggd}. */
export type PlclJson = LearnerJson<Omit<PlclOptions, 'onIteration'>, PlclModelJson>;

/** PL-CL as a learner object: `new PlCl(options).fit(X, candidates).predict(Xt)`. See {@link fitPlcl}. */
export class PlCl extends Learner<PlclOptions, PlclModel, Int32Array, PlclModelJson> {
  constructor(options: PlclOptions = {}) {
    super(options, { format: 'numts.pll.PlCl', train: fitPlcl, restore: PlclModel.fromJSON });
  }
}

/** PL-AGGD as a learner object. See {@link fitPlAggd}. */
export class PlAggd extends Learner<PlAggdOptions, PlclModel, Int32Array, PlclModelJson> {
  constructor(options: PlAggdOptions = {}) {
    super(options, { format: 'numts.pll.PlAggd', train: fitPlAggd, restore: PlclModel.fromJSON });
  }
}
