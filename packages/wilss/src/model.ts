/**
 * The tiny segmenter ("DeepLab-lite"; packages/wilss/README.md, "Network") and WILSON's localizer, on `@numts/nn`.
 *
 * Segmenter: e1 conv3×3 3→8 · e2 conv3×3 8→16 /2 · e3 conv3×3 16→16 · e4 conv3×3 16→24 /2 ·
 * e5 ("body") conv3×3 24→24 dilation 2 · d1 conv1×1 24→16, ×2 bilinear, + e3 · d2 conv3×3 16→16 ·
 * d3 conv1×1 16→8, ×2 bilinear, + e1 · d4 conv3×3 8→8 · classifier conv1×1 8→K: logits at the
 * image's full 32×32 resolution, where the losses live (channels scale with `width`).
 * Every 3×3 convolution is followed by GroupNorm (4 groups; the spec allows none or GroupNorm —
 * without it the net did not fit even 32 training images in our runs) and ReLU; weights are
 * He-normal.
 * Localizer on the body: conv3×3 24→24 · conv3×3 24→24 (LeakyReLU 0.01) · conv1×1 24→K at 8×8.
 *
 * @module
 */
import { assertIntegerInRange, Rng } from '@numts/core';
import {
  add,
  Conv2d,
  GroupNorm,
  leakyRelu,
  Module,
  noGrad,
  relu,
  resizeBilinear,
  sigmoid,
  softmax,
  Variable,
} from '@numts/nn';
import { IMAGE_SIZE } from './scenes.js';

/**
 * Side of the logits (and of the losses' pixel grid): the image's own resolution. (At stride 2, a
 * 16×16 grid, even the ground truth scored only 80 % old / 72 % new-class mIoU after the round trip.)
 */
export const LOGIT_SIZE = IMAGE_SIZE;
/** Image pixels per logit along each axis. */
export const LOGIT_STRIDE = IMAGE_SIZE / LOGIT_SIZE;
/** Side of the encoder body's maps: the image at stride 4. */
export const BODY_SIZE = IMAGE_SIZE / 4;
/** Channels of the encoder body at width 1. */
const BODY_CHANNELS = 24;

/** He-normal re-initialisation of a conv weight (std √(2/fan_in)), seeded; bias zero. */
function heInit(conv: Conv2d, rng: Rng): Conv2d {
  const [out, inPerGroup, kh, kw] = conv.weight.shape as [number, number, number, number];
  const sd = Math.sqrt(2 / (inPerGroup * kh * kw));
  for (let i = 0; i < conv.weight.size; i++) conv.weight.data[i] = rng.normal(0, sd);
  if (conv.bias) conv.bias.data.fill(0);
  void out;
  return conv;
}

/** Encoder outputs: the fine (32×32) and skip (16×16) features and the body (8×8). */
export interface Features {
  fine: Variable;
  skip: Variable;
  body: Variable;
}

/** The segmenter with a classifier of `classes` outputs (background included). */
export class Segmenter extends Module {
  readonly e1: Conv2d;
  readonly e2: Conv2d;
  readonly e3: Conv2d;
  readonly e4: Conv2d;
  readonly e5: Conv2d;
  readonly d1: Conv2d;
  readonly d2: Conv2d;
  readonly d3: Conv2d;
  readonly d4: Conv2d;
  readonly n1: GroupNorm;
  readonly n2: GroupNorm;
  readonly n3: GroupNorm;
  readonly n4: GroupNorm;
  readonly n5: GroupNorm;
  readonly n6: GroupNorm;
  readonly n7: GroupNorm;
  classifier: Conv2d;
  /**
   * How the logits map to per-class scores ω (used when this model is the old model of a step):
   * `'softmax'` for a model trained with cross-entropy, `'sigmoid'` for per-class BCE (WILSON).
   */
  calibration: 'softmax' | 'sigmoid' = 'sigmoid';

  /**
   * @param width channel multiplier of every layer (default 1: 8, 16, 16, 24, 24 in the encoder,
   *   16, 16, 8, 8 in the decoder — ≈ 3 M multiply-adds per 32×32 image; width w costs about w²
   *   times that)
   * @throws DomainError when width is not a positive integer
   */
  constructor(
    readonly classes: number,
    seed = 0,
    readonly width = 1,
  ) {
    super();
    assertIntegerInRange('Segmenter', 'width', width, 1, 64);
    const rng = new Rng(seed * 100 + 1);
    const [c8, c16, c24] = [8 * width, 16 * width, BODY_CHANNELS * width];
    const conv = (
      cin: number,
      cout: number,
      k: number,
      o: { padding?: number; stride?: number; dilation?: number } = {},
    ) => heInit(new Conv2d(cin, cout, k, { ...o, seed }), rng);
    this.e1 = this.child('e1', conv(3, c8, 3, { padding: 1 }));
    this.n1 = this.child('n1', new GroupNorm(4, c8));
    this.e2 = this.child('e2', conv(c8, c16, 3, { padding: 1, stride: 2 }));
    this.n2 = this.child('n2', new GroupNorm(4, c16));
    this.e3 = this.child('e3', conv(c16, c16, 3, { padding: 1 }));
    this.n3 = this.child('n3', new GroupNorm(4, c16));
    this.e4 = this.child('e4', conv(c16, c24, 3, { padding: 1, stride: 2 }));
    this.n4 = this.child('n4', new GroupNorm(4, c24));
    this.e5 = this.child('e5', conv(c24, c24, 3, { padding: 2, dilation: 2 }));
    this.n5 = this.child('n5', new GroupNorm(4, c24));
    this.d1 = this.child('d1', conv(c24, c16, 1));
    this.d2 = this.child('d2', conv(c16, c16, 3, { padding: 1 }));
    this.n6 = this.child('n6', new GroupNorm(4, c16));
    this.d3 = this.child('d3', conv(c16, c8, 1));
    this.d4 = this.child('d4', conv(c8, c8, 3, { padding: 1 }));
    this.n7 = this.child('n7', new GroupNorm(4, c8));
    this.classifier = this.child('classifier', new Conv2d(c8, classes, 1, { seed: seed * 100 + 8 }));
  }

  /** Channels of the encoder body (24 × width). */
  get bodyChannels(): number {
    return BODY_CHANNELS * this.width;
  }

  /**
   * The segmenter's parameters by role: the encoder (e1–e5 and their norms) and the head (decoder
   * and classifier), which an incremental step trains at different learning rates.
   */
  parameterGroups(): { encoder: Variable[]; head: Variable[] } {
    const of = (modules: Module[]) => modules.flatMap((m) => m.parameters());
    return {
      encoder: of([this.e1, this.n1, this.e2, this.n2, this.e3, this.n3, this.e4, this.n4, this.e5, this.n5]),
      head: of([this.d1, this.d2, this.n6, this.d3, this.d4, this.n7, this.classifier]),
    };
  }

  /** Encoder features of a [N, 3, 32, 32] batch. */
  encode(x: Variable): Features {
    const h1 = relu(this.n1.forward(this.e1.forward(x)));
    const h2 = relu(this.n2.forward(this.e2.forward(h1)));
    const skip = relu(this.n3.forward(this.e3.forward(h2)));
    const h4 = relu(this.n4.forward(this.e4.forward(skip)));
    const body = relu(this.n5.forward(this.e5.forward(h4)));
    return { fine: h1, skip, body };
  }

  /** Logits [N, K, 32, 32] from encoder features. */
  decode(f: Features): Variable {
    const half = IMAGE_SIZE / 2;
    const up = resizeBilinear(this.d1.forward(f.body), [half, half]);
    const h = relu(this.n6.forward(this.d2.forward(add(up, f.skip))));
    const up2 = resizeBilinear(this.d3.forward(h), [LOGIT_SIZE, LOGIT_SIZE]);
    const h2 = relu(this.n7.forward(this.d4.forward(add(up2, f.fine))));
    return this.classifier.forward(h2);
  }

  /** Logits [N, K, 32, 32]. */
  forward(x: Variable): Variable {
    return this.decode(this.encode(x));
  }

  /** A copy with `extra` more classifier outputs; the old outputs keep their weights. */
  expanded(extra: number, seed: number): Segmenter {
    const next = new Segmenter(this.classes + extra, seed, this.width);
    const own = new Map(this.namedParameters());
    for (const [name, p] of next.namedParameters()) {
      const src = own.get(name)!;
      if (name.startsWith('classifier.')) p.data.set(src.data.subarray(0, src.size));
      else p.data.set(src.data);
    }
    return next;
  }

  /** An exact copy (for the frozen old model). */
  clone(): Segmenter {
    const c = this.expanded(0, 0);
    c.calibration = this.calibration;
    return c;
  }

  /** Per-class scores ω of logits [n, K, h, w] (softmax over classes or per-class sigmoid). */
  scores(logits: ArrayLike<number>, n: number, hw: number): Float32Array {
    const v = Variable.from(logits, [n, this.classes, hw]);
    return Float32Array.from(
      noGrad(() => (this.calibration === 'sigmoid' ? sigmoid(v) : softmax(v, 1))).data,
    );
  }
}

/** WILSON's localizer g on the body features. */
export class Localizer extends Module {
  readonly c1: Conv2d;
  readonly c2: Conv2d;
  readonly out: Conv2d;
  /** @param channels channels of the segmenter body it reads (`Segmenter.bodyChannels`) */
  constructor(
    readonly classes: number,
    seed = 0,
    channels = BODY_CHANNELS,
  ) {
    super();
    const rng = new Rng(seed + 77);
    this.c1 = this.child('c1', new Conv2d(channels, channels, 3, { padding: 1, rng }));
    this.c2 = this.child('c2', new Conv2d(channels, channels, 3, { padding: 1, rng }));
    this.out = this.child('out', new Conv2d(channels, classes, 1, { rng }));
  }
  /** Scores z [N, K, 8, 8]. */
  forward(body: Variable): Variable {
    return this.out.forward(leakyRelu(this.c2.forward(leakyRelu(this.c1.forward(body), 0.01)), 0.01));
  }
}
