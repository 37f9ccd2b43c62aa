/**
 * Incremental settings and the data of each step (packages/wilss/README.md, "The problem and the protocol"): the base set (old classes, pixel
 * masks), step sets (new classes, image labels only; old objects may appear and a look-alike old
 * partner is placed touching a new object with probability 0.5), and a mixed test set.
 *
 * Labels inside the learner are "learning order" indices: 0 is background and 1…K follow the order
 * in which classes are learned, so the classifier simply grows at the end.
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import { generateScene, IMAGE_SIZE, type Scene } from './scenes.js';
import { SHAPE_NAMES, type ShapeName, shapeId } from './shapes.js';

/** An incremental setting: the classes of step 0 and of each later step, as shape ids. */
export interface Setting {
  name: string;
  steps: number[][];
}

const ids = (...names: ShapeName[]) => names.map(shapeId);

/** The settings of the benchmark (10-class set). */
export const SETTINGS: Readonly<Record<string, Setting>> = {
  /** 7 old classes, then the 3 partner classes (analogue of VOC 15-5). */
  '7-3': {
    name: '7-3',
    steps: [
      ids('circle', 'square', 'triangle', 'plus', 'star', 'inverted-triangle', 'hexagon'),
      ids('ring', 'hollow-square', 'x-cross'),
    ],
  },
  /** 5 + 5 (analogue of 10-10). */
  '5-5': {
    name: '5-5',
    steps: [
      ids('circle', 'square', 'triangle', 'plus', 'star'),
      ids('ring', 'hollow-square', 'inverted-triangle', 'x-cross', 'hexagon'),
    ],
  },
  /** 4 old classes, then three steps of two (analogue of VOC 10-2, multi-step). */
  '4-2-2-2': {
    name: '4-2-2-2',
    steps: [
      ids('circle', 'square', 'triangle', 'plus'),
      ids('ring', 'hollow-square'),
      ids('x-cross', 'inverted-triangle'),
      ids('star', 'hexagon'),
    ],
  },
};

/** Shape ids in learning order: order[k − 1] is the shape of learner label k. */
export function learningOrder(setting: Setting): number[] {
  return setting.steps.flat();
}

/** Learner labels known after step t (1-based learner labels, background excluded). */
export function knownLabels(setting: Setting, step: number): number[] {
  const n = setting.steps.slice(0, step + 1).reduce((a, s) => a + s.length, 0);
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Learner labels new at step t. */
export function newLabels(setting: Setting, step: number): number[] {
  const before = step === 0 ? 0 : knownLabels(setting, step - 1).length;
  return knownLabels(setting, step).slice(before);
}

/** A set of images in learner labels. */
export interface SegmentationSet {
  /** [n, 3, 32, 32] images. */
  images: Float32Array;
  /** [n, 32, 32] learner labels (hidden at weak steps; used for evaluation and pixel baselines). */
  masks: Uint8Array;
  /** Per image, the learner labels present (weak labels; a weak step uses only its new ones). */
  labels: number[][];
  n: number;
}

function toLearner(scenes: Scene[], order: number[]): SegmentationSet {
  const map = new Uint8Array(SHAPE_NAMES.length + 1);
  order.forEach((shape, k) => {
    map[shape] = k + 1;
  });
  const n = scenes.length;
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  const images = new Float32Array(n * 3 * pixels);
  const masks = new Uint8Array(n * pixels);
  const labels: number[][] = [];
  scenes.forEach((s, i) => {
    images.set(s.image, i * 3 * pixels);
    for (let p = 0; p < pixels; p++) masks[i * pixels + p] = map[s.mask[p]!]!;
    labels.push(
      s.labels
        .map((c) => map[c]!)
        .filter((c) => c > 0)
        .sort((a, b) => a - b),
    );
  });
  return { images, masks, labels, n };
}

/** Sizes of a benchmark tier. */
export interface DataSizes {
  base: number;
  step: number;
  test: number;
  val: number;
}

/** The data of a setting: base set, one weak set per later step, validation and test sets. */
export interface IncrementalData {
  setting: Setting;
  order: number[];
  base: SegmentationSet;
  steps: SegmentationSet[];
  val: SegmentationSet;
  test: SegmentationSet;
}

/**
 * Builds every set of a setting from one seed. Step images contain at least one object of the
 * step's new classes and, with probability 0.7, 1–2 objects of already learned classes; each new
 * object gets its look-alike old partner touching it with probability 0.5. With `protocol:
 * 'overlap'` step images may also contain future classes (unlabeled). Test and validation images
 * hold 1–3 objects of any class of the setting, with the same partner rule.
 * @throws DomainError for an unknown protocol or non-positive sizes
 */
export function buildIncrementalData(
  setting: Setting,
  sizes: DataSizes,
  seed: number,
  protocol: 'disjoint' | 'overlap' = 'disjoint',
): IncrementalData {
  if (protocol !== 'disjoint' && protocol !== 'overlap')
    throw new DomainError(
      `buildIncrementalData: protocol must be "disjoint" or "overlap" (got ${JSON.stringify(protocol)})`,
    );
  for (const [k, v] of Object.entries(sizes))
    if (!Number.isInteger(v) || v < 1)
      throw new DomainError(`buildIncrementalData: sizes.${k} must be a positive integer (got ${v})`);
  const rng = new Rng(seed);
  const order = learningOrder(setting);
  const all = order;
  const base = Array.from({ length: sizes.base }, () => generateScene(rng, { classes: setting.steps[0]! }));
  const steps = setting.steps.slice(1).map((newClasses, t) => {
    const old = setting.steps.slice(0, t + 1).flat();
    const future = setting.steps.slice(t + 2).flat();
    return Array.from({ length: sizes.step }, () => {
      const required = [newClasses[rng.int(0, newClasses.length)]!];
      if (rng.uniform() < 0.3) required.push(newClasses[rng.int(0, newClasses.length)]!);
      const pool = [
        ...old,
        ...(protocol === 'overlap' && future.length && rng.uniform() < 0.3 ? future : []),
      ];
      const withOld = rng.uniform() < 0.7;
      return generateScene(rng, {
        classes: withOld ? pool : [],
        count: [1, 2],
        required,
        partnerProbability: 0.5,
        partnerPool: old,
      });
    });
  });
  const mixed = (n: number) =>
    Array.from({ length: n }, () => {
      const required = [all[rng.int(0, all.length)]!];
      return generateScene(rng, {
        classes: all,
        count: [0, 2],
        required,
        partnerProbability: 0.5,
        partnerPool: all,
      });
    });
  const val = mixed(sizes.val);
  const test = mixed(sizes.test);
  return {
    setting,
    order,
    base: toLearner(base, order),
    steps: steps.map((s) => toLearner(s, order)),
    val: toLearner(val, order),
    test: toLearner(test, order),
  };
}
