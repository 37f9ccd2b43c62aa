/**
 * `@numts/wilss`: weakly incremental semantic segmentation on a procedural CPU benchmark —
 * Shapes-WILSS scenes with look-alike old/new partners, class-agnostic region proposals, a tiny
 * segmenter, the baselines FT-pixel/FT-weak/CAM+old/Joint, WILSON and TME-lite (our
 * reconstruction of tendency-driven mutual exclusivity), and confusion-matrix metrics.
 *
 * @packageDocumentation
 */
export {
  balancedCrossEntropy,
  encoderDistillationLoss,
  localizationPriorLoss,
  localizerClassLoss,
  ngwpFocalLogits,
  segmentationLoss,
  softCrossEntropy,
} from './losses.js';
export { ConfusionMatrix, type MiouSummary, summarize } from './metrics.js';
export { type Features, Localizer, Segmenter } from './model.js';
export { pamr, pseudoGtMask } from './pamr.js';
export {
  buildIncrementalData,
  type DataSizes,
  type IncrementalData,
  knownLabels,
  learningOrder,
  newLabels,
  SETTINGS,
  type SegmentationSet,
  type Setting,
} from './protocol.js';
export {
  type PseudoInputs,
  type PseudoLabels,
  projectCapped,
  pseudoLabels,
  type TmeOptions,
} from './pseudo.js';
export { boundaryRecall, felzenszwalb, type RegionOptions } from './regions.js';
export { generateScene, IMAGE_SIZE, type Scene, type SceneSpec } from './scenes.js';
export { PARTNER, rasterize, SHAPE_NAMES, type ShapeName, shapeId } from './shapes.js';
export { type BaseCheckpoint, type TrainOptions, trainBase, trainJoint } from './train/base.js';
export { downsampleMask } from './train/batches.js';
export { camOldTargets } from './train/cam-old.js';
export { evaluate, predict } from './train/evaluate.js';
export { newClassTargets } from './train/ft-pixel.js';
export { type StepMethod, type StepOptions, trainStep } from './train/step.js';
export type { Mechanism, StepBatch, StepContext, StepProgress, StepStrategy } from './train/strategy.js';
