/**
 * `@numts/decompositions`: matrix factorizations (LU, Cholesky, QR, SVD, symmetric eigen), the
 * solvers built on them, and `verify*` checks of factorizations from any source.
 *
 * @packageDocumentation
 */
export {
  type CholeskyResult,
  type CholeskySemidefiniteResult,
  cholesky,
  choleskySemidefinite,
  choleskySolve,
} from './cholesky.js';
export { type EighOptions, type EighResult, eigh } from './eigh.js';
export { type LuResult, lu } from './lu.js';
export { type QrOptions, type QrResult, qr } from './qr.js';
export { type QrPivotedOptions, type QrPivotedResult, qrPivoted } from './qr-pivoted.js';
export { det, inv, type LogDetResult, logdet, type SolveOptions, solve } from './solve.js';
export {
  cond,
  type LstsqResult,
  lstsq,
  nullspace,
  orth,
  pinv,
  rank,
  type SvdRandomizedOptions,
  svdRandomized,
  svdTruncated,
} from './spectral.js';
export { type SvdOptions, type SvdResult, svd } from './svd.js';
export * from './tensor/index.js';
export {
  solveShiftedTridiagonal,
  solveTridiagonal,
  type TridiagonalResult,
  tridiagonal,
} from './tridiagonal.js';
export {
  VERIFY_THRESHOLD,
  type VerifyReport,
  verifyCholesky,
  verifyEigh,
  verifyLu,
  verifyQr,
  verifySvd,
} from './verify.js';
