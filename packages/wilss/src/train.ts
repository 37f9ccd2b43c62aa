/**
 * Training of the base model (step 0, pixel masks) and of one incremental step with each method
 * of packages/wilss/README.md ("Methods and their losses"): FT-pixel, FT-weak (offline CAM), CAM+old, WILSON, TME-lite (with ablation
 * switches) and Joint; plus evaluation.
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import {
  Adam,
  add as addLoss,
  avgPool2d,
  bceWithLogits,
  Conv2d,
  crossEntropy,
  globalAvgPool2d,
  type Module,
  noGrad,
  reshape,
  resizeBilinear,
  softmax,
  Variable,
} from '@numts/nn';
import {
  balancedCrossEntropy,
  encoderDistillationLoss,
  localizationPriorLoss,
  localizerClassLoss,
  segmentationLoss,
  softCrossEntropy,
} from './losses.js';
import { ConfusionMatrix, type MiouSummary, summarize } from './metrics.js';
import { Localizer, Segmenter } from './model.js';
import { pamr, pseudoGtMask } from './pamr.js';
import type { SegmentationSet } from './protocol.js';
import { pseudoLabels, type TmeOptions } from './pseudo.js';
import { felzenszwalb } from './regions.js';

/** Options shared by base and step training. */
export interface TrainOptions {
  epochs: number;
  /** Batch size (default 16). */
  batch?: number | undefined;
  seed: number;
  /** Base learning rate (trainBase default 5e-3, Adam). */
  lr?: number | undefined;
  /**
   * trainBase's loss: `'ce'` (default; softmax cross-entropy, ω = softmax) or `'bce'` (WILSON's
   * per-class BCE, ω = sigmoid). BCE learned the shapes several times slower in our runs.
   */
  baseLoss?: 'ce' | 'bce' | undefined;
  /** Called after every epoch with a short status line. */
  log?: ((line: string) => void) | undefined;
}

/** The step methods. */
export type StepMethod = 'ft-pixel' | 'ft-weak' | 'cam-old' | 'wilson' | 'tme';

/** Options of {@link trainStep}. */
export interface StepOptions extends TrainOptions {
  method: StepMethod;
  /** TME-lite switches (method 'tme'; default: object-based TME + fusion, the full method). */
  tme?: TmeOptions | undefined;
  /** Localizer-only warm-up as a fraction of the epochs (default 0.125, WILSON's 5 of 40). */
  warmupFraction?: number | undefined;
  /** Learning rate of the encoder (default 2e-4) and, ×10, of decoder, classifier and localizer. */
  lr?: number | undefined;
  /** Maximum fusion weight λ_max (default 1), ramped linearly after the warm-up. */
  lambdaMax?: number | undefined;
}

/** Mechanism measurements of a weak step on its training images (hidden GT, evaluation only). */
export interface Mechanism {
  /** mIoU of the final pseudo labels (argmax of q̂) against GT, old foreground / new classes. */
  pseudoOld: number;
  pseudoNew: number;
  /** |Ω|/|I|: share of pixels where the old model and the seeds both claim a class. */
  conflictRate: number;
  /** Share of conflict pixels whose final pseudo label is the GT class. */
  conflictResolvedCorrectly: number;
  /** Share of images kept by the image filter. */
  keptImages: number;
}

const P = 256; // 16×16 loss resolution

function imagesOf(set: SegmentationSet, idx: ArrayLike<number>): Variable {
  const out = new Float32Array(idx.length * 3072);
  for (let i = 0; i < idx.length; i++)
    out.set(set.images.subarray(idx[i]! * 3072, idx[i]! * 3072 + 3072), i * 3072);
  return new Variable(out, [idx.length, 3, 32, 32]);
}

/** 32×32 masks → 16×16 by the most frequent label of each 2×2 block (ties: the smaller label). */
export function downsampleMask(mask: ArrayLike<number>, offset = 0): Uint8Array {
  const out = new Uint8Array(P);
  for (let y = 0; y < 16; y++)
    for (let x = 0; x < 16; x++) {
      const v = [0, 1, 32, 33].map((d) => mask[offset + 2 * y * 32 + 2 * x + d]!);
      let best = v[0]!;
      let bc = 0;
      for (const a of v) {
        const c = v.filter((b) => b === a).length;
        if (c > bc || (c === bc && a < best)) {
          best = a;
          bc = c;
        }
      }
      out[y * 16 + x] = best;
    }
  return out;
}

function masks16(set: SegmentationSet, idx: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(idx.length * P);
  for (let i = 0; i < idx.length; i++) out.set(downsampleMask(set.masks, idx[i]! * 1024), i * P);
  return out;
}

function oneHot(labels: Uint8Array | Int32Array, k: number): Float32Array {
  const n = labels.length / P;
  const out = new Float32Array(n * k * P);
  for (let i = 0; i < n; i++)
    for (let q = 0; q < P; q++) {
      const c = labels[i * P + q]!;
      if (c < k) out[(i * k + c) * P + q] = 1;
    }
  return out;
}

function epochsOf(n: number, batch: number, rng: Rng): Int32Array[] {
  const perm = rng.permutation(n);
  const out: Int32Array[] = [];
  for (let i = 0; i < n; i += batch) out.push(perm.subarray(i, Math.min(n, i + batch)));
  return out;
}

function setLr(opt: Adam, base: number[], factor: number): void {
  opt.groups.forEach((g, i) => {
    g.lr = base[i]! * factor;
  });
}

/**
 * Step 0: trains a segmenter with `classes` outputs (background included) on pixel masks, Adam
 * 5e-3 with cosine decay, with softmax cross-entropy (default; the old model's scores ω are then its
 * softmax) or WILSON's per-class BCE (`baseLoss: 'bce'`, ω = sigmoid).
 * @throws DomainError for a non-positive epoch count or class count
 */
export function trainBase(set: SegmentationSet, classes: number, options: TrainOptions): Segmenter {
  if (!Number.isInteger(options.epochs) || options.epochs < 1)
    throw new DomainError(`trainBase: epochs must be a positive integer (got ${options.epochs})`);
  if (!Number.isInteger(classes) || classes < 2)
    throw new DomainError(`trainBase: classes must be an integer ≥ 2 (got ${classes})`);
  const batch = options.batch ?? 16;
  const model = new Segmenter(classes, options.seed);
  const lr = options.lr ?? 5e-3;
  const baseLoss = options.baseLoss ?? 'ce';
  model.calibration = baseLoss === 'ce' ? 'softmax' : 'sigmoid';
  const opt = new Adam(model.parameters(), { lr });
  const rng = new Rng(options.seed * 7 + 1);
  const total = options.epochs * Math.ceil(set.n / batch);
  let step = 0;
  for (let e = 0; e < options.epochs; e++) {
    let sum = 0;
    const bs = epochsOf(set.n, batch, rng);
    for (const idx of bs) {
      setLr(opt, [lr], 0.5 * (1 + Math.cos((Math.PI * step++) / total)));
      const x = imagesOf(set, idx);
      const m16 = masks16(set, idx);
      opt.zeroGrad();
      const logits = model.forward(x);
      const loss =
        baseLoss === 'ce'
          ? crossEntropy(logits, Int32Array.from(m16))
          : segmentationLoss(logits, oneHot(m16, classes), new Uint8Array(idx.length).fill(1));
      loss.backward();
      opt.step();
      sum += loss.item();
    }
    options.log?.(`base epoch ${e + 1}/${options.epochs}: loss ${(sum / bs.length).toFixed(4)}`);
  }
  return model;
}

/** Offline CAM labels (FT-weak, CAM+old): a GAP classifier on the frozen old encoder's body. */
function camLabels(
  old: Segmenter,
  set: SegmentationSet,
  kOld: number,
  k: number,
  options: TrainOptions,
): Uint8Array {
  const batch = options.batch ?? 16;
  const nNew = k - kOld;
  const cam = new Conv2d(24, nNew, 1, { seed: options.seed + 5 });
  const opt = new Adam(cam.parameters(), { lr: 1e-2 });
  const rng = new Rng(options.seed * 7 + 3);
  const bodies = new Float32Array(set.n * 24 * 64);
  noGrad(() => {
    for (let i = 0; i < set.n; i += 64) {
      const idx = Int32Array.from({ length: Math.min(64, set.n - i) }, (_, j) => i + j);
      bodies.set(old.encode(imagesOf(set, idx)).body.data, i * 24 * 64);
    }
  });
  const bodyOf = (idx: ArrayLike<number>) => {
    const out = new Float32Array(idx.length * 1536);
    for (let j = 0; j < idx.length; j++)
      out.set(bodies.subarray(idx[j]! * 1536, idx[j]! * 1536 + 1536), j * 1536);
    return new Variable(out, [idx.length, 24, 8, 8]);
  };
  const targetOf = (idx: ArrayLike<number>) => {
    const t = new Float32Array(idx.length * nNew);
    for (let j = 0; j < idx.length; j++)
      for (const c of set.labels[idx[j]!]!) if (c >= kOld) t[j * nNew + c - kOld] = 1;
    return t;
  };
  for (let e = 0; e < options.epochs; e++)
    for (const idx of epochsOf(set.n, batch, rng)) {
      opt.zeroGrad();
      const logits = reshape(globalAvgPool2d(cam.forward(bodyOf(idx))), [idx.length, nNew]);
      bceWithLogits(logits, Variable.from(targetOf(idx), [idx.length, nNew])).backward();
      opt.step();
    }
  const labels = new Uint8Array(set.n * P);
  noGrad(() => {
    for (let i = 0; i < set.n; i += 64) {
      const idx = Int32Array.from({ length: Math.min(64, set.n - i) }, (_, j) => i + j);
      const maps = resizeBilinear(cam.forward(bodyOf(idx)), [16, 16]).data;
      for (let j = 0; j < idx.length; j++) {
        const present = set.labels[idx[j]!]!.filter((c) => c >= kOld);
        const norm = new Map<number, number>();
        for (const c of present) {
          let mx = 0;
          for (let q = 0; q < P; q++) mx = Math.max(mx, maps[(j * nNew + c - kOld) * P + q]!);
          norm.set(c, mx);
        }
        for (let q = 0; q < P; q++) {
          let best = 0;
          let bv = 0.3;
          for (const c of present) {
            const mx = norm.get(c)!;
            const v = mx > 0 ? Math.max(0, maps[(j * nNew + c - kOld) * P + q]!) / mx : 0;
            if (v >= bv) {
              bv = v;
              best = c;
            }
          }
          labels[(i + j) * P + q] = best;
        }
      }
    }
  });
  return labels;
}

/**
 * One incremental step: a copy of `old` with `k − kOld` new classifier outputs trained on the
 * step's images with `options.method`. The old model is not modified.
 * @throws DomainError for an unknown method or inconsistent class counts
 */
export function trainStep(
  old: Segmenter,
  set: SegmentationSet,
  k: number,
  options: StepOptions,
): { model: Segmenter; mechanism: Mechanism | null } {
  const fn = 'trainStep';
  const kOld = old.classes;
  if (!Number.isInteger(k) || k <= kOld)
    throw new DomainError(`${fn}: k must exceed the old class count ${kOld} (got ${k})`);
  const methods: StepMethod[] = ['ft-pixel', 'ft-weak', 'cam-old', 'wilson', 'tme'];
  if (!methods.includes(options.method))
    throw new DomainError(
      `${fn}: method must be one of ${methods.map((m) => JSON.stringify(m)).join(', ')} (got ${JSON.stringify(options.method)})`,
    );
  const batch = options.batch ?? 16;
  const method = options.method;
  const model = old.expanded(k - kOld, options.seed + 11);
  // ℓ_SEG follows the old model's training loss: per-class BCE (WILSON) after a BCE base, the
  // soft cross-entropy after a softmax base (per-pixel BCE collapsed to background there).
  const seg = old.calibration === 'softmax' ? softCrossEntropy : segmentationLoss;
  model.calibration = old.calibration;
  const weak = method === 'wilson' || method === 'tme';
  const localizer = weak ? new Localizer(k, options.seed) : null;
  const encoder = ['e1', 'n1', 'e2', 'n2', 'e3', 'n3', 'e4', 'n4', 'e5', 'n5'].flatMap((n) =>
    (model as unknown as Record<string, Module>)[n]!.parameters(),
  );
  const head = ['d1', 'd2', 'n6', 'classifier'].flatMap((n) =>
    (model as unknown as Record<string, Module>)[n]!.parameters(),
  );
  const lr = options.lr ?? 2e-4;
  const groups = [
    { params: encoder, lr },
    { params: [...head, ...(localizer ? localizer.parameters() : [])], lr: 10 * lr },
  ];
  const opt = new Adam(groups, { lr });
  const baseLr = groups.map((g) => g.lr);
  const rng = new Rng(options.seed * 7 + 2);
  const cams = method === 'ft-weak' || method === 'cam-old' ? camLabels(old, set, kOld, k, options) : null;
  const tme: TmeOptions = method === 'tme' ? (options.tme ?? { object: true, fusion: true }) : {};
  const warm = weak ? Math.max(1, Math.round((options.warmupFraction ?? 0.125) * options.epochs)) : 0;
  const itersPerEpoch = Math.ceil(set.n / batch);
  const postWarm = Math.max(1, (options.epochs - warm) * itersPerEpoch);
  const regions = tme.object
    ? (() => {
        const out = new Int32Array(set.n * P);
        for (let i = 0; i < set.n; i++) {
          const { regions: r } = felzenszwalb(set.images.subarray(i * 3072, (i + 1) * 3072), 32, 32, {
            k: 0.5,
            minSize: 4,
          });
          for (let y = 0; y < 16; y++)
            for (let x = 0; x < 16; x++) out[i * P + y * 16 + x] = r[2 * y * 32 + 2 * x]!;
        }
        return out;
      })()
    : null;
  const cm = new ConfusionMatrix(k);
  let conflicts = 0;
  let resolved = 0;
  let pixels = 0;
  let kept = 0;
  let seen = 0;
  let it = 0;
  for (let e = 0; e < options.epochs; e++) {
    let lossSum = 0;
    const bs = epochsOf(set.n, batch, rng);
    const lastEpoch = e === options.epochs - 1;
    for (const idx of bs) {
      const b = idx.length;
      const after = e - warm;
      const factor =
        weak && e < warm
          ? 1
          : (1 - Math.max(0, it - (weak ? warm * itersPerEpoch : 0)) / (postWarm + 1)) ** 0.9;
      setLr(opt, baseLr, factor);
      const x = imagesOf(set, idx);
      opt.zeroGrad();
      const feats = model.encode(x);
      const terms: Variable[] = [];
      if (method === 'ft-pixel') {
        const m = masks16(set, idx);
        for (let q = 0; q < m.length; q++) if (m[q]! < kOld) m[q] = 0; // only new-class pixels are labelled
        terms.push(seg(model.decode(feats), oneHot(m, k), new Uint8Array(b).fill(1)));
      } else if (method === 'ft-weak') {
        const lab = new Int32Array(b * P);
        for (let j = 0; j < b; j++) lab.set(cams!.subarray(idx[j]! * P, idx[j]! * P + P), j * P);
        terms.push(crossEntropy(model.decode(feats), lab));
      } else {
        const oldOut = noGrad(() => {
          const f = old.encode(x);
          return { body: f.body.data, omega: old.scores(old.decode(f).data, b, P) };
        });
        if (method === 'cam-old') {
          const t = new Float32Array(b * k * P);
          for (let j = 0; j < b; j++)
            for (let q = 0; q < P; q++) {
              const cl = cams![idx[j]! * P + q]!;
              const om = (c: number) => oldOut.omega[(j * kOld + c) * P + q]!;
              t[j * k * P + q] = Math.min(om(0), cl === 0 ? 1 : 0);
              for (let c = 1; c < kOld; c++) t[(j * k + c) * P + q] = om(c);
              if (cl >= kOld) t[(j * k + cl) * P + q] = 1;
            }
          terms.push(seg(model.decode(feats), t, new Uint8Array(b).fill(1)));
        } else {
          const z = localizer!.forward(feats.body);
          const present = new Float32Array(b * k);
          const multiHot = new Float32Array(b * (k - kOld));
          for (let j = 0; j < b; j++)
            for (const c of set.labels[idx[j]!]!)
              if (c >= kOld) {
                present[j * k + c] = 1;
                multiHot[j * (k - kOld) + c - kOld] = 1;
              }
          const omega8 = avgPool2d(new Variable(oldOut.omega, [b, kOld, 16, 16]), 2).data;
          terms.push(localizerClassLoss(z, kOld, multiHot));
          terms.push(localizationPriorLoss(z, kOld, omega8));
          terms.push(encoderDistillationLoss(feats.body, oldOut.body));
          if (after >= 0) {
            const m16 = noGrad(() => softmax(resizeBilinear(z.detach(), [16, 16]), 1).data);
            // ℓ_SSS: PAMR-refined localizer maps → balanced CE on the localizer.
            const sssLabels = new Int32Array(b * P).fill(-1);
            const img16 = avgPool2d(x, 2).data;
            for (let j = 0; j < b; j++) {
              const cls = set.labels[idx[j]!]!.filter((c) => c >= kOld);
              const masked = new Float32Array(k * P);
              for (const c of [0, ...cls])
                masked.set(m16.subarray((j * k + c) * P, (j * k + c + 1) * P), c * P);
              const refined = pamr(img16.subarray(j * 768, (j + 1) * 768), masked, k, 16, 16);
              const g = pseudoGtMask(refined, k, P, cls);
              if (g.classesOn === cls.length + 1) sssLabels.set(g.labels, j * P);
            }
            terms.push(balancedCrossEntropy(resizeBilinear(z, [16, 16]), sssLabels));
            const logits = model.decode(feats);
            const current = tme.fusion ? model.scores(logits.data, b, P) : undefined;
            const lambda = (options.lambdaMax ?? 1) * Math.min(1, (it - warm * itersPerEpoch) / postWarm);
            const regionBatch = regions
              ? (() => {
                  const r = new Int32Array(b * P);
                  for (let j = 0; j < b; j++) r.set(regions.subarray(idx[j]! * P, idx[j]! * P + P), j * P);
                  return r;
                })()
              : undefined;
            const pl = pseudoLabels(
              { n: b, k, kOld, p: P, omega: oldOut.omega, m: m16, present, current, regions: regionBatch },
              { ...tme, lambda },
            );
            terms.push(seg(logits, pl.targets, pl.keep));
            if (lastEpoch) {
              const gt = masks16(set, idx);
              for (let q = 0; q < gt.length; q++) if (gt[q]! >= k) gt[q] = 255;
              cm.add(gt, pl.hard);
              for (let q = 0; q < b * P; q++)
                if (pl.conflict[q]) {
                  conflicts++;
                  if (pl.hard[q] === gt[q]) resolved++;
                }
              pixels += b * P;
              for (let j = 0; j < b; j++) kept += pl.keep[j]!;
              seen += b;
            }
          }
        }
      }
      let loss = terms[0]!;
      for (let t = 1; t < terms.length; t++) loss = addLoss(loss, terms[t]!);
      loss.backward();
      opt.step();
      lossSum += loss.item();
      it++;
    }
    options.log?.(`${method} epoch ${e + 1}/${options.epochs}: loss ${(lossSum / bs.length).toFixed(4)}`);
  }
  const mechanism: Mechanism | null = weak
    ? (() => {
        const s = summarize(cm, kOld - 1);
        return {
          pseudoOld: s.old,
          pseudoNew: s.new,
          conflictRate: pixels ? conflicts / pixels : 0,
          conflictResolvedCorrectly: conflicts ? resolved / conflicts : Number.NaN,
          keptImages: seen ? kept / seen : 0,
        };
      })()
    : null;
  // FT-weak trains with cross-entropy; the others with ℓ_SEG in the old model's form.
  model.calibration = method === 'ft-weak' ? 'softmax' : old.calibration;
  return { model, mechanism };
}

/**
 * Joint training (upper bound): fine-tunes the step-0 model with `k` outputs on the union of the
 * given sets with their full pixel masks.
 */
export function trainJoint(
  base: Segmenter,
  sets: SegmentationSet[],
  k: number,
  options: TrainOptions,
): Segmenter {
  const all: SegmentationSet = {
    images: concat(
      sets.map((s) => s.images),
      (n) => new Float32Array(n),
    ),
    masks: concat(
      sets.map((s) => s.masks),
      (n) => new Uint8Array(n),
    ),
    labels: sets.flatMap((s) => s.labels),
    n: sets.reduce((a, s) => a + s.n, 0),
  };
  const model = base.expanded(k - base.classes, options.seed + 13);
  model.calibration = base.calibration;
  const seg = base.calibration === 'softmax' ? softCrossEntropy : segmentationLoss;
  const batch = options.batch ?? 16;
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const rng = new Rng(options.seed * 7 + 4);
  const total = options.epochs * Math.ceil(all.n / batch);
  let step = 0;
  for (let e = 0; e < options.epochs; e++)
    for (const idx of epochsOf(all.n, batch, rng)) {
      setLr(opt, [1e-3], 0.5 * (1 + Math.cos((Math.PI * step++) / total)));
      opt.zeroGrad();
      seg(
        model.forward(imagesOf(all, idx)),
        oneHot(masks16(all, idx), k),
        new Uint8Array(idx.length).fill(1),
      ).backward();
      opt.step();
    }
  return model;
}

/** Concatenates typed arrays of one kind. */
function concat<T extends Float32Array | Uint8Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Per-pixel predictions [n, 32, 32]: argmax of the logits upsampled ×2 (bilinear). */
export function predict(model: Segmenter, set: SegmentationSet): Uint8Array {
  const out = new Uint8Array(set.n * 1024);
  noGrad(() => {
    for (let i = 0; i < set.n; i += 100) {
      const idx = Int32Array.from({ length: Math.min(100, set.n - i) }, (_, j) => i + j);
      const logits = resizeBilinear(model.forward(imagesOf(set, idx)), [32, 32]).data;
      const k = model.classes;
      for (let j = 0; j < idx.length; j++)
        for (let q = 0; q < 1024; q++) {
          let best = 0;
          for (let c = 1; c < k; c++)
            if (logits[(j * k + c) * 1024 + q]! > logits[(j * k + best) * 1024 + q]!) best = c;
          out[(i + j) * 1024 + q] = best;
        }
    }
  });
  return out;
}

/** mIoU of a model on a set whose masks use labels < model.classes; `oldCount` old foreground classes. */
export function evaluate(model: Segmenter, set: SegmentationSet, oldCount: number): MiouSummary {
  const cm = new ConfusionMatrix(model.classes);
  const gt = Uint8Array.from(set.masks.subarray(0, set.n * 1024), (v) => (v < model.classes ? v : 255));
  cm.add(gt, predict(model, set));
  return summarize(cm, oldCount);
}
