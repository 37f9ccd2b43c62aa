/**
 * Headroom probe for the Shapes-WILSS benchmark: trains the base model (step 0, pixel masks of the
 * old classes) and then Joint (the upper bound: every set with full pixel masks) on setting 7-3,
 * printing test mIoU after every few epochs (training curves), so that data sizes, width and
 * epochs can be chosen from the base and Joint curves alone, before any incremental method runs.
 *
 * `node --conditions=@numts/source --import tsx bench/lib/wilss-headroom.ts <width> <base epochs>
 *   <base images> <step images> <joint epochs> <seed>` (joint epochs 0: base only). Each line is
 * JSON: {"phase":"base"|"joint","epoch":…,"old":…,"new":…,"all":…,"train_old":…,"minutes":…}
 * (mIoU in %; train_old, the base model on its own training images, on the base's last epoch).
 */
import { buildIncrementalData, evaluate, SETTINGS, trainBase, trainJoint } from '@numts/wilss';

const [width, baseEpochs, baseImages, stepImages, jointEpochs, seed] = process.argv.slice(2).map(Number) as [
  number,
  number,
  number,
  number,
  number,
  number,
];
const data = buildIncrementalData(
  SETTINGS['7-3']!,
  { base: baseImages, step: stepImages, val: 50, test: 300 },
  1000 + seed,
);
const t0 = performance.now();
const minutes = () => Number(((performance.now() - t0) / 60000).toFixed(1));
const pct = (v: number) => Number((100 * v).toFixed(1));
const every = (e: number, epochs: number) => (e + 1) % 4 === 0 || e === epochs - 1;
const base = trainBase(data.base, 8, {
  epochs: baseEpochs,
  seed,
  width,
  onEpoch: (e, m) => {
    if (!every(e, baseEpochs)) return;
    const r = evaluate(m, data.test, 7);
    const last = e === baseEpochs - 1;
    console.log(
      JSON.stringify({
        phase: 'base',
        epoch: e + 1,
        old: pct(r.old),
        ...(last ? { train_old: pct(evaluate(m, data.base, 7).old) } : {}),
        minutes: minutes(),
      }),
    );
  },
});
if (jointEpochs > 0)
  trainJoint(base, [data.base, ...data.steps], 11, {
    epochs: jointEpochs,
    seed,
    onEpoch: (e, m) => {
      const r = evaluate(m, data.test, 7);
      console.log(
        JSON.stringify({
          phase: 'joint',
          epoch: e + 1,
          old: pct(r.old),
          new: pct(r.new),
          all: pct(r.all),
          minutes: minutes(),
        }),
      );
    },
  });
