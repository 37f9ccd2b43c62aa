/**
 * The contract suite every numts learner passes (pll and multilabel): shapes of fit/predict, the
 * not-fitted error, NaN and zero-row rejection with the shared messages, a JSON round trip that
 * predicts the same bits, determinism, and inputs left untouched.
 *
 * @module
 */
import {
  type Learner,
  Matrix,
  NonFiniteError,
  NotFittedError,
  ShapeError,
  type TrainedModel,
} from '@numts/core';
import { describe, expect, it } from 'vitest';

/** Any learner object of the numts contract (the `Learner` of `@numts/core`). */
export type ContractLearner = Learner<object, TrainedModel<unknown, unknown>, unknown, unknown>;

/** A learner class with its static `fromJSON`. */
export interface ContractLearnerClass {
  new (options: never): ContractLearner;
  readonly name: string;
  fromJSON: typeof Learner.fromJSON;
}

/** One learner under test: how to build it (fast options) and its class. */
export interface LearnerCase {
  cls: ContractLearnerClass;
  make: () => ContractLearner;
}

/** A small task: training features and targets, and test features. */
export interface ContractTask {
  /** `pll`: targets are candidate sets, predictions label indices; `multilabel`: 0/1 label matrices. */
  kind: 'pll' | 'multilabel';
  x: Matrix;
  target: Matrix;
  xTest: Matrix;
}

function bits(m: Matrix): number[] {
  return Array.from(m.clone().data);
}

/** Registers one `describe` block per learner with the contract tests. */
export function describeLearnerContract(cases: readonly LearnerCase[], task: ContractTask): void {
  const { x, target, xTest, kind } = task;
  const m = xTest.rows;
  const l = target.cols;
  for (const { cls, make } of cases) {
    describe(`${cls.name} keeps the learner contract`, () => {
      it('fit returns the learner; scores are m×l; predictions have the documented form', () => {
        const learner = make();
        expect(learner.isFitted).toBe(false);
        expect(learner.fit(x, target)).toBe(learner);
        expect(learner.isFitted).toBe(true);
        const scores = learner.decisionFunction(xTest);
        expect([scores.rows, scores.cols]).toEqual([m, l]);
        // −∞ is a documented score (IPAL: no neighbour carries the label); NaN never is.
        expect(bits(scores).some(Number.isNaN)).toBe(false);
        const predicted = learner.predict(xTest) as Int32Array | Matrix;
        if (kind === 'pll') {
          expect(predicted).toBeInstanceOf(Int32Array);
          expect(predicted).toHaveLength(m);
          for (const c of predicted as Int32Array) expect(c >= 0 && c < l).toBe(true);
        } else {
          expect(predicted).toBeInstanceOf(Matrix);
          const p = predicted as Matrix;
          expect([p.rows, p.cols]).toEqual([m, l]);
          expect(bits(p).every((v) => v === 0 || v === 1)).toBe(true);
        }
      });

      it('before fit: NotFittedError naming the class', () => {
        const learner = make();
        for (const call of [() => learner.predict(xTest), () => learner.decisionFunction(xTest)]) {
          expect(call).toThrow(NotFittedError);
          expect(call).toThrow(`${cls.name}: call fit before using the model`);
        }
      });

      it('NaN features in training and at prediction: NonFiniteError with the shared message', () => {
        const bad = x.clone();
        bad.set(2, 1, Number.NaN);
        expect(() => make().fit(bad, target)).toThrow(NonFiniteError);
        expect(() => make().fit(bad, target)).toThrow(/: x must be finite \(row 2, column 1 is NaN\)$/);
        const learner = make().fit(x, target);
        const badTest = xTest.clone();
        badTest.set(1, 0, Number.POSITIVE_INFINITY);
        expect(() => learner.predict(badTest)).toThrow(NonFiniteError);
        expect(() => learner.predict(badTest)).toThrow(/: x must be finite \(row 1, column 0 is Infinity\)$/);
      });

      it('zero rows and mismatched rows: ShapeError', () => {
        expect(() => make().fit(new Matrix(0, x.cols), new Matrix(0, l))).toThrow(ShapeError);
        expect(() => make().fit(x, target.slice(0, target.rows - 1))).toThrow(ShapeError);
        const learner = make().fit(x, target);
        expect(() => learner.predict(new Matrix(2, x.cols + 1))).toThrow(ShapeError);
      });

      it('JSON round trip: the restored learner gives the same bits; an unfitted one stays unfitted', () => {
        const learner = make().fit(x, target);
        const copy = cls.fromJSON(JSON.parse(JSON.stringify(learner)));
        expect(copy).toBeInstanceOf(cls);
        expect(bits(copy.decisionFunction(xTest))).toEqual(bits(learner.decisionFunction(xTest)));
        const a = learner.predict(xTest) as Int32Array | Matrix;
        const b = copy.predict(xTest) as Int32Array | Matrix;
        expect(Array.from(b instanceof Matrix ? bits(b) : b)).toEqual(
          Array.from(a instanceof Matrix ? bits(a) : a),
        );
        const empty = cls.fromJSON(JSON.parse(JSON.stringify(make())));
        expect(empty.isFitted).toBe(false);
        expect(() => cls.fromJSON({ format: 'numts.other', version: 1, options: {}, model: null })).toThrow(
          `${cls.name}.fromJSON: expected format`,
        );
      });

      it('deterministic: two learners with the same options give the same bits; inputs are not modified', () => {
        const xBefore = bits(x);
        const tBefore = bits(target);
        const a = make().fit(x, target).decisionFunction(xTest);
        const b = make().fit(x, target).decisionFunction(xTest);
        expect(bits(a)).toEqual(bits(b));
        expect(bits(x)).toEqual(xBefore);
        expect(bits(target)).toEqual(tBefore);
      });
    });
  }
}
