/** AdaLoRA: ΔW from the SVD form, the budget schedule, importance-based pruning, the orthogonality regulariser. */
import { describe, expect, it } from 'vitest';
import {
  type AdaloraAdapter,
  AdaloraAllocator,
  adaptersOf,
  injectAdapters,
  mpcPenalty,
} from '../src/index.js';
import { perturbAdapters, relErr, TinyMlp } from './helpers.js';

function adalora(rank = 6) {
  const model = new TinyMlp(7, 9, 3, 4);
  injectAdapters(model, { method: 'adalora', targetModules: ['fc1', 'fc2'], rank, alpha: 5 });
  const layers = adaptersOf(model).map(([, a]) => a as AdaloraAdapter);
  return { model, layers };
}

describe('AdaLoRA adapter', () => {
  it('ΔW = P·diag(Λ)·Q·α/(r + 1e-5), element by element', () => {
    const { model, layers } = adalora(3);
    perturbAdapters(model, 2, 0.5);
    const a = layers[0]!;
    const w = Float64Array.from(model.fc1.weight.data);
    const delta = Float64Array.from(a.effectiveWeight(), (v, i) => v - w[i]!);
    const [out, inn, r] = [9, 7, 3];
    const expected = new Float64Array(out * inn);
    for (let i = 0; i < out; i++)
      for (let j = 0; j < inn; j++) {
        let s = 0;
        for (let k = 0; k < r; k++)
          s += a.loraB.data[i * r + k]! * a.loraE.data[k]! * a.loraA.data[k * inn + j]!;
        expected[i * inn + j] = (s * 5) / (3 + 1e-5);
      }
    expect(relErr(delta, expected)).toBeLessThan(1e-6);
  });

  it('the orthogonality regulariser is mean(‖QQᵀ − I‖_F, ‖PᵀP − I‖_F) times its weight', () => {
    const { model, layers } = adalora(3);
    perturbAdapters(model, 3, 0.4);
    const fro = (m: number[][]) => Math.sqrt(m.flat().reduce((s, v) => s + v * v, 0));
    let total = 0;
    for (const a of layers) {
      const [inn, out, r] = [a.loraA.shape[1]!, a.loraB.shape[0]!, 3];
      const qqt = Array.from({ length: r }, (_, i) =>
        Array.from({ length: r }, (_, j) => {
          let s = 0;
          for (let c = 0; c < inn; c++) s += a.loraA.data[i * inn + c]! * a.loraA.data[j * inn + c]!;
          return s - (i === j ? 1 : 0);
        }),
      );
      const ptp = Array.from({ length: r }, (_, i) =>
        Array.from({ length: r }, (_, j) => {
          let s = 0;
          for (let c = 0; c < out; c++) s += a.loraB.data[c * r + i]! * a.loraB.data[c * r + j]!;
          return s - (i === j ? 1 : 0);
        }),
      );
      total += fro(qqt) + fro(ptp);
    }
    const reg = mpcPenalty(model, { kind: 'orthogonal', lambda: 0.5 }).item();
    expect(reg).toBeCloseTo((0.5 * total) / 4, 5);
  });
});

describe('AdaLoRA budget schedule and allocation', () => {
  it("the budget follows peft's schedule (values worked by hand)", () => {
    const { model } = adalora(6); // two layers: b0 = 12
    const alloc = new AdaloraAllocator(model, {
      totalStep: 15,
      targetRank: 2,
      tinit: 2,
      tfinal: 3,
      deltaT: 2,
    });
    expect([alloc.initialBudget, alloc.targetBudget]).toEqual([12, 4]);
    // t ≤ tinit: b0; cubic decay over (tinit, T − tfinal] = (2, 12]; b = ⌊8(1 − (t − 2)/10)³ + 4⌋.
    expect(alloc.budgetSchedule(2)).toEqual({ budget: 12, mask: false });
    expect(alloc.budgetSchedule(3)).toEqual({ budget: 9, mask: false }); // 8·0.9³ + 4 = 9.832
    expect(alloc.budgetSchedule(4)).toEqual({ budget: 8, mask: true }); // 8·0.8³ + 4 = 8.096
    expect(alloc.budgetSchedule(7)).toEqual({ budget: 5, mask: false }); // 8·0.5³ + 4 = 5
    expect(alloc.budgetSchedule(12)).toEqual({ budget: 4, mask: true });
    expect(alloc.budgetSchedule(13)).toEqual({ budget: 4, mask: true });
  });

  it('prunes the triplets of lowest importance to the budget, then keeps them pruned', () => {
    const { model, layers } = adalora(6);
    // Known importance: gradients only on Λ, so a triplet's score grows with |Λᵢ·∂Λᵢ| = |Λᵢ|.
    const magnitudes = [
      [0.9, 0.1, 0.5, 0.7, 0.3, 0.05],
      [0.2, 0.8, 0.6, 0.15, 0.4, 1.0],
    ];
    const setGrads = () =>
      layers.forEach((a, l) => {
        for (const p of [a.loraA, a.loraB, a.loraE]) p.grad = new Float32Array(p.size);
        magnitudes[l]!.forEach((m, i) => {
          a.loraE.data[i] = m;
          a.loraE.grad![i] = 1;
        });
      });
    const alloc = new AdaloraAllocator(model, {
      totalStep: 10,
      targetRank: 2,
      tinit: 0,
      tfinal: 2,
      deltaT: 1,
    });
    setGrads();
    const first = alloc.updateAndAllocate(1); // b = ⌊8·(7/8)³ + 4⌋ = 9: prune 3 of 12
    expect(first.budget).toBe(9);
    const kept = (l: number) => Array.from(layers[l]!.loraE.data, (v) => v !== 0);
    // The three smallest |Λ|: 0.05 and 0.1 (layer 0), 0.15 (layer 1).
    expect(kept(0)).toEqual([true, false, true, true, true, false]);
    expect(kept(1)).toEqual([true, true, true, false, true, true]);
    expect(first.rankPattern!.get('fc1')).toEqual(kept(0));
    setGrads();
    const final = alloc.updateAndAllocate(8); // T − tfinal: the final budget 4
    expect(final.budget).toBe(4);
    const survivors = [...kept(0), ...kept(1)].filter(Boolean).length;
    expect(survivors).toBe(4);
    // Training may revive a pruned Λᵢ; every later call zeroes it again.
    for (const a of layers) a.loraE.data.fill(0.5);
    alloc.updateAndAllocate(9);
    expect([...kept(0), ...kept(1)].filter(Boolean).length).toBe(4);
  });

  it('rejects bad schedules and a model without AdaLoRA, naming the rule', () => {
    const { model } = adalora(2);
    expect(() => new AdaloraAllocator(model, { totalStep: 10, tinit: 6, tfinal: 5 })).toThrow(
      'AdaloraAllocator: tfinal must be an integer in [0, 3] (got 5)',
    );
    expect(() => new AdaloraAllocator(model, { totalStep: 10, beta1: 1 })).toThrow(
      'AdaloraAllocator: beta1 must lie in [0, 1) (got 1)',
    );
    const plain = new TinyMlp(7, 9, 3);
    injectAdapters(plain, { method: 'lora', targetModules: ['fc1'], rank: 2 });
    expect(() => new AdaloraAllocator(plain, { totalStep: 5 })).toThrow(
      'AdaloraAllocator: the model has no AdaLoRA adapter',
    );
    const alloc = new AdaloraAllocator(model, { totalStep: 10 });
    expect(() => alloc.updateAndAllocate(1)).toThrow(/have no gradient; call it after backward\(\)/);
  });
});
