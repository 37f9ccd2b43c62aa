/**
 * `@numts/multilabel`: HOMI, baselines, metrics and thresholding for multi-label classification.
 *
 * @packageDocumentation
 */

/** Re-exported from `@numts/core` (it used to live here). */
export { takeRows } from '@numts/core';
export { BinaryRelevanceLogistic, BinaryRelevanceRidge, fitLogistic } from './binary-relevance.js';
export { ClassifierChain } from './classifier-chain.js';
export { instanceGraph, laplacianGram } from './graph.js';
export { fitHomi, Homi, type HomiJson, type HomiModel, type HomiOptions, homiScores } from './homi.js';
export {
  Llsf,
  type LlsfOptions,
  labelDissimilarity,
  sparseCorrelatedLeastSquares,
  withIntercept,
} from './llsf.js';
export { Lsml, type LsmlOptions } from './lsml.js';
export {
  applyThresholds,
  evaluateMultiLabel,
  type MetricConvention,
  type MultiLabelMetrics,
  thresholdFixed,
  thresholdTopK,
  tuneThresholdsF1,
} from './metrics.js';
export { MlKnn } from './mlknn.js';
export { NumpyRandomState } from './mt19937.js';
export { type PcaWhitenOptions, pcaWhiten, standardize } from './preprocess.js';
export { type Fold, type HomiInit, homiPreprocess, numpyFoldsAndInits } from './protocol.js';
