import { describe, expect, it } from 'vitest';
import { evaluateMultiLabel, Homi, pcaWhiten } from '../src/index.js';
import { mnistMultiLabelTask } from '../src/node.js';

describe('MNIST multi-label demo task', () => {
  it('is seeded, has 1–3 labels per example, and HOMI learns it', () => {
    const a = mnistMultiLabelTask({ n: 400, seed: 1 });
    const b = mnistMultiLabelTask({ n: 400, seed: 1 });
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    for (let i = 0; i < 400; i++) {
      const k = a.y.toArray()[i]!.reduce((s, v) => s + v, 0);
      expect(k >= 1 && k <= 3).toBe(true);
    }
    const all = mnistMultiLabelTask({ n: 700, seed: 2 });
    const x = pcaWhiten(all.x, { dropBelow: 1e-8 });
    const train = { x: x.slice(0, 500).clone(), y: all.y.slice(0, 500).clone() };
    const test = { x: x.slice(500, 700).clone(), y: all.y.slice(500, 700).clone() };
    const model = new Homi({ maxIter: 30 }).fit(train.x, train.y);
    const m = evaluateMultiLabel(test.y, model.decisionFunction(test.x));
    expect(m.average_precision).toBeGreaterThan(0.6);
  });
});
