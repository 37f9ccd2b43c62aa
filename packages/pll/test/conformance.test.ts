/** Every PLL learner through the shared learner contract of @numts/testing. */
import { Matrix, Rng } from '@numts/core';
import { describeLearnerContract } from '@numts/testing';
import { Clpl, Ipal, PlAggd, PlCl, Plcp, PlKnn, PlSvm } from '../src/index.js';

/** 40 training rows of 3 Gaussian classes in 4 dimensions, candidate sets = truth + one random label. */
function task(): { x: Matrix; target: Matrix; xTest: Matrix } {
  const rng = new Rng(11);
  const l = 3;
  const make = (n: number) => {
    const x = rng.normalMatrix(n, 4);
    const truth = Array.from({ length: n }, (_, i) => i % l);
    for (let i = 0; i < n; i++) x.set(i, truth[i]!, x.get(i, truth[i]!) + 3);
    return { x, truth };
  };
  const train = make(40);
  const target = new Matrix(40, l);
  train.truth.forEach((c, i) => {
    target.set(i, c, 1);
    target.set(i, rng.int(0, l), 1);
  });
  return { x: train.x, target, xTest: make(9).x };
}

const fast = { maxIter: 3 };
describeLearnerContract(
  [
    { cls: PlCl, make: () => new PlCl({ k: 5, ...fast }) },
    { cls: PlAggd, make: () => new PlAggd({ k: 5, ...fast }) },
    { cls: Plcp, make: () => new Plcp({ rounds: 2, partnerIterations: 3, baseOptions: { k: 5, ...fast } }) },
    { cls: Clpl, make: () => new Clpl({ maxIter: 5000 }) },
    { cls: PlSvm, make: () => new PlSvm({ epochs: 5, seed: 3 }) },
    { cls: Ipal, make: () => new Ipal({ k: 5, iterations: 5 }) },
    { cls: PlKnn, make: () => new PlKnn({ k: 5 }) },
  ],
  { kind: 'pll', ...task() },
);
