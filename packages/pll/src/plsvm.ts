/**
 * PL-SVM (Nguyen & Caruana, KDD 2008), linear: a multi-class max-margin learner whose margin is
 * between the best-scoring candidate and the best-scoring non-candidate.
 *
 * @module
 */
import type { LearnerJson } from '@numts/core';
import { assertIntegerInRange, assertPositive, Matrix, Rng } from '@numts/core';
import { Learner } from './learner.js';
import { LinearPllModel, type LinearPllModelJson } from './linear.js';
import { checkTrainingSet } from './validate.js';

/** Options of {@link fitPlSvm}. */
export interface PlSvmOptions {
  /** Regularisation λ (default 1e-3). */
  lambda?: number;
  /** Passes over the data (default 50). */
  epochs?: number;
  /** Seed of the sampling order (default 0). */
  seed?: number;
}

/**
 * Fits linear PL-SVM by Pegasos (stochastic sub-gradient, step 1/(λt), final average of the last
 * half of the iterates) on
 * (λ/2)‖θ‖² + (1/n) Σᵢ max(0, 1 − max_{c∈Sᵢ} θ_cᵀx̃ᵢ + max_{c∉Sᵢ} θ_cᵀx̃ᵢ), x̃ = [x; 1]
 * (the bias is the last, regularised, coordinate). Instances whose candidate set is every label
 * carry no loss. Same seed, same bits.
 *
 * @example
 * ```ts
 * const model = fitPlSvm(xTrain, candidates, { seed: 1 });
 * ```
 */
export function fitPlSvm(x: Matrix, candidates: Matrix, options: PlSvmOptions = {}): LinearPllModel {
  const fn = 'fitPlSvm';
  const { x: xt, y } = checkTrainingSet(fn, x, candidates);
  const { lambda = 1e-3, epochs = 50, seed = 0 } = options;
  assertPositive(fn, 'lambda', lambda);
  assertIntegerInRange(fn, 'epochs', epochs, 1, 1e9);
  const n = xt.rows;
  const d = xt.cols;
  const l = y.cols;
  const dim = d + 1;
  // θ stored as l rows of length d+1, with a lazy scale factor (θ = scale·v) for O(d) updates.
  const v = new Float64Array(l * dim);
  let scale = 1;
  const avg = new Float64Array(l * dim);
  let avgCount = 0;
  const rng = new Rng(seed);
  const total = epochs * n;
  const score = (i: number, c: number): number => {
    let s = v[c * dim + d]!;
    for (let j = 0; j < d; j++) s += v[c * dim + j]! * xt.data[i * d + j]!;
    return s * scale;
  };
  for (let t = 1; t <= total; t++) {
    const i = Math.min(n - 1, Math.floor(rng.uniform() * n));
    let bestIn = -1;
    let bestOut = -1;
    let sIn = Number.NEGATIVE_INFINITY;
    let sOut = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < l; c++) {
      const s = score(i, c);
      if (y.data[i * l + c]) {
        if (s > sIn) {
          sIn = s;
          bestIn = c;
        }
      } else if (s > sOut) {
        sOut = s;
        bestOut = c;
      }
    }
    const eta = 1 / (lambda * t);
    scale *= 1 - eta * lambda; // = 1 − 1/t
    if (scale === 0) {
      // t = 1: restart from zero with unit scale.
      v.fill(0);
      scale = 1;
    }
    if (bestOut >= 0 && 1 - sIn + sOut > 0) {
      const step = eta / scale;
      for (let j = 0; j < d; j++) {
        const xv = xt.data[i * d + j]!;
        v[bestIn * dim + j] = v[bestIn * dim + j]! + step * xv;
        v[bestOut * dim + j] = v[bestOut * dim + j]! - step * xv;
      }
      v[bestIn * dim + d] = v[bestIn * dim + d]! + step;
      v[bestOut * dim + d] = v[bestOut * dim + d]! - step;
    }
    if (scale < 1e-100) {
      for (let k = 0; k < v.length; k++) v[k] = v[k]! * scale;
      scale = 1;
    }
    if (2 * t > total) {
      for (let k = 0; k < v.length; k++) avg[k] = avg[k]! + v[k]! * scale;
      avgCount++;
    }
  }
  const w = new Matrix(d, l);
  const b = new Float64Array(l);
  for (let c = 0; c < l; c++) {
    for (let j = 0; j < d; j++) w.data[j * l + c] = avg[c * dim + j]! / avgCount;
    b[c] = avg[c * dim + d]! / avgCount;
  }
  return new LinearPllModel('PL-SVM', w, b);
}

/** Serialized {@link PlSvm}. */
export type PlSvmJson = LearnerJson<PlSvmOptions, LinearPllModelJson>;

/** Linear PL-SVM as a learner object. See {@link fitPlSvm}. */
export class PlSvm extends Learner<PlSvmOptions, LinearPllModel, Int32Array, LinearPllModelJson> {
  constructor(options: PlSvmOptions = {}) {
    super(options, { format: 'numts.pll.PlSvm', train: fitPlSvm, restore: LinearPllModel.fromJSON });
  }
}
