/**
 * The held-out tasks of test bed T (peft-v2-plan.ts, TASKS.T) and one fine-tuning run: the
 * pretrained decoder, adapters on q/k/v/o and the gated MLP's projections, trained on the answer
 * tokens only (the prompt's are ignored), scored by exact match (reversal and descending sort: every
 * answer token is the arg-max given the right prefix, which is what greedy decoding produces) or by
 * the most likely of the four candidates (choice-mod, a task of registrations 2–4 whose runs stay
 * in the runs file).
 */
import { Rng } from '@numts/core';
import type { PretrainedModel } from '@numts/models';
import { loadPretrained } from '@numts/models/node';
import { AdamW, crossEntropy, type Module, noGrad, reshape, Variable } from '@numts/nn';
import {
  type AdapterConfig,
  injectAdapters,
  notifyOptimizerStep,
  trainableParameterCount,
} from '@numts/peft';
import { TARGETS, TASKS, TESTBED_T } from './peft-v2-plan.js';
import { curveRecorder, runSchedule } from './peft-v2-run-v.js';
import { PAD, type TaskExample, type TaskT, taskExamples } from './peft-v2-testbed-t.js';
import { runSteps } from './step-loop.js';

/** Train / validation / test examples of a task (seeded, fixed). */
export interface TaskExamplesT {
  task: TaskT;
  train: TaskExample[];
  val: TaskExample[];
  test: TaskExample[];
}

/**
 * A task's examples: its training examples as many as the plan gives (registration 6: 200; the
 * tasks of earlier registrations 2 000), 300 for validation and 1 000 for the test; the smoke
 * tier takes a few of each.
 */
export function taskDataT(task: TaskT, smoke: boolean): TaskExamplesT {
  const planned = (TASKS.T as readonly { id: string; train?: number }[]).find((t) => t.id === task);
  const [n, v, t] = smoke ? [64, 16, 16] : [planned?.train ?? 2000, 300, 1000];
  return {
    task,
    train: taskExamples(task, n, 3001),
    val: taskExamples(task, v, 3002),
    test: taskExamples(task, t, 3003),
  };
}

/** A padded batch: inputs (prompt + answer without its last token) and the answer-position targets. */
export function batchOf(examples: TaskExample[]): { x: Variable; targets: Int32Array; length: number } {
  const length = Math.max(...examples.map((e) => e.prompt.length + e.answer.length)) - 1;
  const x = new Float32Array(examples.length * length).fill(PAD);
  const targets = new Int32Array(examples.length * length).fill(-100);
  examples.forEach((e, b) => {
    const seq = [...e.prompt, ...e.answer];
    for (let t = 0; t < seq.length - 1; t++) x[b * length + t] = seq[t]!;
    for (let j = 0; j < e.answer.length; j++) targets[b * length + e.prompt.length - 1 + j] = e.answer[j]!;
  });
  return { x: new Variable(x, [examples.length, length]), targets, length };
}

type CausalLm = PretrainedModel & Module & { forward(x: Variable): Variable };
const V = TESTBED_T.config.vocab_size;

/** Accuracy on examples: exact match of the answer (reverse) or the best of the candidates (choice-mod). */
export function accuracyT(model: CausalLm, examples: TaskExample[]): number {
  let right = 0;
  noGrad(() => {
    for (let s = 0; s < examples.length; s += 64) {
      const chunk = examples.slice(s, s + 64);
      const { x, length } = batchOf(chunk);
      const logits = model.forward(x).data;
      chunk.forEach((e, b) => {
        const at = (t: number) => (b * length + t) * V;
        if (e.candidates) {
          const row = at(e.prompt.length - 1);
          const best = e.candidates.reduce((p, c) => (logits[row + c]! > logits[row + p]! ? c : p));
          if (best === e.answer[0]) right++;
          return;
        }
        let ok = true;
        for (let j = 0; j < e.answer.length && ok; j++) {
          const row = at(e.prompt.length - 1 + j);
          let arg = 0;
          for (let c = 1; c < V; c++) if (logits[row + c]! > logits[row + arg]!) arg = c;
          ok = arg === e.answer[j];
        }
        if (ok) right++;
      });
    }
  });
  return right / examples.length;
}

/** One fine-tuning run on T. */
export interface RunSpecT {
  method: Omit<AdapterConfig, 'targetModules'>;
  lr: number;
  seed: number;
  steps: number;
  batch: number;
  evalOn: 'val' | 'test';
  /** Also score the validation examples after every `curvePoints`-th part of the steps (the plateau check). */
  curvePoints?: number | undefined;
  /** Modules the adapters go on (default: the plan's, TARGETS.T). */
  targets?: readonly string[] | undefined;
}

export function fineTuneT(
  spec: RunSpecT,
  dir: string,
  data: TaskExamplesT,
): { accuracy: number; curve?: number[]; losses: number[]; trainable: number; seconds: number } {
  const t0 = performance.now();
  const model = loadPretrained(dir) as CausalLm;
  injectAdapters(model, {
    ...spec.method,
    targetModules: spec.targets ?? TARGETS.T,
    seed: spec.seed,
  } as AdapterConfig);
  const opt = new AdamW(
    model.parameters().filter((p) => p.requiresGrad),
    { lr: spec.lr, weightDecay: 0 },
  );
  const schedule = runSchedule(opt, spec.steps);
  const recorder = curveRecorder(spec.steps, spec.curvePoints, () => {
    model.eval();
    const a = accuracyT(model, data.val);
    model.train();
    return a;
  });
  const losses = runSteps({
    steps: spec.steps,
    batch: spec.batch,
    rows: data.train.length,
    rng: new Rng(700 + spec.seed),
    step: (rows) => {
      const { x, targets, length } = batchOf(Array.from(rows, (r) => data.train[r]!));
      opt.zeroGrad();
      const loss = crossEntropy(reshape(model.forward(x), [rows.length * length, V]), targets);
      loss.backward();
      opt.step();
      schedule.step();
      notifyOptimizerStep(model);
      recorder.afterStep();
      return loss.item();
    },
  });
  model.eval();
  return {
    accuracy: accuracyT(model, data[spec.evalOn]),
    ...(spec.curvePoints ? { curve: recorder.curve } : {}),
    losses,
    trainable: trainableParameterCount(model),
    seconds: (performance.now() - t0) / 1000,
  };
}
