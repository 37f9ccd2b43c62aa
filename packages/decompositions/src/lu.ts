/**
 * LU factorization with partial pivoting, P·A = L·U (blocked, right-looking; LAPACK's dgetrf).
 *
 * @module
 */
import { gemm, Matrix } from '@numts/core';
import { workingCopy } from './internal/input.js';
import { swapRows } from './internal/rows.js';

/** What {@link lu} returns. */
export interface LuResult {
  /** m×k unit lower triangular (k = min(m, n)). */
  l: Matrix;
  /** k×n upper triangular. */
  u: Matrix;
  /** Row permutation: row i of P·A is row `perm[i]` of A. */
  perm: Int32Array;
  /** Sign of the permutation (+1 or −1), for determinants. */
  sign: 1 | -1;
  /** Packed factors: U on and above the diagonal, L's multipliers below (m×n). */
  packed: Matrix;
}

const LU_BLOCK = 48;

/**
 * In-place blocked LU with partial pivoting of the contiguous m×n array `a`. Returns the row
 * permutation and its sign. Zero pivots are left in place (the factorization of a singular matrix
 * is still defined; solvers check the pivots).
 */
export function luFactorInPlace(a: Float64Array, m: number, n: number): { perm: Int32Array; sign: 1 | -1 } {
  const perm = Int32Array.from({ length: m }, (_, i) => i);
  let sign: 1 | -1 = 1;
  const k = Math.min(m, n);
  for (let j0 = 0; j0 < k; j0 += LU_BLOCK) {
    const jb = Math.min(LU_BLOCK, k - j0);
    // Panel: columns j0..j0+jb, unblocked right-looking, swaps applied to whole rows.
    for (let j = j0; j < j0 + jb; j++) {
      let p = j;
      let best = Math.abs(a[j * n + j]!);
      for (let i = j + 1; i < m; i++) {
        const v = Math.abs(a[i * n + j]!);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      if (p !== j) {
        swapRows(a, n, j, p);
        [perm[j], perm[p]] = [perm[p]!, perm[j]!];
        sign = -sign as 1 | -1;
      }
      const pivot = a[j * n + j]!;
      if (pivot === 0) continue;
      // Multiply by the reciprocal unless it would overflow (subnormal pivot), as dgetf2 does.
      const useReciprocal = Math.abs(pivot) >= 2 ** -1022;
      const inv = 1 / pivot;
      const end = j0 + jb;
      for (let i = j + 1; i < m; i++) {
        const ri = i * n;
        const lij = useReciprocal ? a[ri + j]! * inv : a[ri + j]! / pivot;
        a[ri + j] = lij;
        if (lij === 0) continue;
        const rj = j * n;
        for (let c = j + 1; c < end; c++) a[ri + c] = a[ri + c]! - lij * a[rj + c]!;
      }
    }
    const c0 = j0 + jb;
    if (c0 >= n) continue;
    // U12 = L11⁻¹·A12 (rows j0..j0+jb, columns c0..n).
    for (let i = j0 + 1; i < j0 + jb; i++) {
      const ri = i * n;
      for (let p = j0; p < i; p++) {
        const lip = a[ri + p]!;
        if (lip === 0) continue;
        const rp = p * n;
        for (let c = c0; c < n; c++) a[ri + c] = a[ri + c]! - lip * a[rp + c]!;
      }
    }
    // A22 −= L21·U12.
    if (j0 + jb < m) {
      const l21 = Matrix.view(m - j0 - jb, jb, a, (j0 + jb) * n + j0, n, 1);
      const u12 = Matrix.view(jb, n - c0, a, j0 * n + c0, n, 1);
      const a22 = Matrix.view(m - j0 - jb, n - c0, a, (j0 + jb) * n + c0, n, 1);
      gemm(l21, u12, { alpha: -1, beta: 1, c: a22 });
    }
  }
  return { perm, sign };
}

/**
 * LU factorization with partial pivoting: P·A = L·U for any m×n A.
 *
 * Cost: mn² − n³/3 flops (2n³/3 square), most of it in gemm. Backward stable in practice
 * (growth factor ≤ 2ⁿ⁻¹ in theory, small in practice); check with {@link verifyLu}.
 * A singular matrix factors without error (U has a zero on its diagonal); {@link solve} and
 * {@link inv} reject it.
 *
 * @throws NonFiniteError when A holds NaN or ±Infinity
 * @example
 * ```ts
 * const { l, u, perm } = lu(from2D([[1, 2], [3, 4]]));
 * Array.from(perm); // [1, 0]: the larger pivot 3 came first
 * ```
 */
export function lu(a: Matrix): LuResult {
  const w = workingCopy('lu', 'a', a);
  const m = w.rows;
  const n = w.cols;
  const k = Math.min(m, n);
  const { perm, sign } = luFactorInPlace(w.data, m, n);
  const l = new Matrix(m, k);
  const u = new Matrix(k, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < Math.min(i, k); j++) l.data[i * k + j] = w.data[i * n + j]!;
    if (i < k) l.data[i * k + i] = 1;
  }
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) u.data[i * n + j] = w.data[i * n + j]!;
  return { l, u, perm, sign, packed: w };
}
