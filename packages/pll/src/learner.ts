/**
 * The learner-object shell shared by every PLL method: options in the constructor, `fit` trains a
 * model, `predict`/`decisionFunction` delegate to it, `toJSON`/`fromJSON` save options and model.
 *
 * @module
 */
import { FormatError, type Matrix, NotFittedError } from '@numts/core';

/** What a trained PLL model offers. */
export interface PllModel<J> {
  decisionFunction(x: Matrix): Matrix;
  predict(x: Matrix): Int32Array;
  toJSON(): J;
}

/** Serialized learner: format name, version, options, model (null before fit). */
export interface LearnerJson<O, J> {
  format: string;
  version: 1;
  options: O;
  model: J | null;
}

/** Base class of the learner objects (PlCl, PlAggd, Plcp, Clpl, PlSvm, Ipal). */
export abstract class Learner<O extends object, M extends PllModel<J>, J> {
  protected fitted: M | null = null;
  constructor(readonly options: O) {}
  protected abstract readonly formatName: string;
  protected abstract train(x: Matrix, candidates: Matrix): M;

  /** Trains on x (n×d) and the n×l 0/1 candidate matrix; returns this. */
  fit(x: Matrix, candidates: Matrix): this {
    this.fitted = this.train(x, candidates);
    return this;
  }

  /** The trained model. @throws NotFittedError before fit */
  get model(): M {
    if (!this.fitted) throw new NotFittedError(`${this.constructor.name}: call fit before using the model`);
    return this.fitted;
  }

  /** Decision values (m×l); larger = more likely. */
  decisionFunction(x: Matrix): Matrix {
    return this.model.decisionFunction(x);
  }

  /** Predicted labels (0-based; first index on ties). */
  predict(x: Matrix): Int32Array {
    return this.model.predict(x);
  }

  /** Options (callbacks dropped) and the trained model. */
  toJSON(): LearnerJson<O, J> {
    const options = Object.fromEntries(
      Object.entries(this.options).filter(([, v]) => typeof v !== 'function'),
    ) as O;
    return { format: this.formatName, version: 1, options, model: this.fitted ? this.fitted.toJSON() : null };
  }

  /** Restores `learner` from json after checking format and version. @internal */
  static restoreInto<L extends Learner<object, PllModel<unknown>, unknown>>(
    learner: L,
    json: LearnerJson<unknown, unknown>,
    decode: (model: never) => PllModel<unknown>,
  ): L {
    const format = learner.formatName;
    if (json?.format !== format || json.version !== 1)
      throw new FormatError(
        `${learner.constructor.name}.fromJSON: expected format ${format} version 1, got ${JSON.stringify(json?.format)} version ${json?.version}`,
      );
    learner.fitted = json.model ? decode(json.model as never) : null;
    return learner;
  }
}
