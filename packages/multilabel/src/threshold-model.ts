/**
 * Base of the trained multi-label models: a subclass gives scores and a threshold; predictions are
 * the 0/1 matrix scores > threshold.
 *
 * @module
 */
import type { Matrix, TrainedModel } from '@numts/core';
import { thresholdFixed } from './metrics.js';

/**
 * A trained multi-label model that predicts by thresholding its scores; `Input` is the feature
 * matrix it takes (dense, or also sparse rows for the linear models).
 */
export abstract class ThresholdModel<J, Input = Matrix> implements TrainedModel<Matrix, J, Input> {
  /** Prediction threshold on the scores. */
  abstract readonly threshold: number;
  /** Scores of every label (m×q). */
  abstract decisionFunction(x: Input): Matrix;
  abstract toJSON(): J;

  /** 0/1 predictions: scores above the threshold. */
  predict(x: Input): Matrix {
    return thresholdFixed(this.decisionFunction(x), this.threshold);
  }
}
