/**
 * The learner contract shared by every numts learner (pll, multilabel): options in the
 * constructor, `fit(x, target)` trains a model and returns the learner, `decisionFunction` and
 * `predict` delegate to the trained model, `toJSON` / `fromJSON` save and restore options and model.
 *
 * @module
 */
import { NotFittedError } from './errors.js';
import type { Matrix } from './matrix.js';
import { assertSavedFormat } from './saved-json.js';

/**
 * What a trained model offers: scores, predictions and its JSON form. `Input` is the feature
 * matrix it takes (a dense Matrix, or also a CsrMatrix for the learners that work on sparse rows).
 */
export interface TrainedModel<Prediction, Json, Input = Matrix> {
  /** Scores (m×l); larger means more likely. */
  decisionFunction(x: Input): Matrix;
  /** Predictions for the rows of x. */
  predict(x: Input): Prediction;
  /** A JSON-safe description that {@link LearnerRecipe.restore} turns back into the model. */
  toJSON(): Json;
}

/** A saved learner: format name, version 1, options (callbacks dropped), model (null before fit). */
export interface LearnerJson<Options, Json> {
  format: string;
  version: 1;
  options: Options;
  model: Json | null;
}

/** How one learner class trains and restores its model. */
export interface LearnerRecipe<Options, Model, Json, Input = Matrix> {
  /** Format name written by `toJSON` and required by `fromJSON`, e.g. `numts.pll.PlCl`. */
  readonly format: string;
  /** Validates the arguments and trains a model. */
  train(x: Input, target: Matrix, options: Options): Model;
  /** Rebuilds a model from its JSON form; throws FormatError when it is malformed. */
  restore(json: Json): Model;
  /** Converts an older saved layout of this learner into a {@link LearnerJson} (optional). */
  upgrade?(json: unknown): unknown;
}

/**
 * Base class of every numts learner object. A subclass passes its options and its
 * {@link LearnerRecipe}; everything else — the not-fitted check, delegation to the model, JSON
 * round trip — lives here once.
 *
 * @example
 * ```ts
 * const learner = new PlCl({ k: 10 }).fit(x, candidates);
 * const copy = PlCl.fromJSON(JSON.parse(JSON.stringify(learner)));
 * ```
 */
export class Learner<
  Options extends object,
  Model extends TrainedModel<Prediction, Json, Input>,
  Prediction,
  Json,
  Input = Matrix,
> {
  #model: Model | null = null;
  readonly #recipe: LearnerRecipe<Options, Model, Json, Input>;

  constructor(
    /** The options the learner was built with. */
    readonly options: Options,
    recipe: LearnerRecipe<Options, Model, Json, Input>,
  ) {
    this.#recipe = recipe;
  }

  /** Trains on x (n×d) and the n×l target matrix; returns this. */
  fit(x: Input, target: Matrix): this {
    this.#model = this.#recipe.train(x, target, this.options);
    return this;
  }

  /** Whether fit (or fromJSON with a model) has run. */
  get isFitted(): boolean {
    return this.#model !== null;
  }

  /** The trained model. @throws NotFittedError before fit */
  get model(): Model {
    if (!this.#model) throw new NotFittedError(`${this.constructor.name}: call fit before using the model`);
    return this.#model;
  }

  /** Scores of the trained model (m×l). @throws NotFittedError before fit */
  decisionFunction(x: Input): Matrix {
    return this.model.decisionFunction(x);
  }

  /** Predictions of the trained model. @throws NotFittedError before fit */
  predict(x: Input): Prediction {
    return this.model.predict(x);
  }

  /** Options (callbacks dropped) and the trained model (null before fit). */
  toJSON(): LearnerJson<Options, Json> {
    const options = Object.fromEntries(
      Object.entries(this.options).filter(([, v]) => typeof v !== 'function'),
    ) as Options;
    return {
      format: this.#recipe.format,
      version: 1,
      options,
      model: this.#model ? this.#model.toJSON() : null,
    };
  }

  /**
   * Restores a learner saved with `toJSON`: `PlCl.fromJSON(json)` gives a PlCl.
   * @throws FormatError for another format or version, or a malformed model
   */
  static fromJSON<L extends Learner<object, TrainedModel<unknown, unknown>, unknown, unknown>>(
    this: new (
      options: never,
    ) => L,
    json: unknown,
  ): L {
    const probe = new this({} as never);
    const recipe = probe.#recipe;
    const saved = (recipe.upgrade ? recipe.upgrade(json) : json) as Partial<
      LearnerJson<unknown, unknown>
    > | null;
    const learner = new this((saved?.options ?? {}) as never);
    assertSavedFormat(`${learner.constructor.name}.fromJSON`, saved, recipe.format);
    learner.#model = saved?.model ? recipe.restore(saved.model) : null;
    return learner;
  }
}
