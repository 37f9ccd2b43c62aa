/**
 * Analysis of weight updates for researchers: task-specific directions (LoRA-Dash's change rates),
 * principal angles between subspaces, and singular spectra.
 *
 * @module
 */
import { assertFiniteArray, DomainError, gemm, Matrix, Rng, ShapeError } from '@numts/core';
import { qr, svd } from '@numts/decompositions';

/** The result of {@link taskSpecificDirections}. */
export interface TaskSpecificDirections {
  /** Singular values σᵢ of W (descending). */
  sigma: Float64Array;
  /** Coordinates uᵢᵀ ΔW vᵢ of the update on every core direction of W. */
  coordinates: Float64Array;
  /** Change rates δᵢ = |uᵢᵀ ΔW vᵢ| / σᵢ (0 for numerically null directions, σᵢ ≤ tol). */
  rates: Float64Array;
  /** The s directions with the largest rates, in decreasing rate (ties: lower index first). */
  indices: Int32Array;
  /** U_s: the selected left singular vectors as an out×s row-major array. */
  u: Float64Array;
  /** V_sᵀ: the selected right singular vectors as an s×in row-major array. */
  vt: Float64Array;
}

/** How dash directions are chosen: by change rate, or one of the ablation rules. */
export type DirectionSelection = 'tsd' | 'top-sigma' | 'bottom-sigma' | 'random';

function checkPair(fn: string, w: Matrix, dw: Matrix, s: number): void {
  if (!(w instanceof Matrix) || !(dw instanceof Matrix))
    throw new TypeError(`${fn}: W and ΔW must be Matrix values`);
  if (w.rows !== dw.rows || w.cols !== dw.cols)
    throw new ShapeError(`${fn}: ΔW must have W's shape ${w.rows}×${w.cols} (got ${dw.rows}×${dw.cols})`);
  const k = Math.min(w.rows, w.cols);
  if (!Number.isInteger(s) || s < 1 || s > k)
    throw new DomainError(`${fn}: s must be an integer in [1, ${k}] (got ${String(s)})`);
  assertFiniteArray(fn, 'W', w.clone().data);
  assertFiniteArray(fn, 'ΔW', dw.clone().data);
}

/**
 * Task-specific directions (LoRA-Dash): with W = U Σ Vᵀ, the change rate of core direction i
 * under ΔW is δᵢ = |uᵢᵀ ΔW vᵢ| / σᵢ; the TSDs are the s directions with the largest δᵢ.
 * Directions with σᵢ ≤ max(m, n)·ε·σ₁ are numerically null and get rate 0.
 * @throws ShapeError when ΔW's shape differs from W's
 * @throws DomainError unless 1 ≤ s ≤ min(m, n)
 * @throws NonFiniteError for NaN or infinite entries
 * @example
 * ```ts
 * const W = new Rng(1).normalMatrix(6, 4);
 * const dW = new Rng(2).normalMatrix(6, 4);
 * const { indices, rates } = taskSpecificDirections(W, dW, 2);
 * ```
 */
export function taskSpecificDirections(w: Matrix, dw: Matrix, s: number): TaskSpecificDirections {
  checkPair('taskSpecificDirections', w, dw, s);
  const res = svd(w);
  const u = res.u!;
  const vt = res.vt!;
  const k = res.s.length;
  const coordinates = new Float64Array(k);
  const rates = new Float64Array(k);
  const tol = Math.max(w.rows, w.cols) * Number.EPSILON * (res.s[0] ?? 0);
  // ΔW vᵢ for all i at once: ΔW · V (n×k) = ΔW · (Vᵀ)ᵀ.
  const dwv = gemm(dw, vt, { transB: true });
  for (let i = 0; i < k; i++) {
    let c = 0;
    for (let r = 0; r < w.rows; r++) c += u.get(r, i) * dwv.get(r, i);
    coordinates[i] = c;
    rates[i] = res.s[i]! > tol ? Math.abs(c) / res.s[i]! : 0;
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => rates[b]! - rates[a]! || a - b);
  const indices = Int32Array.from(order.slice(0, s));
  return { sigma: res.s, coordinates, rates, indices, ...gatherDirections(u, vt, indices) };
}

function gatherDirections(u: Matrix, vt: Matrix, idx: Int32Array): { u: Float64Array; vt: Float64Array } {
  const s = idx.length;
  const us = new Float64Array(u.rows * s);
  const vs = new Float64Array(s * vt.cols);
  for (let j = 0; j < s; j++) {
    const i = idx[j]!;
    for (let r = 0; r < u.rows; r++) us[r * s + j] = u.get(r, i);
    for (let c = 0; c < vt.cols; c++) vs[j * vt.cols + c] = vt.get(i, c);
  }
  return { u: us, vt: vs };
}

/**
 * Direction choices for the LoRA-Dash ablation: `'tsd'` as {@link taskSpecificDirections},
 * `'top-sigma'` the s largest singular values, `'bottom-sigma'` the s smallest non-null ones,
 * `'random'` s distinct directions drawn with `seed`.
 */
export function selectDirections(
  w: Matrix,
  dw: Matrix,
  s: number,
  mode: DirectionSelection,
  seed = 0,
): TaskSpecificDirections {
  const tsd = taskSpecificDirections(w, dw, s);
  if (mode === 'tsd') return tsd;
  const k = tsd.sigma.length;
  const tol = Math.max(w.rows, w.cols) * Number.EPSILON * (tsd.sigma[0] ?? 0);
  let live = 0;
  while (live < k && tsd.sigma[live]! > tol) live++;
  if (live < s)
    throw new DomainError(`selectDirections: W has ${live} non-null directions, fewer than s = ${s}`);
  let idx: Int32Array;
  if (mode === 'top-sigma') idx = Int32Array.from({ length: s }, (_, j) => j);
  else if (mode === 'bottom-sigma') idx = Int32Array.from({ length: s }, (_, j) => live - 1 - j);
  else if (mode === 'random') idx = new Rng(seed).choice(live, s);
  else
    throw new DomainError(
      `selectDirections: mode must be "tsd", "top-sigma", "bottom-sigma" or "random" (got ${JSON.stringify(mode)})`,
    );
  const res = svd(w);
  return { ...tsd, indices: idx, ...gatherDirections(res.u!, res.vt!, idx) };
}

/** The result of {@link subspaceSimilarity}. */
export interface SubspaceSimilarity {
  /** Cosines of the principal angles, descending (length min(k₁, k₂)). */
  cosines: Float64Array;
  /** Principal angles in radians, ascending. */
  angles: Float64Array;
  /** Grassmann distance √Σθᵢ². */
  grassmannDistance: number;
  /** ‖Q₁ᵀQ₂‖²_F / min(k₁, k₂) ∈ [0, 1] (the LoRA paper's normalised subspace similarity). */
  similarity: number;
}

/**
 * Principal angles between the column spaces of U₁ (m×k₁) and U₂ (m×k₂). The columns are
 * orthonormalised first (QR), so any bases of the subspaces may be passed.
 * @throws ShapeError when the row counts differ or a basis is empty
 * @throws NonFiniteError for NaN or infinite entries
 */
export function subspaceSimilarity(u1: Matrix, u2: Matrix): SubspaceSimilarity {
  const fn = 'subspaceSimilarity';
  if (!(u1 instanceof Matrix) || !(u2 instanceof Matrix))
    throw new TypeError(`${fn}: U1 and U2 must be Matrix values`);
  if (u1.rows !== u2.rows)
    throw new ShapeError(
      `${fn}: U1 and U2 must have the same number of rows (got ${u1.rows} and ${u2.rows})`,
    );
  if (u1.cols < 1 || u2.cols < 1 || u1.cols > u1.rows || u2.cols > u2.rows)
    throw new ShapeError(
      `${fn}: each basis needs 1 to m columns (m = ${u1.rows}; got ${u1.cols} and ${u2.cols})`,
    );
  assertFiniteArray(fn, 'U1', u1.clone().data);
  assertFiniteArray(fn, 'U2', u2.clone().data);
  const q1 = qr(u1).q!;
  const q2 = qr(u2).q!;
  const c = svd(gemm(q1, q2, { transA: true }), { mode: 'values' }).s;
  const cosines = c.map((v) => Math.min(1, Math.max(0, v)));
  const angles = Float64Array.from(cosines, (v) => Math.acos(v));
  let g = 0;
  for (const a of angles) g += a * a;
  let f = 0;
  for (const v of cosines) f += v * v;
  return { cosines, angles, grassmannDistance: Math.sqrt(g), similarity: f / Math.min(u1.cols, u2.cols) };
}

/** The result of {@link singularSpectrum}. */
export interface SingularSpectrum {
  /** Singular values, descending. */
  values: Float64Array;
  /** Cumulative energy Σ_{j≤i} σⱼ² / Σσ², per i. */
  cumulativeEnergy: Float64Array;
  /** Numerical rank (σᵢ > max(m, n)·ε·σ₁). */
  rank: number;
  /** Stable rank ‖M‖²_F / ‖M‖²₂ (0 for a zero matrix). */
  stableRank: number;
  /** Effective rank exp(H(p)), pᵢ = σᵢ/Σσ (Roy & Vetterli 2007; 0 for a zero matrix). */
  effectiveRank: number;
}

/**
 * The singular spectrum of an update ΔW with summary ranks.
 * @throws NonFiniteError for NaN or infinite entries
 */
export function singularSpectrum(m: Matrix): SingularSpectrum {
  if (!(m instanceof Matrix)) throw new TypeError('singularSpectrum: the argument must be a Matrix');
  assertFiniteArray('singularSpectrum', 'ΔW', m.clone().data);
  const values = svd(m, { mode: 'values' }).s;
  const total2 = values.reduce((a, v) => a + v * v, 0);
  const total = values.reduce((a, v) => a + v, 0);
  const cumulativeEnergy = new Float64Array(values.length);
  let acc = 0;
  for (let i = 0; i < values.length; i++) {
    acc += values[i]! ** 2;
    cumulativeEnergy[i] = total2 > 0 ? acc / total2 : 0;
  }
  const tol = Math.max(m.rows, m.cols) * Number.EPSILON * (values[0] ?? 0);
  const rank = values.filter((v) => v > tol).length;
  let h = 0;
  if (total > 0) for (const v of values) if (v > 0) h -= (v / total) * Math.log(v / total);
  return {
    values,
    cumulativeEnergy,
    rank: total > 0 ? rank : 0,
    stableRank: total2 > 0 ? total2 / values[0]! ** 2 : 0,
    effectiveRank: total > 0 ? Math.exp(h) : 0,
  };
}
