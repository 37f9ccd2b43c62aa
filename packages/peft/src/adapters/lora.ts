/**
 * LoRA (Hu et al. 2022) on Linear, Conv2d and Embedding, with rsLoRA scaling and the SVD
 * initialisations PiSSA (principal triplets) and MiLoRA (minor triplets).
 *
 * ΔW = s·B·A with s = α/r (rsLoRA: α/√r); A is r×in (`lora_A`), B is out×r (`lora_B`).
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import { qr, svd, svdRandomized } from '@numts/decompositions';
import {
  add,
  affine,
  Conv1D,
  Conv2d,
  conv2d,
  dropout,
  Embedding,
  embedding,
  Linear,
  linear,
  mul,
  permute,
  reshape,
  type Variable,
} from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape, type LowRankFactors, layerKind } from '../adapter.js';
import { filled, kaimingUniform, matmulRaw, normalVar, toMatrix } from '../init.js';
import { fromWeightMatrix, toWeightMatrix, weightMatrixShape } from '../weight-matrix.js';

/** How LoRA's factors start (HF `init_lora_weights`). */
export type LoraInit = 'default' | 'gaussian' | 'pissa' | 'milora' | 'olora';

/** Options of a LoRA-family adapter. */
export interface LoraOptions {
  /** Rank r (1 ≤ r ≤ min(in, out)). */
  rank: number;
  /** α; the scale is α/r (default α = r, scale 1). */
  alpha?: number | undefined;
  /** rsLoRA: scale α/√r instead of α/r (default false). */
  useRslora?: boolean | undefined;
  /** Dropout probability on the adapter branch's input (default 0). */
  dropout?: number | undefined;
  /**
   * `'default'` (A Kaiming-uniform, B = 0; Embedding: A = 0, B ~ N(0,1)), `'gaussian'`
   * (A ~ N(0, 1/r), B = 0), `'pissa'` (top-r singular triplets, base weight replaced by the
   * residual) or `'milora'` (bottom-r triplets, likewise).
   */
  init?: LoraInit | undefined;
  /** PiSSA only: use a randomized SVD with this many power iterations (HF `pissa_niter_K`). */
  pissaNiter?: number | undefined;
  /** Seed of the initialisation and the dropout mask (default 0). */
  seed?: number | undefined;
}

/** The rank limit of a layer: min(out, in) for dense and conv (in·kh·kw) weights. */
export function maxRank(layer: AdaptedLayer): number {
  if (layer instanceof Linear || layer instanceof Conv1D)
    return Math.min(layer.inFeatures, layer.outFeatures);
  if (layer instanceof Conv2d) {
    const [kh, kw] = layer.kernelSize;
    return Math.min(layer.outChannels, (layer.inChannels / (layer.options.groups ?? 1)) * kh * kw);
  }
  return Math.min(layer.count, layer.dim);
}

/** LoRA: y = base(x) + s·(drop(x)·Aᵀ)·Bᵀ. */
export class LoraAdapter extends Adapter {
  readonly method: 'lora' | 'pissa' | 'milora' | 'dora' | 'lora-dash';
  readonly rank: number;
  readonly alpha: number;
  readonly useRslora: boolean;
  readonly scaling: number;
  readonly dropoutP: number;
  readonly init: LoraInit;
  /** r×in (Conv2d: r×in×kh×kw; Embedding: r×count). */
  readonly loraA: Variable;
  /** out×r (Conv2d: out×r×1×1; Embedding: dim×r). */
  readonly loraB: Variable;
  /** PiSSA/MiLoRA: the initial factors, kept for the rank-2r conversion on save. */
  readonly initialFactors: { a: Float64Array; b: Float64Array } | undefined;
  protected readonly rng: Rng;

  constructor(layer: AdaptedLayer, options: LoraOptions, method?: 'dora' | 'lora-dash') {
    checkLowRankOptions(method ?? 'lora', layer, options);
    super(layer);
    const init = options.init ?? 'default';
    this.method = method ?? (init === 'pissa' ? 'pissa' : init === 'milora' ? 'milora' : 'lora');
    const r = options.rank;
    this.rank = r;
    this.alpha = options.alpha ?? r;
    this.useRslora = options.useRslora ?? false;
    this.scaling = this.alpha / (this.useRslora ? Math.sqrt(r) : r);
    this.dropoutP = options.dropout ?? 0;
    this.init = init;
    const seed = options.seed ?? 0;
    const rng = new Rng(seed);
    this.rng = new Rng(seed + 0x9e3779b1);
    let a: Variable;
    let b: Variable;
    if (layer instanceof Linear || layer instanceof Conv1D) {
      a = kaimingUniform(rng, [r, layer.inFeatures], layer.inFeatures);
      b = filled([layer.outFeatures, r], 0);
      if (init === 'gaussian') a = normalVar(rng, [r, layer.inFeatures], 1 / Math.sqrt(r));
    } else if (layer instanceof Conv2d) {
      if ((layer.options.groups ?? 1) !== 1)
        throw new DomainError(
          `lora: LoRA on a grouped Conv2d (groups = ${layer.options.groups}) is not supported; use FLoRA, which handles groups`,
        );
      const [kh, kw] = layer.kernelSize;
      const fanIn = layer.inChannels * kh * kw;
      a = kaimingUniform(rng, [r, layer.inChannels, kh, kw], fanIn);
      b = filled([layer.outChannels, r, 1, 1], 0);
      if (init === 'gaussian') a = normalVar(rng, [r, layer.inChannels, kh, kw], 1 / Math.sqrt(r));
    } else {
      a = filled([r, layer.count], 0);
      b = normalVar(rng, [layer.dim, r], 1);
      if (init === 'gaussian') {
        a = normalVar(rng, [r, layer.count], 1 / Math.sqrt(r));
        b = filled([layer.dim, r], 0);
      }
    }
    this.loraA = this.param('lora_A', a);
    this.loraB = this.param('lora_B', b);
    this.initialFactors =
      init === 'pissa' || init === 'milora'
        ? this.svdInit(init, options.pissaNiter, seed)
        : init === 'olora'
          ? this.qrInit()
          : undefined;
  }

  /** PiSSA/MiLoRA: A = √S Vᵀ, B = U √S on the chosen triplets of M (σ pre-divided by s); M ← M − s·BA. */
  private svdInit(init: 'pissa' | 'milora', niter: number | undefined, seed: number) {
    const shape = weightMatrixShape(init, this.layer);
    const { rows, cols } = shape;
    const r = this.rank;
    const w = toMatrix(toWeightMatrix(shape, this.layer.weight.data), rows, cols);
    const res =
      init === 'pissa' && niter !== undefined ? svdRandomized(w, r, { powerIters: niter, seed }) : svd(w);
    const k = res.s.length;
    const first = init === 'pissa' ? 0 : k - r;
    const a = new Float64Array(r * cols);
    const b = new Float64Array(rows * r);
    for (let j = 0; j < r; j++) {
      const root = Math.sqrt(res.s[first + j]! / this.scaling);
      for (let c = 0; c < cols; c++) a[j * cols + c] = root * res.vt!.get(first + j, c);
      for (let i = 0; i < rows; i++) b[i * r + j] = root * res.u!.get(i, first + j);
    }
    return this.storeFactorsAndSubtract(a, b);
  }

  /**
   * OLoRA (peft's `init_lora_weights="olora"`): M = QR, A = R[:r, :], B = Q[:, :r] (orthonormal
   * columns), and M ← M − s·B·A, so that the adapted layer starts equal to the original.
   */
  private qrInit() {
    const shape = weightMatrixShape('olora', this.layer);
    const { rows, cols } = shape;
    const r = this.rank;
    const f = qr(toMatrix(toWeightMatrix(shape, this.layer.weight.data), rows, cols));
    const a = new Float64Array(r * cols);
    const b = new Float64Array(rows * r);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < cols; j++) a[i * cols + j] = f.r.get(i, j);
      for (let o = 0; o < rows; o++) b[o * r + i] = f.q!.get(o, i);
    }
    return this.storeFactorsAndSubtract(a, b);
  }

  /**
   * Stores the initial factors A (r×cols) and B (rows×r), reads them back in the layer dtype and
   * sets W ← W − s·B·A with the stored values, so that the adapted layer starts equal to the original.
   */
  private storeFactorsAndSubtract(a: Float64Array, b: Float64Array) {
    this.loraA.data.set(a);
    this.loraB.data.set(b);
    const aStored = Float64Array.from(this.loraA.data);
    const bStored = Float64Array.from(this.loraB.data);
    const d = this.loraDelta();
    const wd = this.layer.weight.data;
    for (let i = 0; i < wd.length; i++) wd[i] = wd[i]! - d[i]!;
    return { a: aStored, b: bStored };
  }

  /** The input of the adapter branch (dropout in training mode). */
  protected dropped(x: Variable): Variable {
    // An Embedding's input holds indices: never dropped (as peft).
    return this.dropoutP > 0 && !(this.layer instanceof Embedding)
      ? dropout(x, this.dropoutP, this.rng, this.training)
      : x;
  }

  /**
   * (x·downᵀ [⊙ mid])·upᵀ for any layer kind, on an input already through
   * {@link LoraAdapter.dropped}: down (k×cols) and up (rows×k) act on the weight matrix M (see
   * weight-matrix.ts) — dense layers multiply, a Conv2d convolves with down as a k×in×kh×kw kernel
   * and then with up as a 1×1 one, an Embedding looks up the columns of down.
   */
  protected lowRankBranch(dx: Variable, down: Variable, up: Variable, mid?: Variable): Variable {
    const layer = this.layer;
    const k = down.shape[0]!;
    if (layer instanceof Conv2d) {
      const [kh, kw] = layer.kernelSize;
      const kernel = reshape(down, [k, layer.inChannels, kh, kw]);
      let h = conv2d(dx, kernel, undefined, { ...layer.options, groups: 1 });
      if (mid) h = mul(h, reshape(mid, [1, k, 1, 1]));
      return conv2d(h, reshape(up, [layer.outChannels, k, 1, 1]));
    }
    if (layer instanceof Embedding) {
      let h = embedding(dx.data, dx.shape, permute(reshape(down, [k, layer.count]), [1, 0]));
      if (mid) h = mul(h, mid);
      return reshape(linear(reshape(h, [-1, k]), up), [...dx.shape, layer.dim]);
    }
    const h = linear(dx, down);
    return linear(mid ? mul(h, mid) : h, up);
  }

  /** The LoRA branch s·B·A of any layer kind (input already dropped). */
  protected branch(dx: Variable): Variable {
    return affine(this.lowRankBranch(dx, this.loraA, this.loraB), this.scaling);
  }

  protected adaptedForward(x: Variable): Variable {
    return add(this.layer.baseForward(x), this.branch(this.dropped(x)));
  }

  /** s·B·A laid out like the layer weight (Embedding: (B·A)ᵀ, count×dim; Conv1D: (B·A)ᵀ, in×out). */
  loraDelta(): Float64Array {
    const shape = weightMatrixShape(this.method, this.layer);
    const ba = matmulRaw(this.loraB.data, this.loraA.data, shape.rows, this.rank, shape.cols);
    for (let i = 0; i < ba.length; i++) ba[i] = ba[i]! * this.scaling;
    return fromWeightMatrix(shape, ba);
  }

  effectiveWeight(): Float64Array {
    const w = Float64Array.from(this.baseWeight());
    const d = this.loraDelta();
    for (let i = 0; i < w.length; i++) w[i] = w[i]! + d[i]!;
    return w;
  }

  override lowRankFactors(): LowRankFactors | undefined {
    return this.layer instanceof Linear ? { down: this.loraA, up: this.loraB } : undefined;
  }
}

/**
 * Validates what every low-rank adapter's constructor takes: the rank for the layer, a positive
 * finite α and a dropout probability in [0, 1).
 * @throws DomainError naming the option, the rule and the value
 */
export function checkLowRankOptions(
  fn: string,
  layer: AdaptedLayer,
  options: { rank: unknown; alpha?: unknown; dropout?: unknown },
): void {
  checkRank(fn, layer, options.rank);
  const { alpha, dropout } = options;
  if (alpha !== undefined && !(typeof alpha === 'number' && Number.isFinite(alpha) && alpha > 0))
    throw new DomainError(`${fn}: alpha must be a positive finite number (got ${String(alpha)})`);
  if (dropout !== undefined && !(typeof dropout === 'number' && dropout >= 0 && dropout < 1))
    throw new DomainError(`${fn}: dropout must lie in [0, 1) (got ${String(dropout)})`);
}

/** The [out, in] shape of a dense layer after {@link checkLowRankOptions} (adapters on Linear/Conv1D only). */
export function checkDenseLowRank(
  fn: string,
  layer: AdaptedLayer,
  options: { rank: unknown; alpha?: unknown; dropout?: unknown },
): [out: number, inn: number] {
  const shape = denseShape(fn, layer);
  checkLowRankOptions(fn, layer, options);
  return shape;
}

/** Validates the rank of a LoRA-family adapter for a layer. */
export function checkRank(fn: string, layer: AdaptedLayer, rank: unknown): asserts rank is number {
  const limit = maxRank(layer);
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1 || rank > limit)
    throw new DomainError(
      `${fn}: rank must be an integer in [1, ${limit}] for this ${layerKind(layer)} (min(out, in) = ${limit}; got ${String(rank)})`,
    );
}
