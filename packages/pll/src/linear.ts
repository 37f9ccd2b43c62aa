/**
 * The linear scorer g(x) = Wᵀx + b shared by the linear PLL baselines (CLPL, PL-SVM).
 *
 * @module
 */
import type { MatrixJson } from '@numts/core';
import { addRowVector, assertSavedFormat, gemm, Matrix, vectorFromJSON } from '@numts/core';
import { ArgmaxModel } from './learner.js';
import { checkTestSet } from './validate.js';

/** Serialized {@link LinearPllModel}. */
export interface LinearPllModelJson {
  format: 'numts.pll.LinearPllModel';
  version: 1;
  method: string;
  weights: MatrixJson;
  bias: number[];
}

/** A linear multi-class scorer: decision values XW + 1bᵀ, prediction = argmax (first index on ties). */
export class LinearPllModel extends ArgmaxModel<LinearPllModelJson> {
  constructor(
    /** Name of the method that trained it. */
    readonly method: string,
    /** d×l weights. */
    readonly weights: Matrix,
    /** l biases. */
    readonly bias: Float64Array,
  ) {
    super();
  }

  /** Decision values (m×l). */
  decisionFunction(x: Matrix): Matrix {
    const xt = checkTestSet(`${this.method}.decisionFunction`, x, this.weights.rows);
    return addRowVector(gemm(xt, this.weights), this.bias);
  }

  toJSON(): LinearPllModelJson {
    return {
      format: 'numts.pll.LinearPllModel',
      version: 1,
      method: this.method,
      weights: this.weights.toJSON(),
      bias: Array.from(this.bias),
    };
  }

  /** @throws FormatError for another format or version, or inconsistent shapes */
  static fromJSON(json: LinearPllModelJson): LinearPllModel {
    assertSavedFormat('LinearPllModel.fromJSON', json, 'numts.pll.LinearPllModel');
    const where = 'LinearPllModel.fromJSON';
    const weights = Matrix.fromJSON(json.weights, `${where}: weights`);
    return new LinearPllModel(
      json.method,
      weights,
      vectorFromJSON(json.bias, weights.cols, `${where}: bias`),
    );
  }
}
