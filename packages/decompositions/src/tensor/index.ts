/**
 * Tensor decompositions: unfold/fold, mode products, Khatri–Rao, HOSVD, Tucker (HOOI), CP (ALS),
 * tensor train (TT-SVD), and their verification.
 *
 * @module
 */
export { type CpOptions, type CpResult, cp, reconstructCp } from './cp.js';
export type { SvdMethod } from './leading-vectors.js';
export {
  type ModeProductOptions,
  type MultiModeProductOptions,
  modeProduct,
  multiModeProduct,
} from './mode-product.js';
export { khatriRao, kronecker, tensorInner, tensorNorm } from './products.js';
export { reconstructTt, type TtOptions, type TtResult, ttSvd } from './tt.js';
export { hosvd, reconstructTucker, type TuckerOptions, type TuckerResult, tucker } from './tucker.js';
export { fold, type UnfoldOrder, unfold } from './unfold.js';
export { type CpReport, type TuckerReport, verifyCp, verifyTucker } from './verify.js';
