/**
 * The linear scorer g(x) = Wᵀx + b shared by the linear PLL baselines (CLPL, PL-SVM).
 *
 * @module
 */
import { argmax, FormatError, gemm, Matrix } from '@numts/core';
import { checkTestSet } from './validate.js';

/** Serialized {@link LinearPllModel}. */
export interface LinearPllModelJson {
  format: 'numts.pll.LinearPllModel';
  version: 1;
  method: string;
  weights: { rows: number; cols: number; data: number[] };
  bias: number[];
}

/** A linear multi-class scorer: decision values XW + 1bᵀ, prediction = argmax (first index on ties). */
export class LinearPllModel {
  constructor(
    /** Name of the method that trained it. */
    readonly method: string,
    /** d×l weights. */
    readonly weights: Matrix,
    /** l biases. */
    readonly bias: Float64Array,
  ) {}

  /** Decision values (m×l). */
  decisionFunction(x: Matrix): Matrix {
    const xt = checkTestSet(`${this.method}.decisionFunction`, x, this.weights.rows);
    const o = gemm(xt, this.weights);
    const l = o.cols;
    for (let i = 0; i < o.rows; i++)
      for (let c = 0; c < l; c++) o.data[i * l + c] = o.data[i * l + c]! + this.bias[c]!;
    return o;
  }

  /** Predicted labels. */
  predict(x: Matrix): Int32Array {
    return argmax(this.decisionFunction(x), 1);
  }

  toJSON(): LinearPllModelJson {
    const w = this.weights;
    return {
      format: 'numts.pll.LinearPllModel',
      version: 1,
      method: this.method,
      weights: { rows: w.rows, cols: w.cols, data: Array.from(w.data) },
      bias: Array.from(this.bias),
    };
  }

  /** @throws FormatError for another format or version, or inconsistent shapes */
  static fromJSON(json: LinearPllModelJson): LinearPllModel {
    if (json?.format !== 'numts.pll.LinearPllModel' || json.version !== 1)
      throw new FormatError(
        `LinearPllModel.fromJSON: expected format numts.pll.LinearPllModel version 1, got ${JSON.stringify(json?.format)} version ${json?.version}`,
      );
    const { rows, cols, data } = json.weights;
    if (data.length !== rows * cols || json.bias.length !== cols)
      throw new FormatError(
        `LinearPllModel.fromJSON: weights (${rows}x${cols}) and bias (${json.bias.length}) do not match`,
      );
    return new LinearPllModel(
      json.method,
      new Matrix(rows, cols, Float64Array.from(data)),
      Float64Array.from(json.bias),
    );
  }
}
