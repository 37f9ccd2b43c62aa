/**
 * The PLL learners keep the numts learner contract of `@numts/core`: a learner object is options
 * plus a recipe (format name, fit function, model decoder); `predict` gives 0-based labels.
 *
 * @module
 */
import { argmax, Learner, type Matrix, type TrainedModel } from '@numts/core';

export type { LearnerJson } from '@numts/core';
/** The learner base class of `@numts/core`, which every PLL learner object extends. */
export { Learner };

/** What a trained PLL model offers: decision values (m×l) and 0-based labels (first index on ties). */
export type PllModel<J> = TrainedModel<Int32Array, J>;

/** A PLL learner object: `new PlCl(options).fit(x, candidates).predict(xTest)`. */
export type PllLearner<O extends object, M extends PllModel<J>, J> = Learner<O, M, Int32Array, J>;

/** Base of the PLL models: a subclass gives decision values; the label is their argmax (first index on ties). */
export abstract class ArgmaxModel<J> implements PllModel<J> {
  /** Decision values (m×l); larger = more likely. */
  abstract decisionFunction(x: Matrix): Matrix;
  abstract toJSON(): J;

  /** Predicted labels: argmax of {@link decisionFunction} over all l labels (first index on ties). */
  predict(x: Matrix): Int32Array {
    return argmax(this.decisionFunction(x), 1);
  }
}
