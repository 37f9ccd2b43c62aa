/**
 * Test bed T of the PEFT reproduction v2 (plan: peft-v2-plan.ts): a LLaMA-style decoder pretrained
 * in the project on a corpus generated here from a seeded grammar (no data set, no licence: we
 * write it), and the two held-out task families it is adapted to. The pretraining corpus holds
 * copy, sort (ascending only), count and bracket fragments and never a reversal or a descending
 * sort, so both tasks (plan: TASKS.T) need adaptation, not recall.
 *
 * Vocabulary (48): 0 PAD, 1 BOS, 2 EOS, 3 `|`, 4 `?`, 5 `=`, 6–31 the letters a–z, 32–41 the digits
 * 0–9, 42–45 `( ) [ ]`, 46 `rev`, 47 `mod`.
 */
import { existsSync } from 'node:fs';
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
  reshape,
  Variable,
  warmup,
} from '@numts/nn';
import { bedFingerprint, TESTBED_T } from './peft-v2-plan.js';
import { PEFT_RUNS_FILE } from './peft-v2-testbed-v.js';
import { appendRun, BENCH_CACHE, BENCH_CHECKPOINTS } from './runs-file.js';

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const SEP = 3;
export const QUESTION = 4;
export const EQUALS = 5;
export const letter = (i: number) => 6 + i;
export const digit = (d: number) => 32 + d;
const OPEN = [42, 44];
const CLOSE = [43, 45];
export const REV = 46;
export const MOD = 47;
export const SEQUENCE = TESTBED_T.config.max_position_embeddings;

/** One pretraining fragment: BOS … EOS, drawn from the grammar's four families. */
export function fragment(rng: Rng): number[] {
  const kind = rng.int(0, 4);
  const n = rng.int(3, 9);
  const letters = Array.from({ length: n }, () => rng.int(0, 10));
  if (kind === 0) return [BOS, ...letters.map(letter), SEP, ...letters.map(letter), EOS]; // copy
  if (kind === 1)
    return [BOS, ...letters.map(letter), SEP, ...[...letters].sort((a, b) => a - b).map(letter), EOS]; // sort
  if (kind === 2) {
    // count of the first letter in the sequence
    const c = letters.filter((v) => v === letters[0]).length;
    return [BOS, ...letters.map(letter), QUESTION, letter(letters[0]!), EQUALS, digit(c), EOS];
  }
  // balanced brackets of two kinds
  const out = [BOS];
  const stack: number[] = [];
  for (let i = 0; i < 2 * n; i++) {
    if (stack.length && (rng.uniform() < 0.5 || stack.length + i >= 2 * n)) out.push(CLOSE[stack.pop()!]!);
    else {
      const t = rng.int(0, 2);
      stack.push(t);
      out.push(OPEN[t]!);
    }
  }
  while (stack.length) out.push(CLOSE[stack.pop()!]!);
  out.push(EOS);
  return out;
}

/** `count` sequences of SEQUENCE tokens packed with fragments (PAD at the end of each). */
export function corpus(count: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const out = new Int32Array(count * SEQUENCE);
  for (let s = 0; s < count; s++) {
    let at = 0;
    for (;;) {
      const f = fragment(rng);
      if (at + f.length > SEQUENCE) break;
      out.set(f, s * SEQUENCE + at);
      at += f.length;
    }
  }
  return out;
}

/** The held-out task families of T (peft-v2-plan.ts, TASKS.T). */
export type TaskT = 'reverse-8-14-n200' | 'sort-desc-n200' | 'reverse-a-j' | 'sort-desc' | 'choice-mod';

/** A task example: the prompt, and the answer tokens (reverse) or four candidates and the right one (choice-mod). */
export interface TaskExample {
  prompt: number[];
  answer: number[];
  candidates?: number[];
}

/** Examples of a held-out task family, seeded. */
export function taskExamples(task: TaskT, n: number, seed: number): TaskExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    if (task === 'reverse-a-j') {
      // Letters a–j only: the corpus uses no others, so the output rows of k–z are never trained
      // and no adapter on the attention and MLP projections could emit them (registration 4).
      const len = rng.int(4, 9);
      const xs = Array.from({ length: len }, () => letter(rng.int(0, 10)));
      return { prompt: [BOS, REV, ...xs, SEP], answer: [...xs].reverse().concat(EOS) };
    }
    if (task === 'reverse-8-14-n200') {
      // Registration 6: longer sequences (and 200 training examples, taskDataT).
      const len = rng.int(8, 15);
      const xs = Array.from({ length: len }, () => letter(rng.int(0, 10)));
      return { prompt: [BOS, REV, ...xs, SEP], answer: [...xs].reverse().concat(EOS) };
    }
    if (task === 'sort-desc' || task === 'sort-desc-n200') {
      // The corpus sorts ascending only (its fragments carry no marker; this task's prompt opens
      // with `rev` to ask for the other order).
      const len = rng.int(4, 9);
      const xs = Array.from({ length: len }, () => letter(rng.int(0, 10)));
      return { prompt: [BOS, REV, ...xs, SEP], answer: [...xs].sort((a, b) => b - a).concat(EOS) };
    }
    const a = rng.int(0, 10);
    const b = rng.int(0, 10);
    const right = (a + b) % 7;
    const others = rng.permutation(7).filter((v) => v !== right);
    const candidates = [right, others[0]!, others[1]!, others[2]!].map(digit);
    const order = rng.permutation(4);
    return {
      prompt: [BOS, digit(a), digit(b), MOD, digit(7), EQUALS],
      answer: [digit(right)],
      candidates: Array.from(order, (i) => candidates[i]!),
    };
  });
}

type CausalLm = PretrainedModel & Module & { forward(x: Variable): Variable };

/** Next-token cross-entropy of a batch of packed sequences (PAD targets ignored). */
export function lmLoss(model: CausalLm, tokens: Int32Array, batch: number): Variable {
  const inputs = new Float32Array(batch * (SEQUENCE - 1));
  const targets = new Int32Array(batch * (SEQUENCE - 1));
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < SEQUENCE - 1; t++) {
      inputs[b * (SEQUENCE - 1) + t] = tokens[b * SEQUENCE + t]!;
      const next = tokens[b * SEQUENCE + t + 1]!;
      targets[b * (SEQUENCE - 1) + t] = next === PAD ? -100 : next;
    }
  const logits = model.forward(new Variable(inputs, [batch, SEQUENCE - 1]));
  return crossEntropy(reshape(logits, [batch * (SEQUENCE - 1), TESTBED_T.config.vocab_size]), targets);
}

/**
 * The pretrained T: from the cache, or trained (AdamW, warm-up then cosine, the plan's token budget;
 * the smoke tier 64 sequences) and cached as a Hugging Face LlamaForCausalLM checkpoint.
 */
export function pretrainedT(
  options: { smoke?: boolean; cacheDir?: string; log?: (s: string) => void } = {},
): {
  model: PretrainedModel;
  dir: string;
} {
  const smoke = options.smoke ?? false;
  const log = options.log ?? (() => {});
  const p = TESTBED_T.pretrain;
  const sequences = smoke ? 64 : Math.ceil(p.tokens / SEQUENCE);
  const dir = join(
    options.cacheDir ?? (smoke ? BENCH_CACHE : BENCH_CHECKPOINTS),
    'peft-v2',
    `T-${bedFingerprint(TESTBED_T)}-n${sequences}`,
  );
  if (existsSync(join(dir, 'model.safetensors'))) return { model: loadPretrained(dir), dir };
  const data = corpus(sequences, p.seed);
  const model = createModel({ ...TESTBED_T.config }, { seed: p.seed }) as CausalLm;
  const opt = new AdamW(model.parameters(), { lr: p.lr, weightDecay: 0.01 });
  const batch = smoke ? 8 : p.batch;
  const steps = Math.floor(sequences / batch);
  const sched = new LrScheduler(
    opt,
    warmup(Math.round(0.05 * steps), cosineSchedule(steps - Math.round(0.05 * steps))),
  );
  const t0 = performance.now();
  let sum = 0;
  const curve: { step: number; loss: number; minutes: number }[] = [];
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const loss = lmLoss(model, data.subarray(s * batch * SEQUENCE, (s + 1) * batch * SEQUENCE), batch);
    loss.backward();
    opt.step();
    sched.step();
    sum += loss.item();
    if ((s + 1) % Math.max(1, Math.floor(steps / 10)) === 0) {
      curve.push({
        step: s + 1,
        loss: sum / Math.max(1, Math.floor(steps / 10)),
        minutes: (performance.now() - t0) / 60000,
      });
      log(
        `T pretrain step ${s + 1}/${steps}: loss ${(sum / Math.max(1, Math.floor(steps / 10))).toFixed(4)} (${((performance.now() - t0) / 60000).toFixed(1)} min)`,
      );
      sum = 0;
    }
  }
  savePretrained(model, dir);
  if (!smoke)
    appendRun(PEFT_RUNS_FILE, {
      key: `pretrain/T/${bedFingerprint(TESTBED_T)}/n${sequences}`,
      kind: 'pretrain',
      bed: 'T',
      curve,
      seconds: (performance.now() - t0) / 1000,
    });
  return { model, dir };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { dir } = pretrainedT({ smoke: process.argv.includes('--smoke'), log: (s) => console.error(s) });
  console.log(dir);
}
