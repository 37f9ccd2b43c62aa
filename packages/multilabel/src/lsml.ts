/**
 * LSML (Huang et al., 2019): LLSF with a learned label-correlation matrix C (Y ≈ YC), fitted by
 * alternating a ridge step for C and the LLSF proximal-gradient step for W.
 *
 * This is our reconstruction from the method's one-line description (LLSF with a learned label correlation C, Y ≈ YC; see docs/methods/homi.md)
 * ("as LLSF but learns a label-correlation matrix C (Y ≈ YC) jointly"); the paper's exact
 * objective and defaults were not available to us.
 *
 * @module
 */
import type { MatrixJson } from '@numts/core';
import { assertIntegerInRange, assertPositive, FormatError, gemm, Learner, Matrix } from '@numts/core';
import { solve } from '@numts/decompositions';
import {
  fromInterceptRow,
  LinearMultiLabelModel,
  type LinearMultiLabelModelJson,
  withIntercept,
} from './linear-model.js';
import { labelDissimilarity, sparseCorrelatedLeastSquares } from './llsf.js';
import { checkTrainingSet, thresholdOption } from './validate.js';

/** Options of {@link Lsml} (our defaults). */
export interface LsmlOptions {
  /** Weight of the label self-reconstruction (λ₁/2)‖YC − Y‖² (default 1). */
  lambda1?: number;
  /** Ridge weight of C (default 1). */
  lambda2?: number;
  /** Correlation weight α of (α/2)tr(RWᵀW) (default 1). */
  alpha?: number;
  /** ℓ₁ weight β (default 0.1). */
  beta?: number;
  /** Alternations (default 10). */
  outerIter?: number;
  /** Prediction threshold (default 0.5). */
  threshold?: number;
}

/** Serialized {@link LsmlModel}. */
export interface LsmlModelJson extends LinearMultiLabelModelJson {
  c: MatrixJson;
}

/** A trained LSML model: the linear scorer and the learned label-correlation matrix C (q×q). */
export class LsmlModel extends LinearMultiLabelModel {
  constructor(
    linear: LinearMultiLabelModel,
    readonly c: Matrix,
  ) {
    super(linear.method, linear.w, linear.b, linear.link, linear.threshold);
  }

  override toJSON(): LsmlModelJson {
    return { ...super.toJSON(), c: this.c.toJSON() };
  }

  /** @throws FormatError for malformed fields */
  static override fromJSON(json: LsmlModelJson, where = 'Lsml.fromJSON'): LsmlModel {
    const linear = LinearMultiLabelModel.fromJSON(json, where);
    const c = Matrix.fromJSON(json.c, `${where}: c`);
    if (c.rows !== linear.w.cols || c.cols !== linear.w.cols)
      throw new FormatError(
        `${where}: c must be ${linear.w.cols}x${linear.w.cols} (got ${c.rows}x${c.cols})`,
      );
    return new LsmlModel(linear, c);
  }
}

/**
 * LSML: min_{W,C} ½‖[X 1]W − YC‖² + (λ₁/2)‖YC − Y‖² + (λ₂/2)‖C‖² + (α/2)tr(RWᵀW) + β‖W‖₁;
 * scores [X 1]W, predictions scores > threshold.
 */
export function fitLsml(x: Matrix, y: Matrix, options: LsmlOptions = {}): LsmlModel {
  const fn = 'fitLsml';
  const yy = checkTrainingSet(fn, x, y);
  const o = { lambda1: 1, lambda2: 1, alpha: 1, beta: 0.1, outerIter: 10, ...options };
  for (const k of ['lambda1', 'lambda2', 'alpha', 'beta'] as const)
    assertPositive(fn, k, o[k], { allowZero: k !== 'lambda2' });
  assertIntegerInRange(fn, 'outerIter', o.outerIter, 1, 1e6);
  const threshold = thresholdOption(fn, options.threshold);
  const xa = withIntercept(x);
  const q = yy.cols;
  const xtx = gemm(xa, xa, { transA: true });
  const xty = gemm(xa, yy, { transA: true });
  const yty = gemm(yy, yy, { transA: true });
  const r = labelDissimilarity(yty);
  let c = new Matrix(q, q);
  for (let i = 0; i < q; i++) c.data[i * q + i] = 1;
  let w = new Matrix(xa.cols, q);
  const a = yty.clone();
  for (let i = 0; i < q * q; i++) a.data[i] = (1 + o.lambda1) * a.data[i]!;
  for (let i = 0; i < q; i++) a.data[i * q + i] = a.data[i * q + i]! + o.lambda2;
  for (let it = 0; it < o.outerIter; it++) {
    w = sparseCorrelatedLeastSquares(xtx, gemm(xty, c), r, o.alpha, o.beta, w, { maxIter: 100, tol: 1e-6 });
    // ((1 + λ₁)YᵀY + λ₂I) C = Yᵀ[X 1]W + λ₁YᵀY
    const rhs = gemm(xty, w, { transA: true });
    for (let i = 0; i < q * q; i++) rhs.data[i] = rhs.data[i]! + o.lambda1 * yty.data[i]!;
    c = solve(a, rhs, { assume: 'spd' });
  }
  return new LsmlModel(fromInterceptRow('Lsml', w, 'identity', threshold), c);
}

/** LSML as a learner object (the learned C is `learner.model.c`). See {@link fitLsml}. */
export class Lsml extends Learner<LsmlOptions, LsmlModel, Matrix, LsmlModelJson> {
  constructor(options: LsmlOptions = {}) {
    super(options, {
      format: 'numts.multilabel.Lsml',
      train: fitLsml,
      restore: (json) => LsmlModel.fromJSON(json),
    });
  }
}
