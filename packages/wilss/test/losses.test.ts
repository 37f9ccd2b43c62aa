import { Rng } from '@numts/core';
import { getDefaultDtype, noGrad, setDefaultDtype, Variable } from '@numts/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  balancedCrossEntropy,
  encoderDistillationLoss,
  localizationPriorLoss,
  localizerClassLoss,
  ngwpFocalLogits,
  segmentationLoss,
  softCrossEntropy,
} from '../src/index.js';

let previous: ReturnType<typeof getDefaultDtype>;
beforeAll(() => {
  previous = getDefaultDtype();
  setDefaultDtype('float64');
});
afterAll(() => setDefaultDtype(previous));

function randVar(seed: number, shape: number[]): Variable {
  const rng = new Rng(seed);
  return Variable.from(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
    shape,
    { requiresGrad: true },
  );
}

function gradCheck(f: (z: Variable) => Variable, z: Variable): void {
  z.grad = null;
  f(z).backward();
  const g = Float64Array.from(z.grad!);
  for (let i = 0; i < z.size; i += Math.max(1, Math.floor(z.size / 40))) {
    const o = z.data[i]!;
    z.data[i] = o + 1e-6;
    const up = noGrad(() => f(z).item());
    z.data[i] = o - 1e-6;
    const down = noGrad(() => f(z).item());
    z.data[i] = o;
    expect(Math.abs(g[i]! - (up - down) / 2e-6), `element ${i}`).toBeLessThan(1e-7 * (1 + Math.abs(g[i]!)));
  }
}

describe('WILSON losses', () => {
  it('nGWP + focal logits match the definition', () => {
    const z = randVar(1, [1, 3, 2, 2]);
    const out = ngwpFocalLogits(z).data;
    for (let c = 0; c < 3; c++) {
      let num = 0;
      let den = 0;
      let mean = 0;
      for (let p = 0; p < 4; p++) {
        const e = [0, 1, 2].map((k) => Math.exp(z.data[k * 4 + p]!));
        const m = e[c]! / (e[0]! + e[1]! + e[2]!);
        num += m * z.data[c * 4 + p]!;
        den += m;
        mean += m / 4;
      }
      expect(out[c]).toBeCloseTo(num / (1 + den) + (1 - mean) ** 3 * Math.log(0.01 + mean), 12);
    }
  });

  it('every custom loss has gradients equal to finite differences', () => {
    const rng = new Rng(3);
    const targets = Float64Array.from({ length: 2 * 2 }, () => (rng.uniform() < 0.5 ? 1 : 0));
    gradCheck((z) => localizerClassLoss(z, 2, targets), randVar(2, [2, 4, 3, 3]));
    const omega = Float64Array.from({ length: 2 * 2 * 9 }, () => rng.uniform());
    gradCheck((z) => localizationPriorLoss(z, 2, omega), randVar(4, [2, 4, 3, 3]));
    const old = Float64Array.from({ length: 2 * 4 * 9 }, () => rng.normal());
    gradCheck((z) => encoderDistillationLoss(z, old), randVar(5, [2, 4, 3, 3]));
    const soft = Float64Array.from({ length: 2 * 4 * 9 }, () => rng.uniform());
    gradCheck((z) => segmentationLoss(z, soft, [1, 0]), randVar(6, [2, 4, 3, 3]));
    const labels = Int32Array.from({ length: 2 * 9 }, (_, i) => (i % 5 === 0 ? -1 : i % 4));
    gradCheck((z) => balancedCrossEntropy(z, labels), randVar(7, [2, 4, 3, 3]));
    gradCheck((z) => softCrossEntropy(z, soft, [1, 1]), randVar(9, [2, 4, 3, 3]));
  });

  it('soft cross-entropy equals hard cross-entropy for one-hot targets, and ignores empty pixels', () => {
    const z = randVar(10, [1, 3, 1, 2]);
    const t = [1, 0, 0, 0, 0, 0]; // pixel 0 → class 0; pixel 1 has no target
    const lse = (q: number) => Math.log([0, 1, 2].reduce((a, c) => a + Math.exp(z.data[c * 2 + q]!), 0));
    expect(softCrossEntropy(z, t, [1]).item()).toBeCloseTo((lse(0) - z.data[0]!) / 2, 12);
  });

  it('ℓ_SEG averages over kept images only, and is 0 when none is kept', () => {
    const z = randVar(8, [2, 2, 1, 1]);
    const t = [1, 0, 0, 1];
    const both = segmentationLoss(z, t, [1, 1]).item();
    const first = segmentationLoss(z, t, [1, 0]).item();
    const second = segmentationLoss(z, t, [0, 1]).item();
    expect(both).toBeCloseTo((first + second) / 2, 12);
    expect(segmentationLoss(z, t, [0, 0]).item()).toBe(0);
  });
});
