/** Every multi-label learner through the shared learner contract of @numts/testing. */
import { Matrix, Rng } from '@numts/core';
import { describeLearnerContract } from '@numts/testing';
import {
  BinaryRelevanceLogistic,
  BinaryRelevanceRidge,
  ClassifierChain,
  Homi,
  Llsf,
  Lsml,
  MlKnn,
} from '../src/index.js';

/** 40 training rows in 4 dimensions; 3 labels from the signs of linear functions (every label seen both ways). */
function task(): { x: Matrix; target: Matrix; xTest: Matrix } {
  const rng = new Rng(12);
  const x = rng.normalMatrix(40, 4);
  const target = new Matrix(40, 3);
  for (let i = 0; i < 40; i++) {
    target.set(i, 0, x.get(i, 0) > 0 ? 1 : 0);
    target.set(i, 1, x.get(i, 1) + x.get(i, 2) > 0 ? 1 : 0);
    target.set(i, 2, x.get(i, 0) > 0 || x.get(i, 3) > 0.5 ? 1 : 0);
  }
  return { x, target, xTest: rng.normalMatrix(9, 4) };
}

describeLearnerContract(
  [
    { cls: BinaryRelevanceRidge, make: () => new BinaryRelevanceRidge({ lambda: 0.5 }) },
    { cls: BinaryRelevanceLogistic, make: () => new BinaryRelevanceLogistic() },
    { cls: ClassifierChain, make: () => new ClassifierChain({ seed: 4 }) },
    { cls: Llsf, make: () => new Llsf({ maxIter: 50 }) },
    { cls: Lsml, make: () => new Lsml({ outerIter: 2 }) },
    { cls: MlKnn, make: () => new MlKnn({ k: 5 }) },
    { cls: Homi, make: () => new Homi({ maxIter: 5, s: 5 }) },
  ],
  { kind: 'multilabel', ...task() },
);
