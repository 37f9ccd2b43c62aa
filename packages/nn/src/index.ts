/**
 * `@numts/nn`: a small reverse-mode autograd over Float32 values (Float64 on request), with the
 * layers, losses, optimizers and data utilities that CPU training needs.
 *
 * @packageDocumentation
 */
export { randomShift } from './data/augment.js';
export { DataLoader, type DataLoaderOptions, gatherRows } from './data/loader.js';
export { AdaptableLayer, LayerAdapter } from './modules/adaptable.js';
export {
  BatchNorm2d,
  Conv2d,
  Dropout,
  Embedding,
  Flatten,
  GELU,
  GroupNorm,
  type InitOptions,
  Lambda,
  LayerNorm,
  LeakyReLU,
  Linear,
  MaxPool2d,
  ModuleList,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from './modules/layers.js';
export { Module } from './modules/module.js';
export {
  Conv1D,
  MultiHeadAttention,
  type MultiHeadAttentionOptions,
  RMSNorm,
  swiGlu,
} from './modules/transformer.js';
export { erf, gelu, leakyRelu, relu, sigmoid, sigmoidValue, silu, tanh } from './ops/activations.js';
export { type AttentionOptions, scaledDotProductAttention } from './ops/attention.js';
export {
  add,
  affine,
  broadcastShapes,
  div,
  exp,
  log,
  mul,
  neg,
  pow,
  sqrt,
  square,
  sub,
} from './ops/broadcast.js';
export { type Conv2dOptions, conv2d } from './ops/conv.js';
export { linear, matmul } from './ops/linear.js';
export {
  type BceOptions,
  bceWithLogits,
  type CrossEntropyOptions,
  crossEntropy,
  klDiv,
  mse,
  type Reduction,
} from './ops/losses.js';
export { dropout, embedding } from './ops/misc.js';
export { type BatchNormState, batchNorm2d, groupNorm, layerNorm, rmsNorm } from './ops/norm.js';
export { avgPool2d, globalAvgPool2d, maxPool2d, type PoolOptions } from './ops/pool.js';
export { mean, sum } from './ops/reduce.js';
export { resizeBilinear, resizeNearest } from './ops/resize.js';
export { type RopeOptions, rotaryEmbedding } from './ops/rope.js';
export { concat, permute, reshape, slice } from './ops/shape.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export {
  Adam,
  type AdamOptions,
  AdamW,
  Optimizer,
  type OptimizerState,
  type ParamGroup,
  SGD,
  type SgdOptions,
} from './optim/optimizers.js';
export {
  constantSchedule,
  cosineSchedule,
  LrScheduler,
  polySchedule,
  type Schedule,
  stepSchedule,
  warmup,
} from './optim/schedules.js';
export { loadStateDict, saveStateDict } from './state.js';
export {
  type Buf,
  type Dtype,
  getDefaultDtype,
  isGradEnabled,
  noGrad,
  setDefaultDtype,
  Variable,
} from './variable.js';
