/**
 * The labeling-confidence QP of PL-AGGD / PL-CL, solved without forming the l·n² block matrix:
 * min_P ‖(I − S)P‖² + c‖P − T‖² over rows on the candidate simplices {p : Σp = 1, 0 ≤ p ≤ y},
 * by FISTA with adaptive restart and exact per-row projection (S is sparse: k weights per row).
 *
 * @module
 */
import { Matrix, Rng } from '@numts/core';
import { projectCandidateSimplex } from './simplex.js';

/** (I − S)·P for a sparse row-stochastic S given as neighbour lists and weights. */
function applyIminusS(
  p: Float64Array,
  n: number,
  l: number,
  nb: Int32Array,
  w: Float64Array,
  k: number,
  out: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < l; c++) out[i * l + c] = p[i * l + c]!;
    for (let t = 0; t < k; t++) {
      const j = nb[i * k + t]!;
      const wij = w[i * k + t]!;
      if (wij === 0) continue;
      for (let c = 0; c < l; c++) out[i * l + c] = out[i * l + c]! - wij * p[j * l + c]!;
    }
  }
}

/** (I − S)ᵀ·R. */
function applyIminusSt(
  r: Float64Array,
  n: number,
  l: number,
  nb: Int32Array,
  w: Float64Array,
  k: number,
  out: Float64Array,
): void {
  out.set(r);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = nb[i * k + t]!;
      const wij = w[i * k + t]!;
      if (wij === 0) continue;
      for (let c = 0; c < l; c++) out[j * l + c] = out[j * l + c]! - wij * r[i * l + c]!;
    }
  }
}

/** Largest eigenvalue of (I − S)ᵀ(I − S), by a seeded power iteration. */
function gramNorm(n: number, nb: Int32Array, w: Float64Array, k: number): number {
  // One column suffices: the operator acts on every label column identically.
  const rng = new Rng(12345);
  let v = rng.normalArray(n);
  const tmp = new Float64Array(n);
  const out = new Float64Array(n);
  let lam = 0;
  for (let it = 0; it < 50; it++) {
    applyIminusS(v, n, 1, nb, w, k, tmp);
    applyIminusSt(tmp, n, 1, nb, w, k, out);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += out[i]! * out[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    if (Math.abs(norm - lam) <= 1e-6 * norm) return norm;
    lam = norm;
    v = out.map((x) => x / norm);
  }
  return lam;
}

/** Options of {@link solveConfidence}. */
export interface ConfidenceSolverOptions {
  /** Stop when the largest change of P in one step is below this (default 1e-10). */
  tol?: number;
  /** Iteration cap (default 5000; the solver then returns its last iterate). */
  maxIter?: number;
  /** Starting point (rows on the candidate simplices); default: uniform over each candidate set. */
  start?: Matrix;
}

/**
 * Solves the confidence QP. `c` = 0 gives the initial P⁰ problem (convex, not strictly; started
 * from the uniform distribution over each candidate set, as the reference runs did); `target` T is
 * ignored then. Stops when the fixed-point residual (max change of P) falls below `tol`.
 */
export function solveConfidence(
  y: Matrix,
  nb: Int32Array,
  w: Float64Array,
  k: number,
  c: number,
  target: Matrix | null,
  { tol = 1e-10, maxIter = 5000, start }: ConfidenceSolverOptions = {},
): Matrix {
  const n = y.rows;
  const l = y.cols;
  const size = n * l;
  // Lipschitz constant of the gradient 2(I−S)ᵀ(I−S) + 2c·I (+10 % on the power-iteration estimate).
  const lip = 1.1 * 2 * gramNorm(n, nb, w, k) + 2 * c + 1e-12;
  const step = 1 / lip;
  const yd = y.data;
  const p = new Float64Array(size);
  if (start) p.set(start.data);
  else
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let cc = 0; cc < l; cc++) m += yd[i * l + cc]!;
      for (let cc = 0; cc < l; cc++) p[i * l + cc] = yd[i * l + cc]! / m;
    }
  // Gradient step on the target term folded into a constant: z − step·(2G z + 2c(z − T)).
  const shift = new Float64Array(size);
  if (target && c > 0) for (let i = 0; i < size; i++) shift[i] = 2 * step * c * target.data[i]!;
  const keep = 1 - 2 * step * (target ? c : 0);
  const z = p.slice();
  const tmp = new Float64Array(size);
  const grad = new Float64Array(size);
  const next = new Float64Array(size);
  let t = 1;
  for (let it = 0; it < maxIter; it++) {
    applyIminusS(z, n, l, nb, w, k, tmp);
    applyIminusSt(tmp, n, l, nb, w, k, grad);
    const s2 = 2 * step;
    for (let i = 0; i < size; i++) next[i] = keep * z[i]! - s2 * grad[i]! + shift[i]!;
    for (let i = 0; i < n; i++) projectCandidateSimplex(next, i * l, l, yd, i * l);
    let change = 0;
    let uphill = 0;
    for (let i = 0; i < size; i++) {
      const d = next[i]! - p[i]!;
      const a = d < 0 ? -d : d;
      if (a > change) change = a;
      uphill += (z[i]! - next[i]!) * d;
    }
    const t1 = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    if (uphill > 0) {
      // Adaptive restart: the momentum points uphill.
      z.set(next);
      t = 1;
    } else {
      const beta = (t - 1) / t1;
      for (let i = 0; i < size; i++) z[i] = next[i]! + beta * (next[i]! - p[i]!);
      t = t1;
    }
    p.set(next);
    if (change < tol) break;
  }
  return new Matrix(n, l, p);
}
