/**
 * Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix (blocked), and a pivoted
 * variant for positive semidefinite matrices.
 *
 * @module
 */
import { DomainError, gemm, Matrix, NonFiniteError, ShapeError } from '@numts/core';
import { EPS, workingCopy, workingMatrix } from './internal/input.js';
import { solveLowerInPlace, solveLowerTransposedInPlace } from './internal/triangular.js';

const CHOL_BLOCK = 64;
/** Rows per product of the trailing update: each product packs the panel once, so fewer, taller ones. */
const UPDATE_ROWS = 256;

/**
 * In-place lower Cholesky of the contiguous n×n array (only the lower triangle is read). Returns
 * −1 on success or the index of the first non-positive pivot.
 */
export function choleskyInPlace(a: Float64Array, n: number): number {
  for (let j0 = 0; j0 < n; j0 += CHOL_BLOCK) {
    const jb = Math.min(CHOL_BLOCK, n - j0);
    // Diagonal block, unblocked (left-looking within the block).
    for (let j = j0; j < j0 + jb; j++) {
      const rj = j * n;
      let d = a[rj + j]!;
      for (let p = j0; p < j; p++) d -= a[rj + p]! * a[rj + p]!;
      if (!(d > 0)) return j;
      const ljj = Math.sqrt(d);
      a[rj + j] = ljj;
      const inv = 1 / ljj;
      for (let i = j + 1; i < j0 + jb; i++) {
        const ri = i * n;
        let s = a[ri + j]!;
        for (let p = j0; p < j; p++) s -= a[ri + p]! * a[rj + p]!;
        a[ri + j] = s * inv;
      }
    }
    const r0 = j0 + jb;
    if (r0 >= n) break;
    // L21 = A21·L11⁻ᵀ: each row x of A21 solves L11·xᵀ = rowᵀ (forward substitution).
    for (let i = r0; i < n; i++) {
      const ri = i * n;
      for (let j = j0; j < j0 + jb; j++) {
        const rj = j * n;
        let s = a[ri + j]!;
        for (let p = j0; p < j; p++) s -= a[ri + p]! * a[rj + p]!;
        a[ri + j] = s / a[rj + j]!;
      }
    }
    // A22 −= L21·L21ᵀ, lower triangle only (up to the block diagonal), by blocks of rows.
    for (let b0 = r0; b0 < n; b0 += UPDATE_ROWS) {
      const bb = Math.min(UPDATE_ROWS, n - b0);
      const lRows = Matrix.view(bb, jb, a, b0 * n + j0, n, 1);
      const lCols = Matrix.view(b0 + bb - r0, jb, a, r0 * n + j0, n, 1);
      const target = Matrix.view(bb, b0 + bb - r0, a, b0 * n + r0, n, 1);
      gemm(lRows, lCols, { transB: true, alpha: -1, beta: 1, c: target });
    }
  }
  return -1;
}

/** What {@link cholesky} returns. */
export interface CholeskyResult {
  /** Lower triangular factor with a positive diagonal, A = L·Lᵀ. */
  l: Matrix;
}

/**
 * Cholesky factorization A = L·Lᵀ. Only the lower triangle of A is read (A is assumed symmetric).
 * With `{ overwrite: true }` a contiguous A is factored in its own storage (A is destroyed and the
 * result's `l` is A itself): no n×n copy, for callers that are done with A.
 *
 * Cost: n³/3 flops, mostly gemm. Backward stable.
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @throws DomainError when A is not positive definite, naming the failing pivot
 * @example
 * ```ts
 * cholesky(from2D([[4, 2], [2, 5]])).l.toArray(); // [[2, 0], [1, 2]]
 * ```
 */
export function cholesky(a: Matrix, options: { overwrite?: boolean } = {}): CholeskyResult {
  const w = workingMatrix('cholesky', 'a', a, options.overwrite);
  const n = w.rows;
  const fail = choleskyInPlace(w.data, n);
  if (fail >= 0) {
    throw new DomainError(
      `cholesky: a must be symmetric positive definite (pivot ${fail} is not positive; use choleskySemidefinite for semidefinite matrices)`,
    );
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w.data[i * n + j] = 0;
  return { l: w };
}

/** What {@link choleskySemidefinite} returns. */
export interface CholeskySemidefiniteResult {
  /** n×rank lower trapezoidal factor: P·A·Pᵀ ≈ L·Lᵀ, i.e. A[perm][:, perm] ≈ L·Lᵀ. */
  l: Matrix;
  /** Symmetric permutation: row/column i of PAPᵀ is row/column `perm[i]` of A. */
  perm: Int32Array;
  /** Number of pivots above the tolerance. */
  rank: number;
  /** The tolerance used. */
  tol: number;
}

/**
 * Pivoted Cholesky for symmetric positive semidefinite matrices (LAPACK's dpstrf, unblocked):
 * at each step the largest remaining diagonal entry is the pivot; the factorization stops when it
 * falls below `tol` (default n·ε·max diag(A)).
 *
 * @throws ShapeError when A is not square
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @throws DomainError when a diagonal entry is negative beyond the tolerance (A is indefinite)
 */
export function choleskySemidefinite(a: Matrix, options: { tol?: number } = {}): CholeskySemidefiniteResult {
  const w = workingCopy('choleskySemidefinite', 'a', a, { square: true });
  const n = w.rows;
  const d = w.data;
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, d[i * n + i]!);
  const tol = options.tol ?? n * EPS * maxDiag;
  const work = new Float64Array(n); // running Σ L(i,p)² for the remaining diagonal
  let rank = n;
  for (let j = 0; j < n; j++) {
    let p = j;
    let best = d[j * n + j]! - work[j]!;
    for (let i = j + 1; i < n; i++) {
      const v = d[i * n + i]! - work[i]!;
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best <= tol) {
      for (let i = j; i < n; i++) {
        if (d[i * n + i]! - work[i]! < -Math.max(tol, 1e3 * EPS * maxDiag)) {
          throw new DomainError(
            `choleskySemidefinite: a must be positive semidefinite (remaining diagonal entry ${i} is ${d[i * n + i]! - work[i]!})`,
          );
        }
      }
      rank = j;
      break;
    }
    if (p !== j) {
      // Symmetric swap of rows/columns j and p in the full array.
      for (let c = 0; c < n; c++) [d[j * n + c], d[p * n + c]] = [d[p * n + c]!, d[j * n + c]!];
      for (let r = 0; r < n; r++) [d[r * n + j], d[r * n + p]] = [d[r * n + p]!, d[r * n + j]!];
      [perm[j], perm[p]] = [perm[p]!, perm[j]!];
      [work[j], work[p]] = [work[p]!, work[j]!];
    }
    const ljj = Math.sqrt(best);
    d[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = d[i * n + j]!;
      for (let q = 0; q < j; q++) s -= d[i * n + q]! * d[j * n + q]!;
      const lij = s / ljj;
      d[i * n + j] = lij;
      work[i] = work[i]! + lij * lij;
    }
  }
  const l = new Matrix(n, rank);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= Math.min(i, rank - 1); j++) l.data[i * rank + j] = d[i * n + j]!;
  return { l, perm, rank, tol };
}

/** Solves A·X = B given the Cholesky factor L of A (B overwritten, n×nrhs contiguous). */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array, nrhs: number): void {
  solveLowerInPlace(l, n, n, b, nrhs, false);
  solveLowerTransposedInPlace(l, n, n, b, nrhs);
}

/**
 * Solves A·X = B from a Cholesky factorization A = L·Lᵀ computed earlier (scipy's `cho_solve`):
 * two blocked triangular solves, 2n²·k flops, no refactorization. B is n×k and is not modified.
 *
 * @throws ShapeError when L is not square or B has a different number of rows
 * @throws NonFiniteError when B holds NaN or ±Infinity
 * @example
 * ```ts
 * const f = cholesky(a);
 * const x = choleskySolve(f, b); // a·x ≈ b
 * ```
 */
export function choleskySolve(factor: CholeskyResult, b: Matrix): Matrix {
  const l = factor.l;
  const n = l.rows;
  if (l.cols !== n) throw new ShapeError(`choleskySolve: factor.l must be square, got ${l.rows}x${l.cols}`);
  if (b.rows !== n) throw new ShapeError(`choleskySolve: b has ${b.rows} rows but the factor is ${n}x${n}`);
  const x = b.clone();
  const bad = x.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new NonFiniteError(`choleskySolve: b contains ${x.data[bad]} at flat index ${bad}`, bad);
  choleskySolveInPlace(l.toContiguous().data, n, x.data, x.cols);
  return x;
}
