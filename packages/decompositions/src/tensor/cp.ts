/**
 * CP (CANDECOMP/PARAFAC) decomposition by alternating least squares, with TensorLy's defaults.
 *
 * @module
 */
import { DomainError, gemm, Matrix, Rng, ShapeError, type Tensor, type TensorLike } from '@numts/core';
import { assertIntegerIn } from '../internal/input.js';
import { powerOfTwoScaleSplit, scaleInPlace } from '../internal/scaling.js';
import { solve } from '../solve.js';
import { type DenseTensor, denseCopy, splitAt, sumOfSquares, toTensor } from './dense.js';
import { leadingLeftVectors } from './leading-vectors.js';
import { khatriRao } from './products.js';

/** A CP model: X ≈ Σᵣ wᵣ · a₀ᵣ ∘ a₁ᵣ ∘ ⋯. */
export interface CpResult {
  /** Weights wᵣ (all 1 unless `normalize`). */
  weights: Float64Array;
  /** Factor matrices Aₙ (Iₙ × R). */
  factors: Matrix[];
  /** Relative error ‖X − X̂‖/‖X‖ after each sweep. */
  errors: Float64Array;
  /** Number of ALS sweeps run. */
  iterations: number;
}

/** Options of {@link cp}. */
export interface CpOptions {
  /** `'svd'` (default): leading singular vectors of each unfolding, A₀ scaled by the singular values; `'random'`: uniform [0, 1). */
  init?: 'svd' | 'random';
  /** Stop when |errₖ₋₁ − errₖ| < tol (TensorLy: 1e-8). */
  tol?: number;
  /** Maximum number of sweeps (default 100). */
  maxIter?: number;
  /** Move the column norms into the weights after every sweep (default false). */
  normalize?: boolean;
  /** Non-negative CP by multiplicative updates (requires X ≥ 0; default false). */
  nonnegative?: boolean;
  /** Random generator for the random parts of the initialisation; default `new Rng(seed)`. */
  rng?: Rng;
  /** Seed when no rng is given (default 0). */
  seed?: number;
}

/**
 * MTTKRP: unfold(X, n) · khatriRao(A_k, k ≠ n) (Iₙ × R), computed on the (P, Iₙ, Q) view of X
 * with one gemm per leading slice and no unfolding: M = Σ_a X[a]·KR_right ∘ KR_left[a, :].
 */
export function mttkrp(t: DenseTensor, factors: readonly Matrix[], n: number): Matrix {
  const { p, q } = splitAt(t.shape, n);
  const In = t.shape[n]!;
  const r = factors[0]!.cols;
  const left = n > 0 ? khatriRao(factors.slice(0, n)) : null; // P × R
  const right = n < factors.length - 1 ? khatriRao(factors.slice(n + 1)) : null; // Q × R
  if (!right) return gemm(Matrix.view(p, In, t.data, 0, In, 1), left!, { transA: true });
  if (!left) return gemm(Matrix.view(In, q, t.data, 0, q, 1), right);
  const out = new Matrix(In, r);
  const tmp = new Matrix(In, r);
  for (let a = 0; a < p; a++) {
    gemm(Matrix.view(In, q, t.data, a * In * q, q, 1), right, { c: tmp });
    for (let i = 0; i < In; i++) {
      for (let k = 0; k < r; k++)
        out.data[i * r + k] = out.data[i * r + k]! + tmp.data[i * r + k]! * left.data[a * r + k]!;
    }
  }
  return out;
}

/** Hadamard product of the Gram matrices A_kᵀA_k over k ≠ skip (R × R). */
function gramHadamard(factors: readonly Matrix[], skip: number): Matrix {
  const r = factors[0]!.cols;
  const v = new Matrix(r, r, new Float64Array(r * r).fill(1));
  factors.forEach((a, k) => {
    if (k === skip) return;
    const g = gemm(a, a, { transA: true });
    for (let i = 0; i < r * r; i++) v.data[i] = v.data[i]! * g.data[i]!;
  });
  return v;
}

/**
 * CP decomposition of rank R by alternating least squares (TensorLy's `parafac`): each sweep solves
 * Aₙ·V = MTTKRPₙ with V = ⊛_{k≠n} A_kᵀA_k by LU, mode by mode; the error is computed from the last
 * MTTKRP without forming X̂.
 * @throws ShapeError when rank is not a positive integer or X has fewer than 2 modes
 * @throws NonFiniteError when X holds NaN or ±Infinity
 * @throws DomainError when V becomes singular (a degenerate model), for negative data with
 *   `nonnegative`, or for out-of-range options
 */
export function cp(x: TensorLike | Tensor<never>, rank: number, options: CpOptions = {}): CpResult {
  const t = denseCopy('cp', 'x', x, 2);
  assertIntegerIn('cp', 'rank', rank, 1, 1_000_000);
  const tol = options.tol ?? 1e-8;
  const maxIter = options.maxIter ?? 100;
  const init = options.init ?? 'svd';
  const normalize = options.normalize ?? false;
  const nonnegative = options.nonnegative ?? false;
  if (!(tol >= 0)) throw new DomainError(`cp: tol must be ≥ 0 (got ${tol})`);
  if (!Number.isInteger(maxIter) || maxIter < 0)
    throw new DomainError(`cp: maxIter must be a non-negative integer (got ${maxIter})`);
  if (init !== 'svd' && init !== 'random')
    throw new DomainError(`cp: init must be "svd" or "random" (got ${JSON.stringify(init)})`);
  if (nonnegative) {
    const neg = t.data.findIndex((v) => v < 0);
    if (neg >= 0)
      throw new DomainError(`cp: nonnegative CP needs x ≥ 0 (element ${neg} in C order is ${t.data[neg]})`);
  }
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const order = t.shape.length;
  // Work on X·s near 1 (s = 2^(N·e), exact); afterwards each of the N factors (or the weights, when
  // normalized) takes back its share 2^−e, so no factor alone carries an extreme magnitude.
  const scale = powerOfTwoScaleSplit(t.data, order);
  scaleInPlace(t.data, scale);
  const factors: Matrix[] = t.shape.map((In, n) => {
    if (init === 'random') return rng.uniformMatrix(In, rank);
    const { u, s } = leadingLeftVectors(t, n, rank, 'gram');
    const a = new Matrix(In, rank);
    for (let i = 0; i < In; i++) {
      for (let k = 0; k < rank; k++) {
        let v = k < u.cols ? u.data[i * u.cols + k]! * (n === 0 ? s[k]! : 1) : rng.uniform();
        if (nonnegative) v = Math.abs(v);
        a.data[i * rank + k] = v;
      }
    }
    return a;
  });
  const weights = new Float64Array(rank).fill(1);
  const normX2 = sumOfSquares(t.data);
  const errors: number[] = [];
  let it = 0;
  for (; it < maxIter; it++) {
    let last: Matrix | null = null;
    for (let n = 0; n < order; n++) {
      const v = gramHadamard(factors, n);
      for (let i = 0; i < rank; i++)
        for (let j = 0; j < rank; j++)
          v.data[i * rank + j] = v.data[i * rank + j]! * weights[i]! * weights[j]!;
      const m = mttkrp(t, factors, n);
      for (let i = 0; i < m.rows; i++)
        for (let k = 0; k < rank; k++) m.data[i * rank + k] = m.data[i * rank + k]! * weights[k]!;
      if (nonnegative) {
        const a = factors[n]!;
        const av = gemm(a, v);
        for (let i = 0; i < a.data.length; i++)
          a.data[i] = a.data[i]! * (m.data[i]! / (av.data[i]! + 1e-300));
      } else {
        try {
          factors[n] = solve(v, m.T.clone()).T.clone();
        } catch (e) {
          if (e instanceof DomainError) {
            throw new DomainError(
              `cp: the normal equations of mode ${n} became singular at sweep ${it} (rank ${rank} may exceed what the data supports)`,
            );
          }
          throw e;
        }
      }
      if (n === order - 1) last = m;
    }
    // ‖X − X̂‖² = ‖X‖² + ‖X̂‖² − 2⟨X, X̂⟩, with ⟨X, X̂⟩ from the last MTTKRP (already weighted).
    const aLast = factors[order - 1]!;
    let inner = 0;
    for (let i = 0; i < aLast.data.length; i++) inner += last!.data[i]! * aLast.data[i]!;
    const full = gramHadamard(factors, -1);
    let normHat2 = 0;
    for (let i = 0; i < rank; i++)
      for (let j = 0; j < rank; j++) normHat2 += weights[i]! * weights[j]! * full.data[i * rank + j]!;
    const err = Math.sqrt(Math.abs(normX2 + normHat2 - 2 * inner)) / Math.sqrt(normX2 || 1);
    errors.push(err);
    if (normalize) normalizeColumns(factors, weights);
    if (it >= 1 && Math.abs(errors[errors.length - 2]! - err) < tol) {
      it++;
      break;
    }
  }
  if (normalize) scaleInPlace(weights, 1 / scale);
  else {
    const share = 2 ** (-Math.log2(scale) / order);
    for (const a of factors) scaleInPlace(a.data, share);
  }
  return { weights, factors, errors: Float64Array.from(errors), iterations: it };
}

/** Moves the column norms of every factor into the weights (zero columns are left as they are). */
function normalizeColumns(factors: Matrix[], weights: Float64Array): void {
  for (const a of factors) {
    for (let k = 0; k < a.cols; k++) {
      let s = 0;
      for (let i = 0; i < a.rows; i++) s += a.data[i * a.cols + k]! ** 2;
      const norm = Math.sqrt(s);
      if (norm === 0) continue;
      weights[k] = weights[k]! * norm;
      for (let i = 0; i < a.rows; i++) a.data[i * a.cols + k] = a.data[i * a.cols + k]! / norm;
    }
  }
}

/** Validated dense X̂ = Σᵣ wᵣ · a₀ᵣ ∘ a₁ᵣ ∘ ⋯ (shared by reconstructCp and verifyCp). */
export function cpReconstructDense(
  fn: string,
  weights: ArrayLike<number> | undefined,
  factors: readonly Matrix[],
): DenseTensor {
  if (!Array.isArray(factors) || factors.length === 0)
    throw new TypeError(`${fn}: factors must be a non-empty array of Matrix`);
  factors.forEach((a, k) => {
    if (!(a instanceof Matrix)) throw new TypeError(`${fn}: factors[${k}] must be a Matrix`);
  });
  const r = factors[0]!.cols;
  factors.forEach((a, k) => {
    if (a.cols !== r)
      throw new ShapeError(
        `${fn}: every factor must have ${r} columns like factors[0] (factors[${k}] is ${a.rows}x${a.cols})`,
      );
  });
  const w = weights ?? new Float64Array(r).fill(1);
  if (w.length !== r) throw new ShapeError(`${fn}: weights must have ${r} entries (got ${w.length})`);
  const a0 = factors[0]!.clone();
  for (let i = 0; i < a0.rows; i++)
    for (let k = 0; k < r; k++) a0.data[i * r + k] = a0.data[i * r + k]! * w[k]!;
  const shape = factors.map((a) => a.rows);
  if (factors.length === 1) {
    const data = new Float64Array(a0.rows);
    for (let i = 0; i < a0.rows; i++) for (let k = 0; k < r; k++) data[i] = data[i]! + a0.data[i * r + k]!;
    return { data, shape };
  }
  // unfold(X̂, 0) = (A₀·diag(w))·khatriRao(A₁, …)ᵀ, and the C-order mode-0 unfolding is the tensor itself.
  return { data: gemm(a0, khatriRao(factors.slice(1)), { transB: true }).data, shape };
}

/** X̂ = Σᵣ wᵣ · a₀ᵣ ∘ a₁ᵣ ∘ ⋯ as a dense tensor. @throws ShapeError when the factors disagree on R */
export function reconstructCp(
  weights: ArrayLike<number> | undefined,
  factors: readonly Matrix[],
): Tensor<Float64Array> {
  return toTensor(cpReconstructDense('reconstructCp', weights, factors));
}
