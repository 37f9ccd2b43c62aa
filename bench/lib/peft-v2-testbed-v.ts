/**
 * Test bed V of the PEFT reproduction v2 (plan: peft-v2-plan.ts): the ViT pretrained in the
 * project on Fashion-MNIST and kept as a Hugging Face checkpoint directory (config.json +
 * model.safetensors) in `bench/checkpoints/peft-v2/` (committed; the smoke tier's toy bed in the
 * cache), regenerated bit-identically from its seed when absent. Its curve and accuracy go to the runs file `docs/results/peft-v2-runs.jsonl`.
 *
 * `node --conditions=@numts/source --import tsx bench/lib/peft-v2-testbed-v.ts [--smoke]`
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@numts/core';
import { createModel, type PretrainedModel } from '@numts/models';
import { loadPretrained, savePretrained } from '@numts/models/node';
import {
  AdamW,
  cosineSchedule,
  crossEntropy,
  LrScheduler,
  type Module,
  noGrad,
  Variable,
  warmup,
} from '@numts/nn';
import { fashionMnistAvailable, loadFashionMnist } from '@numts/nn/node';
import { ROOT } from './harness.js';
import { type ImageRows, takeRows as takeImageRows } from './image-rows.js';
import { bedFingerprint, TESTBED_V } from './peft-v2-plan.js';
import { appendRun, BENCH_CACHE, BENCH_CHECKPOINTS, readRunsFile } from './runs-file.js';
import { readCheckpoint, removeCheckpoint, writeCheckpoint } from './training-checkpoint.js';

/** Images [n, 1, 28, 28] in [0, 1] with labels. */
export type ImageSet = ImageRows;

/** The pretraining data: rows 0–49 999 / 50 000–54 999 of a seeded permutation of the training set, and the test set. */
export function pretrainData(smoke: boolean): { train: ImageSet; val: ImageSet; test: ImageSet } {
  const { train, val, test } = fashionSplits(smoke);
  return { train, val, test };
}

/** The given rows of a set of 28×28 images. */
export const takeRows = (src: ImageSet, idx: ArrayLike<number>): ImageSet => takeImageRows(src, idx, 784);

let fashion: ReturnType<typeof loadFashionMnist> | undefined;

/** The seeded Fashion-MNIST rows: pretraining train / validation, the unseen rows, the test set. */
export function fashionSplits(smoke: boolean): {
  train: ImageSet;
  val: ImageSet;
  unseen: ImageSet;
  test: ImageSet;
} {
  if (!fashionMnistAvailable())
    throw new Error('peft v2: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)');
  fashion ??= loadFashionMnist();
  const f = fashion;
  const perm = new Rng(TESTBED_V.pretrain.seed).permutation(f.train.n);
  const [nTrain, nVal, nTest] = smoke ? [512, 128, 128] : [50_000, 5_000, f.test.n];
  return {
    train: takeRows(f.train, perm.subarray(0, nTrain)),
    val: takeRows(f.train, perm.subarray(50_000, 50_000 + nVal)),
    unseen: takeRows(f.train, perm.subarray(55_000, smoke ? 55_256 : 60_000)),
    test: takeRows(
      f.test,
      Array.from({ length: nTest }, (_, k) => k),
    ),
  };
}

/** Accuracy of a classifier on a set, in batches of 256, without recording gradients. */
export function accuracy(model: Module & { forward(x: Variable): Variable }, set: ImageSet): number {
  let correct = 0;
  noGrad(() => {
    for (let s = 0; s < set.n; s += 256) {
      const b = Math.min(256, set.n - s);
      const logits = model.forward(new Variable(set.x.slice(s * 784, (s + b) * 784), [b, 1, 28, 28])).data;
      for (let i = 0; i < b; i++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if (logits[i * 10 + c]! > logits[i * 10 + best]!) best = c;
        if (best === set.y[s + i]) correct++;
      }
    }
  });
  return correct / set.n;
}

export const PEFT_RUNS_FILE =
  process.env.NUMTS_PEFT_RUNS ?? join(ROOT, 'docs', 'results', 'peft-v2-runs.jsonl');

/**
 * The pretrained V: from the cache, or trained (AdamW, linear warm-up then cosine, batch and epochs
 * of the plan; the smoke tier one epoch on 512 images) and cached, with its validation curve and
 * test accuracy recorded.
 */
export function pretrainedV(
  options: { smoke?: boolean; log?: (s: string) => void; cacheDir?: string } = {},
): {
  model: PretrainedModel;
  dir: string;
} {
  const smoke = options.smoke ?? false;
  const log = options.log ?? (() => {});
  const p = TESTBED_V.pretrain;
  const epochs = smoke ? 1 : p.epochs;
  const dir = join(
    options.cacheDir ?? (smoke ? BENCH_CACHE : BENCH_CHECKPOINTS),
    'peft-v2',
    `V-${bedFingerprint(TESTBED_V)}-e${epochs}${smoke ? '-smoke' : ''}`,
  );
  if (existsSync(join(dir, 'model.safetensors'))) return { model: loadPretrained(dir), dir };
  const data = pretrainData(smoke);
  const model = createModel({ ...TESTBED_V.config }, { seed: p.seed }) as PretrainedModel &
    Module & { forward(x: Variable): Variable };
  const opt = new AdamW(model.parameters(), { lr: p.lr, weightDecay: p.weightDecay });
  const batches = Math.ceil(data.train.n / p.batch);
  const total = epochs * batches;
  const warm = Math.round(p.warmupFraction * total);
  const sched = new LrScheduler(opt, warmup(warm, cosineSchedule(total - warm)));
  const rng = new Rng(p.seed + 1);
  // A pretraining that stopped continues from its last epoch's checkpoint, bit for bit.
  mkdirSync(dir, { recursive: true });
  const partial = join(dir, 'partial.safetensors');
  const resumed = readCheckpoint(partial);
  const done = Number(resumed?.metadata.epochs ?? 0);
  if (resumed) {
    model.loadStateDict(resumed.weights);
    opt.loadStateDict(resumed.optimizer);
    for (let e = 0; e < done; e++) rng.permutation(data.train.n);
    for (let s = 0; s < done * batches; s++) sched.step();
    log(`V pretrain resumes after epoch ${done}`);
  }
  const t0 = performance.now() - 1000 * Number(resumed?.metadata.seconds ?? 0);
  const curve: { epoch: number; val: number; loss: number; minutes: number }[] = JSON.parse(
    resumed?.metadata.curve ?? '[]',
  );
  for (let e = done; e < epochs; e++) {
    const order = rng.permutation(data.train.n);
    let lossSum = 0;
    for (let s = 0; s < batches; s++) {
      const idx = order.subarray(s * p.batch, Math.min(data.train.n, (s + 1) * p.batch));
      const x = new Float32Array(idx.length * 784);
      const y = new Int32Array(idx.length);
      idx.forEach((i, j) => {
        x.set(data.train.x.subarray(i * 784, i * 784 + 784), j * 784);
        y[j] = data.train.y[i]!;
      });
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(new Variable(x, [idx.length, 1, 28, 28])), y);
      loss.backward();
      opt.step();
      sched.step();
      lossSum += loss.item();
    }
    const val = accuracy(model, data.val);
    const minutes = (performance.now() - t0) / 60000;
    curve.push({ epoch: e + 1, val, loss: lossSum / batches, minutes });
    log(
      `V pretrain epoch ${e + 1}/${epochs}: loss ${(lossSum / batches).toFixed(4)}, validation ${(100 * val).toFixed(2)} % (${minutes.toFixed(1)} min)`,
    );
    writeCheckpoint(partial, {
      weights: model.stateDict(),
      optimizer: opt.stateDict(),
      metadata: { epochs: String(e + 1), curve: JSON.stringify(curve), seconds: String(minutes * 60) },
    });
  }
  const test = accuracy(model, data.test);
  savePretrained(model, dir);
  removeCheckpoint(partial);
  if (!smoke)
    appendRun(PEFT_RUNS_FILE, {
      key: `pretrain/V/${bedFingerprint(TESTBED_V)}/e${epochs}`,
      kind: 'pretrain',
      bed: 'V',
      test,
      curve,
      seconds: (performance.now() - t0) / 1000,
    });
  log(`V pretrained: test accuracy ${(100 * test).toFixed(2)} %`);
  return { model, dir };
}

/** The recorded pretraining of V (null before it ran). */
export function pretrainRecordV(): { test: number; curve: unknown[] } | null {
  type Pretrain = { key: string; kind: string; bed: string; test: number; curve: unknown[] };
  const runs = readRunsFile<Pretrain>(PEFT_RUNS_FILE, (r) => r.kind === 'pretrain' && r.bed === 'V');
  return [...runs.values()].at(-1) ?? null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes('--smoke');
  const { dir } = pretrainedV({ smoke, log: (s) => console.error(s) });
  console.log(dir);
}
