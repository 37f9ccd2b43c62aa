/**
 * Layers: Linear, Conv2d, norms, Dropout, Embedding, activations and Sequential.
 *
 * PyTorch's initialisation: weights and biases of Linear and Conv2d are uniform in ±1/√fan_in
 * (kaiming_uniform with a = √5), from a seeded generator.
 *
 * @module
 */
import { Rng, ShapeError } from '@numts/core';
import { gelu, leakyRelu, relu, sigmoid, tanh } from '../ops/activations.js';
import { type Conv2dOptions, conv2d } from '../ops/conv.js';
import { linear } from '../ops/linear.js';
import { dropout, embedding } from '../ops/misc.js';
import { batchNorm2d, groupNorm, layerNorm } from '../ops/norm.js';
import { maxPool2d } from '../ops/pool.js';
import { reshape } from '../ops/shape.js';
import { Variable } from '../variable.js';
import { AdaptableLayer } from './adaptable.js';
import { Module } from './module.js';

/** Options shared by layers with random initialisation. */
export interface InitOptions {
  /** Generator for the initial weights; default `new Rng(seed)`. */
  rng?: Rng;
  /** Seed when no rng is given (default 0). */
  seed?: number;
}

function uniformVar(rng: Rng, shape: number[], bound: number): Variable {
  const v = Variable.zeros(shape);
  for (let i = 0; i < v.size; i++) v.data[i] = rng.uniform(-bound, bound);
  return v;
}

/** @internal Throws unless a layer size is a positive integer. */
export function assertSize(fn: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1)
    throw new ShapeError(`${fn}: ${name} must be a positive integer (got ${v})`);
}

/** y = x·Wᵀ + b; W is [out, in]. */
export class Linear extends AdaptableLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Variable;
  bias: Variable | undefined;

  constructor(inFeatures: number, outFeatures: number, options: InitOptions & { bias?: boolean } = {}) {
    super();
    assertSize('Linear', 'inFeatures', inFeatures);
    assertSize('Linear', 'outFeatures', outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.param('weight', uniformVar(rng, [outFeatures, inFeatures], bound));
    this.bias =
      options.bias === false ? undefined : this.param('bias', uniformVar(rng, [outFeatures], bound));
  }

  /** x·Wᵀ + b, ignoring any adapter. */
  baseForward(x: Variable): Variable {
    return linear(x, this.weight, this.bias);
  }
}

/** 2-d convolution; W is [out, in/groups, kh, kw]. */
export class Conv2d extends AdaptableLayer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly options: Conv2dOptions;
  weight: Variable;
  bias: Variable | undefined;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | [number, number],
    options: Conv2dOptions & InitOptions & { bias?: boolean } = {},
  ) {
    super();
    assertSize('Conv2d', 'inChannels', inChannels);
    assertSize('Conv2d', 'outChannels', outChannels);
    const k: [number, number] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    const groups = options.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0)
      throw new ShapeError(
        `Conv2d: groups (${groups}) must divide inChannels (${inChannels}) and outChannels (${outChannels})`,
      );
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = k;
    this.options = {
      stride: options.stride ?? 1,
      padding: options.padding ?? 0,
      dilation: options.dilation ?? 1,
      groups,
    };
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const fanIn = (inChannels / groups) * k[0] * k[1];
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.param(
      'weight',
      uniformVar(rng, [outChannels, inChannels / groups, k[0], k[1]], bound),
    );
    this.bias =
      options.bias === false ? undefined : this.param('bias', uniformVar(rng, [outChannels], bound));
  }

  /** The convolution with the layer's own weight, ignoring any adapter. */
  baseForward(x: Variable): Variable {
    return conv2d(x, this.weight, this.bias, this.options);
  }
}

function ones(n: number): Variable {
  const v = Variable.zeros([n]);
  v.data.fill(1);
  return v;
}

/** Layer norm over the last dimension of size `features`, with learnable γ and β. */
export class LayerNorm extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  constructor(
    readonly features: number,
    readonly eps = 1e-5,
  ) {
    super();
    assertSize('LayerNorm', 'features', features);
    this.weight = this.param('weight', ones(features));
    this.bias = this.param('bias', Variable.zeros([features]));
  }
  forward(x: Variable): Variable {
    return layerNorm(x, this.features, this.weight, this.bias, this.eps);
  }
}

/** Group norm with `groups` groups over `channels` channels. */
export class GroupNorm extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  constructor(
    readonly groups: number,
    readonly channels: number,
    readonly eps = 1e-5,
  ) {
    super();
    assertSize('GroupNorm', 'channels', channels);
    this.weight = this.param('weight', ones(channels));
    this.bias = this.param('bias', Variable.zeros([channels]));
  }
  forward(x: Variable): Variable {
    return groupNorm(x, this.groups, this.weight, this.bias, this.eps);
  }
}

/**
 * Batch norm for [N, C, H, W]. `train()` normalises with batch statistics and updates the running
 * ones; `eval()` uses the running statistics; `frozen = true` keeps the running statistics even in
 * training mode (a fine-tuning setting).
 */
export class BatchNorm2d extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  readonly runningMean: Float64Array;
  readonly runningVar: Float64Array;
  frozen = false;
  constructor(
    readonly channels: number,
    readonly options: { momentum?: number; eps?: number } = {},
  ) {
    super();
    assertSize('BatchNorm2d', 'channels', channels);
    this.weight = this.param('weight', ones(channels));
    this.bias = this.param('bias', Variable.zeros([channels]));
    this.runningMean = this.buffer('running_mean', new Float64Array(channels));
    this.runningVar = this.buffer('running_var', new Float64Array(channels).fill(1));
  }
  forward(x: Variable): Variable {
    return batchNorm2d(
      x,
      { runningMean: this.runningMean, runningVar: this.runningVar },
      this.weight,
      this.bias,
      {
        training: this.training && !this.frozen,
        ...this.options,
      },
    );
  }
}

/** Dropout with probability p, seeded. */
export class Dropout extends Module {
  private readonly rng: Rng;
  constructor(
    readonly p: number,
    options: InitOptions = {},
  ) {
    super();
    this.rng = options.rng ?? new Rng(options.seed ?? 0);
  }
  forward(x: Variable): Variable {
    return dropout(x, this.p, this.rng, this.training);
  }
}

/** A lookup table of `count` vectors of size `dim` (normal initialisation, as PyTorch). */
export class Embedding extends AdaptableLayer {
  readonly weight: Variable;
  constructor(
    readonly count: number,
    readonly dim: number,
    options: InitOptions = {},
  ) {
    super();
    assertSize('Embedding', 'count', count);
    assertSize('Embedding', 'dim', dim);
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const w = Variable.zeros([count, dim]);
    for (let i = 0; i < w.size; i++) w.data[i] = rng.normal();
    this.weight = this.param('weight', w);
  }
  /** Looks up integer indices (any shape), through the adapter when one is attached. */
  lookup(indices: ArrayLike<number>, shape: readonly number[]): Variable {
    return this.adapter
      ? this.forward(Variable.from(indices, shape))
      : embedding(indices, shape, this.weight);
  }
  /** Looks up the indices held in `x` in the layer's own table, ignoring any adapter. */
  baseForward(x: Variable): Variable {
    return embedding(x.data, x.shape, this.weight);
  }
}

/** A module from a function (activations, reshapes, pooling). */
export class Lambda extends Module {
  constructor(private readonly fn: (x: Variable) => Variable) {
    super();
  }
  forward(x: Variable): Variable {
    return this.fn(x);
  }
}

/** ReLU as a module. */
export const ReLU = () => new Lambda(relu);
/** LeakyReLU as a module. */
export const LeakyReLU = (slope = 0.01) => new Lambda((x) => leakyRelu(x, slope));
/** GELU as a module. */
export const GELU = () => new Lambda((x) => gelu(x));
/** Sigmoid as a module. */
export const Sigmoid = () => new Lambda(sigmoid);
/** Tanh as a module. */
export const Tanh = () => new Lambda(tanh);
/** Max pooling as a module. */
export const MaxPool2d = (kernel: number, stride = kernel) =>
  new Lambda((x) => maxPool2d(x, kernel, { stride }));
/** Flattens all but the first dimension. */
export const Flatten = () => new Lambda((x) => reshape(x, [x.shape[0]!, -1]));

/** Modules applied in order; children are named 0, 1, 2, … as in PyTorch. */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((m, i) => this.child(String(i), m));
  }
  forward(x: Variable): Variable {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}

/** A list of modules named 0, 1, 2, … (PyTorch's ModuleList): the stacked blocks of a transformer. */
export class ModuleList<M extends Module = Module> extends Module {
  readonly items: M[];
  constructor(items: M[]) {
    super();
    this.items = items.map((m, i) => this.child(String(i), m));
  }
  /** The i-th module. */
  at(i: number): M {
    const m = this.items[i];
    if (!m) throw new ShapeError(`ModuleList.at: index ${i} is outside [0, ${this.items.length - 1}]`);
    return m;
  }
  get length(): number {
    return this.items.length;
  }
  forward(): Variable {
    throw new ShapeError('ModuleList.forward: a ModuleList has no forward pass of its own; call its items');
  }
}
