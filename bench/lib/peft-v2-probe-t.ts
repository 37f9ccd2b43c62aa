/**
 * The probe behind registration 6 (peft-v2-plan.ts): LoRA at r = 4 on a task of test bed T at the
 * registered budget, on selection seed 100, with its validation curve at every tenth of the steps
 * — does the task leave room above LoRA? Validation examples only; nothing here is a result.
 *
 * `node --conditions=@numts/source --import tsx bench/lib/peft-v2-probe-t.ts <task> <rate> [training examples]`
 * (registration 6 ran reverse 8–14 and sort-desc at 2 000 and at 200 examples, rate 1e-2).
 */
import { BUDGETS, SELECTION_SEEDS } from './peft-v2-plan.js';
import { fineTuneT, taskDataT } from './peft-v2-run-t.js';
import { pretrainedT, type TaskT } from './peft-v2-testbed-t.js';

const [task, rate, examples] = process.argv.slice(2);
if (!task || !rate) throw new Error('usage: peft-v2-probe-t.ts <task> <rate> [training examples]');
const data = taskDataT(task as TaskT, false);
if (examples) data.train = data.train.slice(0, Number(examples));
const run = fineTuneT(
  {
    method: { method: 'lora', rank: 4, alpha: 4 },
    lr: Number(rate),
    seed: SELECTION_SEEDS[0]!,
    steps: BUDGETS.T.steps,
    batch: BUDGETS.T.batch,
    evalOn: 'val',
    curvePoints: 10,
  },
  pretrainedT({ smoke: false, log: console.error }).dir,
  data,
);
console.log(
  `${task} rate ${rate} ${data.train.length} training examples: validation ${(100 * run.accuracy).toFixed(1)} %,`,
  `curve ${run.curve!.map((c) => (100 * c).toFixed(0)).join(' ')} (${run.seconds.toFixed(0)} s)`,
);
