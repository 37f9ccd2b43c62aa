/**
 * `@numts/multilabel`: HOMI, baselines, metrics and thresholding for multi-label classification.
 *
 * @packageDocumentation
 */

/** Re-exported from `@numts/core` (they used to live here, or are its learner contract). */
export { type LearnerJson, takeRows } from '@numts/core';
export {
  type BinaryRelevanceJson,
  BinaryRelevanceLogistic,
  type BinaryRelevanceOptions,
  BinaryRelevanceRidge,
  fitBinaryRelevanceLogistic,
  fitBinaryRelevanceRidge,
  fitLogistic,
} from './binary-relevance.js';
export {
  type ChainLink,
  ClassifierChain,
  type ClassifierChainJson,
  ClassifierChainModel,
  type ClassifierChainModelJson,
  type ClassifierChainOptions,
  fitClassifierChain,
} from './classifier-chain.js';
export {
  crossValidateMultiLabel,
  MULTILABEL_METHODS,
  type MultiLabelCrossValidation,
  type MultiLabelCrossValidationOptions,
  type MultiLabelFoldMetrics,
  type MultiLabelLearnerObject,
  type MultiLabelMethod,
} from './cross-validation.js';
export { instanceGraph, laplacianGram } from './graph.js';
export {
  fitHomi,
  Homi,
  type HomiJson,
  type HomiModel,
  type HomiOptions,
  HomiPredictor,
  type HomiPredictorJson,
  homiScores,
} from './homi.js';
export {
  LinearMultiLabelModel,
  type LinearMultiLabelModelJson,
  type ScoreLink,
  sigmoid,
  withIntercept,
} from './linear-model.js';
export {
  fitLlsf,
  Llsf,
  type LlsfOptions,
  labelDissimilarity,
  sparseCorrelatedLeastSquares,
} from './llsf.js';
export { fitLsml, Lsml, LsmlModel, type LsmlModelJson, type LsmlOptions } from './lsml.js';
export {
  applyThresholds,
  evaluateMultiLabel,
  type MetricConvention,
  type MultiLabelMetrics,
  type PerLabelMetrics,
  perLabelMetrics,
  thresholdFixed,
  thresholdTopK,
  tuneThresholdsF1,
} from './metrics.js';
export {
  fitMlKnn,
  MlKnn,
  type MlKnnJson,
  MlKnnModel,
  type MlKnnModelJson,
  type MlKnnOptions,
} from './mlknn.js';
export { NumpyRandomState } from './mt19937.js';
export { type PcaWhitenOptions, pcaWhiten, standardize } from './preprocess.js';
export { type Fold, type HomiInit, homiPreprocess, numpyFoldsAndInits } from './protocol.js';
