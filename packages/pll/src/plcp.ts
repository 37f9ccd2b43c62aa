/**
 * PLCP / Appeal, "partial-label learning with a partner classifier" (SJTU-DeepVisionLab): a partner
 * kernel ridge classifier trained on the non-candidate labels, coupled with a base PLL learner by
 * mutual supervision through moving averages and a blurring softmax. Algorithm as in the authors'
 * code, as described in docs/methods/plcp.md (our own port). Base learners: PL-AGGD (as the authors'
 * code) or PL-CL (the abstracts say PLCP was coupled with other learners too; their settings are
 * unverified, so the PL-CL base uses PL-CL's own defaults).
 *
 * @module
 */
import type { LearnerJson } from '@numts/core';
import {
  assertInRange,
  assertIntegerInRange,
  assertOneOf,
  assertPositive,
  assertSavedFormat,
  Matrix,
} from '@numts/core';
import { KernelExpansion, type KernelExpansionJson, KernelRidge } from './kernel.js';
import { ArgmaxModel, Learner } from './learner.js';
import { PLCL_DEFAULTS, type PlclModel, type PlclOptions, PlclState } from './plcl.js';
import { projectComplementSimplex } from './simplex.js';
import { checkTestSet } from './validate.js';

/** Hyper-parameters of {@link fitPlcp}; defaults are those of the authors' demo (docs/methods/plcp.md). */
export interface PlcpOptions {
  /** Base learner (default 'pl-aggd', as the authors' code). */
  base?: 'pl-aggd' | 'pl-cl';
  /**
   * Base learner options; `maxIter` is the number of base iterations per round. Defaults for
   * 'pl-aggd': k = 10, maxIter = 10, γ = 1, μ = 1, λ = 0.05 (docs/methods/plcp.md); for 'pl-cl': PL-CL's.
   */
  baseOptions?: Omit<PlclOptions, 'onIteration'>;
  /** Moving-average factor of both classifiers' outputs (default 0.5). */
  averaging?: number;
  /** Weight of the collaborative term ⟨P̃, Q⟩ in the partner's Q-step (default 2). */
  collaboration?: number;
  /** Blurring multiplier: softmax(kp·score) over the candidates (default e⁻¹). */
  blur?: number;
  /** Kernel-ridge regulariser of the partner (default 0.05). */
  partnerLambda?: number;
  /** Mutual-supervision rounds (default 5). */
  rounds?: number;
  /** Partner fit/Q-step iterations per round (default 30). */
  partnerIterations?: number;
  /** RBF width of both classifiers; default: mean pairwise distance of the training rows. */
  sigma?: number;
  /** Called after each round with the partner and base models as they stand. */
  onRound?: (round: number, partner: PlcpModel, base: PlclModel) => void;
}

/** Defaults of PLCP (docs/methods/plcp.md). */
export const PLCP_DEFAULTS = {
  averaging: 0.5,
  collaboration: 2,
  blur: Math.exp(-1),
  partnerLambda: 0.05,
  rounds: 5,
  partnerIterations: 30,
} as const;

/** Base-learner defaults of PLCP's PL-AGGD (the authors' `PLCP.m`, lines 4–9; docs/methods/plcp.md). */
export const PLCP_AGGD_DEFAULTS = {
  k: 10,
  maxIter: 10,
  gamma: 1,
  mu: 1,
  lambda: 0.05,
  alpha: 0,
  beta: 0,
} as const;

/** Serialized {@link PlcpModel}. */
export interface PlcpModelJson {
  format: 'numts.pll.PlcpModel';
  version: 1;
  partner: KernelExpansionJson;
}

/**
 * A trained PLCP model. It predicts with the partner (as the authors' reported number):
 * ŷ = argmax_c (1 − Ĥ_c(x)), Ĥ the partner's non-candidate confidence.
 */
export class PlcpModel extends ArgmaxModel<PlcpModelJson> {
  constructor(
    /** The partner classifier Ĥ(x) = K(x, X)·coef + bias. */
    readonly partner: KernelExpansion,
    /** The base learner after the first round (the authors' "PL-AGGD" number); absent after fromJSON. */
    readonly firstRoundBase?: PlclModel,
    /** The base learner after the last round; absent after fromJSON. */
    readonly finalBase?: PlclModel,
  ) {
    super();
  }

  /** Decision values 1 − Ĥ(x) (m×l): larger = more likely the label. */
  decisionFunction(x: Matrix): Matrix {
    const h = this.partner.evaluate(checkTestSet('PlcpModel.decisionFunction', x, this.partner.xTrain.cols));
    for (let i = 0; i < h.data.length; i++) h.data[i] = 1 - h.data[i]!;
    return h;
  }

  toJSON(): PlcpModelJson {
    return { format: 'numts.pll.PlcpModel', version: 1, partner: this.partner.toJSON() };
  }

  /** @throws FormatError for another format or version */
  static fromJSON(json: PlcpModelJson): PlcpModel {
    assertSavedFormat('PlcpModel.fromJSON', json, 'numts.pll.PlcpModel');
    return new PlcpModel(KernelExpansion.fromJSON(json.partner, 'PlcpModel.fromJSON'));
  }
}

/** Row-wise softmax of kp·s over the candidates of each row (0 elsewhere), max-shifted. */
function blurRows(s: Float64Array, y: Float64Array, n: number, l: number, kp: number): Float64Array {
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < l; c++) if (y[i * l + c]) mx = Math.max(mx, kp * s[i * l + c]!);
    let sum = 0;
    for (let c = 0; c < l; c++) {
      const e = y[i * l + c] ? Math.exp(kp * s[i * l + c]! - mx) : 0;
      out[i * l + c] = e;
      sum += e;
    }
    for (let c = 0; c < l; c++) out[i * l + c] = out[i * l + c]! / sum;
  }
  return out;
}

/**
 * Trains PLCP around a base learner. Per round: the base runs `maxIter` iterations; its training
 * outputs are averaged into P̄ (clipped to [0, Y]) and blurred into P̃; the partner is trained on
 * Q = 1 − P̃ and refined `partnerIterations` times by Q_i ← Π(Ĥ_i − (ga/2)P̃_i) onto
 * {q : Σq = l − 1, 1 − Y_i ≤ q ≤ 1}; its outputs are averaged into Q̄ (clipped to [1 − Y, 1]) and
 * blurred back into the base's confidence P = min(Y, softmax(kp(1 − Q̄))).
 *
 * @throws ShapeError, NonFiniteError, DomainError as {@link fitPlcl}, and for options out of range
 * @example
 * ```ts
 * const model = fitPlcp(xTrain, candidates);
 * const labels = model.predict(xTest);
 * ```
 */
export function fitPlcp(x: Matrix, candidates: Matrix, options: PlcpOptions = {}): PlcpModel {
  const fn = 'fitPlcp';
  const base = options.base ?? 'pl-aggd';
  assertOneOf(fn, 'base', base, ['pl-aggd', 'pl-cl']);
  const averaging = options.averaging ?? PLCP_DEFAULTS.averaging;
  const ga = options.collaboration ?? PLCP_DEFAULTS.collaboration;
  const kp = options.blur ?? PLCP_DEFAULTS.blur;
  const partnerLambda = options.partnerLambda ?? PLCP_DEFAULTS.partnerLambda;
  const rounds = options.rounds ?? PLCP_DEFAULTS.rounds;
  const partnerIterations = options.partnerIterations ?? PLCP_DEFAULTS.partnerIterations;
  assertInRange(fn, 'averaging', averaging, 0, 1);
  assertPositive(fn, 'collaboration', ga, { allowZero: true });
  assertPositive(fn, 'blur', kp, { allowZero: true });
  assertPositive(fn, 'partnerLambda', partnerLambda);
  assertIntegerInRange(fn, 'rounds', rounds, 1, 1e6);
  assertIntegerInRange(fn, 'partnerIterations', partnerIterations, 1, 1e6);
  const baseDefaults = base === 'pl-aggd' ? PLCP_AGGD_DEFAULTS : PLCL_DEFAULTS;
  const baseOptions: PlclOptions = { ...baseDefaults, ...options.baseOptions };
  if (options.sigma !== undefined) baseOptions.sigma = options.sigma;
  if (base === 'pl-aggd') {
    baseOptions.alpha = 0;
    baseOptions.beta = 0;
  }
  const state = new PlclState(fn, x, candidates, baseOptions);
  const n = state.x.rows;
  const l = state.y.cols;
  const yd = state.y.data;
  const partnerRidge = new KernelRidge(state.kernelMatrix(), partnerLambda, 1, { consumeKernel: true });

  let pBar = state.p.data.slice();
  let qBar = Float64Array.from(yd, (v) => 1 - v);
  let firstRoundBase: PlclModel | undefined;
  let partner: KernelExpansion | undefined;
  for (let round = 1; round <= rounds; round++) {
    for (let it = 0; it < state.maxIter; it++) state.iterate();
    if (round === 1) firstRoundBase = state.model();
    // P̄ ← clip_[0,Y](a·P̄ + (1 − a)·H); P̃ = blur(P̄).
    const h = state.h.data;
    pBar = pBar.map((v, i) => Math.min(yd[i]!, Math.max(0, averaging * v + (1 - averaging) * h[i]!)));
    const pTilde = blurRows(pBar, yd, n, l, kp);
    // Partner stage.
    let q = new Matrix(
      n,
      l,
      pTilde.map((v) => 1 - v),
    );
    let hp = partnerRidge.fit(q);
    for (let it = 0; it < partnerIterations; it++) {
      if (it > 0) hp = partnerRidge.fit(q);
      const next = new Float64Array(n * l);
      for (let i = 0; i < n * l; i++) next[i] = hp.data[i]! - (ga / 2) * pTilde[i]!;
      for (let i = 0; i < n; i++) projectComplementSimplex(next, i * l, l, yd, i * l);
      q = new Matrix(n, l, next);
    }
    partner = partnerRidge.expansion(state.x, state.sigma);
    // Q̄ ← clip_[1−Y,1](a·Q̄ + (1 − a)·Ĥ); the base's P ← min(Y, blur(1 − Q̄)).
    qBar = qBar.map((v, i) =>
      Math.min(1, Math.max(1 - yd[i]!, averaging * v + (1 - averaging) * hp.data[i]!)),
    );
    const yTilde = blurRows(
      qBar.map((v) => 1 - v),
      yd,
      n,
      l,
      kp,
    );
    state.p = new Matrix(
      n,
      l,
      yTilde.map((v, i) => Math.min(yd[i]!, v)),
    );
    options.onRound?.(round, new PlcpModel(partner, firstRoundBase), state.model());
  }
  return new PlcpModel(partner!, firstRoundBase, state.model());
}

/** Serialized {@link Plcp}. */
export type PlcpJson = LearnerJson<Omit<PlcpOptions, 'onRound'>, PlcpModelJson>;

/** PLCP as a learner object: `new Plcp(options).fit(X, candidates).predict(Xt)`. See {@link fitPlcp}. */
export class Plcp extends Learner<PlcpOptions, PlcpModel, Int32Array, PlcpModelJson> {
  constructor(options: PlcpOptions = {}) {
    super(options, { format: 'numts.pll.Plcp', train: fitPlcp, restore: PlcpModel.fromJSON });
  }
}
