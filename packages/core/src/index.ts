/**
 * `@numts/core`: dense and strided arrays, BLAS-level kernels, a seeded RNG and the error classes
 * shared by every numts package.
 *
 * Interop with ml-matrix and ndarray lives in `@numts/core/interop`, the worker-thread gemm in
 * `@numts/core/parallel`.
 *
 * @packageDocumentation
 */

export { guardAllocation, isAllocationFailure } from './allocation.js';
export { type Backend, getBackend, setBackend, wasmSimdSupported } from './backend.js';
export { concat } from './concat.js';
export { diag, diagonal, eye, from2D, fromFlat, full, ones, to2D, zeros } from './construct.js';
export { squaredDistances } from './distances.js';
export { add, addRowVector, div, isAllFinite, map, mul, scale, sub, zipWith } from './elementwise.js';
export {
  ConvergenceError,
  DomainError,
  FormatError,
  NonFiniteError,
  NotFittedError,
  ShapeError,
} from './errors.js';
export { type GemmOptions, gemm, gemm32, matmul } from './gemm.js';
export { type GemvOptions, gemv } from './gemv.js';
export {
  Learner,
  type LearnerJson,
  type LearnerRecipe,
  type TrainedModel,
} from './learner.js';
export { axpy, dot, norm2, scal } from './level1.js';
export { type FloatArray, Matrix, Matrix32, type MatrixJson, type MatrixLayout } from './matrix.js';
export { type NormKind, norm, norm1, normFrobenius, normInf, normMax } from './norms.js';
export {
  describeOptionKind,
  type OptionKind,
  type OptionSchema,
  parseOptionValue,
} from './option-schema.js';
export { type Axis, argmax, argmin, max, mean, meanAndStd, min, sum } from './reductions.js';
export { ResidentColumns } from './resident-columns.js';
export { ResidentNeighbourGraph } from './resident-neighbour-graph.js';
export { ResidentRows } from './resident-rows.js';
export { ResidentUpper } from './resident-upper.js';
export { Rng } from './rng.js';
export { rotateRows } from './rotations.js';
export { assertSavedFormat, vectorFromJSON } from './saved-json.js';
export { CsrMatrix } from './sparse.js';
export { kFoldSplits, type Split } from './splits.js';
export {
  applyStandardization,
  type Standardized,
  type StandardizeOptions,
  standardizeColumns,
} from './standardize.js';
export { rowMajorStrides, shapeSize } from './strided.js';
export { type SyrkOptions, syrk } from './syrk.js';
export { takeRows } from './take.js';
export { forEachIndex, matrixToTensor, type NumericArray, Tensor, type TensorLike } from './tensor.js';
export { transpose } from './transpose.js';
export {
  assertFiniteArray,
  assertFiniteMatrix,
  assertFiniteScalar,
  assertInRange,
  assertInteger,
  assertIntegerInRange,
  assertOneOf,
  assertPositive,
  assertSize,
  describeValue,
} from './validate.js';
