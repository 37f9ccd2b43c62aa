/**
 * `@numts/pll`: partial-label learning — PL-CL, PL-AGGD, PLCP/Appeal and classical baselines.
 *
 * @packageDocumentation
 */

/** The learner contract lives in `@numts/core`; re-exported here for convenience. */
export { Learner, type LearnerJson } from '@numts/core';
export { Clpl, type ClplJson, type ClplOptions, fitClpl } from './clpl.js';
export {
  crossValidatePll,
  PLL_METHODS,
  type PllCrossValidation,
  type PllCrossValidationOptions,
  type PllFoldResult,
  type PllLearnerObject,
  type PllMethod,
} from './cross-validation.js';
export { fitIpal, Ipal, type IpalJson, IpalModel, type IpalModelJson, type IpalOptions } from './ipal.js';
export { KernelExpansion, type KernelExpansionJson } from './kernel.js';
export type { PllLearner, PllModel } from './learner.js';
export { LinearPllModel, type LinearPllModelJson } from './linear.js';
export {
  fitPlAggd,
  fitPlcl,
  PLCL_DEFAULTS,
  PlAggd,
  type PlAggdOptions,
  PlCl,
  type PlclJson,
  PlclModel,
  type PlclModelJson,
  type PlclOptions,
} from './plcl.js';
export {
  fitPlcp,
  PLCP_AGGD_DEFAULTS,
  PLCP_DEFAULTS,
  Plcp,
  type PlcpJson,
  PlcpModel,
  type PlcpModelJson,
  type PlcpOptions,
} from './plcp.js';
export {
  fitPlKnn,
  PlKnn,
  type PlKnnJson,
  PlKnnModel,
  type PlKnnModelJson,
  type PlKnnOptions,
} from './plknn.js';
export { fitPlSvm, PlSvm, type PlSvmJson, type PlSvmOptions } from './plsvm.js';
export { zscore } from './preprocess.js';
export {
  accuracy,
  type CandidateConfig,
  generateCandidates,
  holdoutSplits,
  kFoldSplits,
  type Split,
  toleranceAccuracy,
} from './protocols.js';
