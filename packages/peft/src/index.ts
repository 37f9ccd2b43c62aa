/**
 * `@numts/peft`: parameter-efficient fine-tuning adapters on frozen `@numts/nn` layers — LoRA
 * (+rsLoRA), DoRA, PiSSA, MiLoRA, LoRA-Dash, SSL/SSB, (IA)³, SAM-PARSER, MPC (MPCo/MPCd
 * regularizers, MPCn = parallel adapter), TriLoRA, MoSLoRA and FLoRA — with HuggingFace-compatible
 * adapter files and analysis tools (task-specific directions, principal angles, spectra).
 *
 * @packageDocumentation
 */

export { AdaloraAllocator, type AdaloraScheduleOptions } from './adalora-allocator.js';
export {
  type AdaptedLayer,
  Adapter,
  type AdapterMethod,
  type LowRankFactors,
} from './adapter.js';
export { AdaloraAdapter, type AdaloraOptions } from './adapters/adalora.js';
export { CoreLoraAdapter, type CoreLoraOptions } from './adapters/core-lora.js';
export { DoraAdapter, type DoraOptions } from './adapters/dora.js';
export { FloraConvAdapter, type FloraConvOptions } from './adapters/flora-conv.js';
export { LohaAdapter, type LohaOptions } from './adapters/loha.js';
export { LokrAdapter, type LokrOptions, lokrFactorization } from './adapters/lokr.js';
export { LoraAdapter, type LoraInit, type LoraOptions, maxRank } from './adapters/lora.js';
export { LoraDashAdapter, type LoraDashOptions } from './adapters/lora-dash.js';
export { ParallelAdapter, type ParallelOptions } from './adapters/parallel.js';
export { PeftIa3Adapter } from './adapters/peft-ia3.js';
export { SamParserAdapter } from './adapters/sam-parser.js';
export { ScalingAdapter, type ScalingMethod } from './adapters/scaling.js';
export { TriLoraAdapter } from './adapters/trilora.js';
export { VeraAdapter, type VeraOptions, VeraProjections } from './adapters/vera.js';
export {
  type DirectionSelection,
  type SingularSpectrum,
  type SubspaceSimilarity,
  selectDirections,
  singularSpectrum,
  subspaceSimilarity,
  type TaskSpecificDirections,
  taskSpecificDirections,
} from './analysis.js';
export { ADAPTER_METHODS, type AdapterConfig } from './config.js';
export {
  type AdapterFiles,
  loadAdapter,
  parseAdapterConfig,
  peftTypeOf,
  type SaveAdapterOptions,
  saveAdapter,
} from './hf-format.js';
export {
  adapterConfigOf,
  adaptersOf,
  deltaWeight,
  injectAdapters,
  layerIndex,
  markOnlyAdaptersTrainable,
  mergeAdapters,
  mergeAndUnload,
  notifyOptimizerStep,
  trainableParameterCount,
  unloadAdapters,
  unmergeAdapters,
} from './inject.js';
export {
  type InspectOptions,
  inspectAdapter,
  type ModuleInspection,
  type ModuleInspectionJson,
  moduleInspectionJson,
} from './inspect.js';
export { type LoraPlusOptions, loraPlusParamGroups } from './loraplus.js';
export { type MpcOptions, mpcPenalty } from './mpc.js';
export {
  activeAdapters,
  adapterNames,
  addAdapter,
  addWeightedAdapter,
  type Combination,
  deleteAdapter,
  disableAdapters,
  loadNamedAdapter,
  namedAdapters,
  setAdapter,
} from './named.js';
