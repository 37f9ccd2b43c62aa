/**
 * Base of the trained multi-label models: a subclass gives scores and a threshold; predictions are
 * the 0/1 matrix scores > threshold.
 *
 * @module
 */
import type { Matrix, TrainedModel } from '@numts/core';
import { thresholdFixed } from './metrics.js';

/** A trained multi-label model that predicts by thresholding its scores. */
export abstract class ThresholdModel<J> implements TrainedModel<Matrix, J> {
  /** Prediction threshold on the scores. */
  abstract readonly threshold: number;
  /** Scores of every label (m×q). */
  abstract decisionFunction(x: Matrix): Matrix;
  abstract toJSON(): J;

  /** 0/1 predictions: scores above the threshold. */
  predict(x: Matrix): Matrix {
    return thresholdFixed(this.decisionFunction(x), this.threshold);
  }
}
