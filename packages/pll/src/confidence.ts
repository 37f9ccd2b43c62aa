/**
 * The labeling-confidence QP of PL-AGGD / PL-CL, solved without forming the l·n² block matrix:
 * min_P f(P) = ‖(I − S)P‖² + c‖P − T‖² over rows on the candidate simplices
 * {p : Σp = 1, 0 ≤ p ≤ y} (S is sparse: k weights per row), to a stated optimality tolerance.
 *
 * The solver is a gradient-projection / conjugate-gradient method for a convex QP over a product of
 * simplices (after Moré and Toraldo's GPCG, with the simplices' equality constraints kept by
 * projecting onto each row's free entries): accelerated projected-gradient steps (FISTA with
 * adaptive restart) find the face of the constraint set the minimizer lies on (which candidates are
 * zero), conjugate gradients then minimize f exactly on that face, and a CG step that would leave the
 * set is projected back onto it (or stopped at its boundary, whichever is lower) before projected
 * gradient takes over again. It stops when the KKT residual ‖P − Π(P − ∇f(P))‖∞ (zero exactly at a minimizer) is
 * below the tolerance; a solve that does not get there throws a ConvergenceError with the residual.
 *
 * @module
 */
import { ConvergenceError, Matrix, ResidentNeighbourGraph, Rng } from '@numts/core';
import { projectCandidateSimplex } from './simplex.js';

/** Largest eigenvalue of (I − S)ᵀ(I − S), by a seeded power iteration. */
function gramNorm(n: number, nb: Int32Array, w: Float64Array, k: number): number {
  // One column suffices: the operator acts on every label column identically.
  const rng = new Rng(12345);
  let v = rng.normalArray(n);
  const graph = new ResidentNeighbourGraph(nb, w, k, 1);
  const out = new Float64Array(n);
  let lam = 0;
  for (let it = 0; it < 50; it++) {
    graph.residualGram(v, out);
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

/** Options of {@link solveConfidenceQp}. */
export interface ConfidenceSolverOptions {
  /**
   * Stop when the KKT residual ‖P − Π(P − ∇f(P))‖∞ is at most this (default 1e-10; raised to the
   * rounding level 64ε·‖∇f(P)‖∞ when that is larger).
   */
  tol?: number;
  /** Cap on gradient-projection rounds (default 10 000); reaching it throws a ConvergenceError. */
  maxIter?: number;
  /** Starting point (rows on the candidate simplices); default: uniform over each candidate set. */
  start?: Matrix;
}

/** A solution with the residual it reached and the work it took. */
export interface ConfidenceSolution {
  p: Matrix;
  /** KKT residual ‖P − Π(P − ∇f(P))‖∞ at the returned P. */
  residual: number;
  /** Gradient-projection rounds. */
  rounds: number;
  /** Conjugate-gradient steps, over all rounds. */
  cgSteps: number;
}

/** The QP's data and its operators. */
class ConfidenceProblem {
  readonly size: number;
  private readonly tmp: Float64Array;
  private readonly graph: ResidentNeighbourGraph;

  constructor(
    readonly y: Float64Array,
    readonly n: number,
    readonly l: number,
    readonly nb: Int32Array,
    readonly w: Float64Array,
    readonly k: number,
    readonly c: number,
    readonly target: Float64Array | null,
  ) {
    this.size = n * l;
    this.tmp = new Float64Array(this.size);
    this.graph = new ResidentNeighbourGraph(nb, w, k, l);
  }

  /** out ← H·v = 2(I − S)ᵀ(I − S)v + 2c·v. */
  hessian(v: Float64Array, out: Float64Array): void {
    const { c } = this;
    this.graph.residualGram(v, out);
    for (let i = 0; i < this.size; i++) out[i] = 2 * out[i]! + 2 * c * v[i]!;
  }

  /** out ← ∇f(P) = H·P − 2c·T. */
  gradient(p: Float64Array, out: Float64Array): void {
    this.hessian(p, out);
    if (this.target && this.c > 0)
      for (let i = 0; i < this.size; i++) out[i] = out[i]! - 2 * this.c * this.target[i]!;
  }

  /** f(P) = ‖(I − S)P‖² + c‖P − T‖². */
  objective(p: Float64Array): number {
    const { c } = this;
    this.graph.residual(p, this.tmp);
    let f = 0;
    for (let i = 0; i < this.size; i++) {
      f += this.tmp[i]! ** 2;
      if (c > 0) f += c * (p[i]! - (this.target ? this.target[i]! : 0)) ** 2;
    }
    return f;
  }

  /** out ← Π(P − s·g), row by row onto the candidate simplices. */
  projectedStep(p: Float64Array, g: Float64Array, s: number, out: Float64Array): void {
    for (let i = 0; i < this.size; i++) out[i] = p[i]! - s * g[i]!;
    for (let i = 0; i < this.n; i++) projectCandidateSimplex(out, i * this.l, this.l, this.y, i * this.l);
  }
}

/** ‖g‖∞. */
function maxAbs(g: Float64Array): number {
  let m = 0;
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i]!));
  return m;
}

/** ‖P − Π(P − g)‖∞: zero exactly when P satisfies the KKT conditions. */
function kktResidual(
  problem: ConfidenceProblem,
  p: Float64Array,
  g: Float64Array,
  scratch: Float64Array,
): number {
  problem.projectedStep(p, g, 1, scratch);
  let r = 0;
  for (let i = 0; i < problem.size; i++) r = Math.max(r, Math.abs(p[i]! - scratch[i]!));
  return r;
}

/**
 * v ← Z·v: zero outside the free entries, and on each row the free entries' mean subtracted (the
 * orthogonal projection onto the directions that keep every row sum and every zero).
 */
function projectOntoFace(v: Float64Array, free: Uint8Array, n: number, l: number): void {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let count = 0;
    for (let c = i * l; c < (i + 1) * l; c++)
      if (free[c]) {
        sum += v[c]!;
        count++;
      }
    const mean = count ? sum / count : 0;
    for (let c = i * l; c < (i + 1) * l; c++) v[c] = free[c] ? v[c]! - mean : 0;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Solves the confidence QP to a KKT residual of `tol`. `c` = 0 gives the initial P⁰ problem
 * (started from the uniform distribution over each candidate set, as the reference runs did);
 * `target` T is ignored then.
 * @throws ConvergenceError naming the residual reached when `maxIter` rounds do not get to `tol`
 */
export function solveConfidenceQp(
  y: Matrix,
  nb: Int32Array,
  w: Float64Array,
  k: number,
  c: number,
  target: Matrix | null,
  { tol = 1e-10, maxIter = 10_000, start }: ConfidenceSolverOptions = {},
): ConfidenceSolution {
  const n = y.rows;
  const l = y.cols;
  const yd = y.clone().data;
  const problem = new ConfidenceProblem(yd, n, l, nb, w, k, c, target && c > 0 ? target.clone().data : null);
  const size = n * l;
  // 1/L with L the gradient's Lipschitz constant 2λmax((I−S)ᵀ(I−S)) + 2c (+10 % on the estimate).
  const step = 1 / (1.1 * 2 * gramNorm(n, nb, w, k) + 2 * c + 1e-12);
  const p = new Float64Array(size);
  if (start) p.set(start.clone().data);
  else
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let cc = 0; cc < l; cc++) m += yd[i * l + cc]!;
      for (let cc = 0; cc < l; cc++) p[i * l + cc] = yd[i * l + cc]! / m;
    }
  const g = new Float64Array(size);
  const scratch = new Float64Array(size);
  const free = new Uint8Array(size);
  const r = new Float64Array(size);
  const d = new Float64Array(size);
  const hd = new Float64Array(size);
  const z = new Float64Array(size);
  problem.gradient(p, g);
  let residual = kktResidual(problem, p, g, scratch);
  // Below 64ε·‖∇f‖∞ the residual is rounding: the tolerance is raised to that level.
  const goal = () => Math.max(tol, 64 * Number.EPSILON * maxAbs(g));
  let rounds = 0;
  let cgSteps = 0;
  const freeSet = () => {
    let changed = false;
    for (let i = 0; i < size; i++) {
      const f = yd[i]! !== 0 && p[i]! > 0 ? 1 : 0;
      if (f !== free[i]) changed = true;
      free[i] = f;
    }
    return changed;
  };
  while (residual > goal()) {
    if (rounds++ >= maxIter)
      throw new ConvergenceError(
        `solveConfidenceQp: the KKT residual is ${residual.toExponential(2)} after ${maxIter} rounds (tolerance ${tol})`,
        maxIter,
      );
    // Accelerated projected gradient (FISTA with adaptive restart) until the face — which
    // candidates are zero — has not changed for 25 steps (at most 500 steps).
    freeSet();
    z.set(p);
    let t = 1;
    for (let s = 0, stable = 0; s < 500 && stable < 25; s++) {
      problem.gradient(z, g);
      problem.projectedStep(z, g, step, scratch);
      let uphill = 0;
      for (let i = 0; i < size; i++) uphill += (z[i]! - scratch[i]!) * (scratch[i]! - p[i]!);
      const t1 = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      if (uphill > 0) {
        z.set(scratch);
        t = 1;
      } else {
        const beta = (t - 1) / t1;
        for (let i = 0; i < size; i++) z[i] = scratch[i]! + beta * (scratch[i]! - p[i]!);
        t = t1;
      }
      p.set(scratch);
      stable = freeSet() ? 0 : stable + 1;
    }
    problem.gradient(p, g);
    // Conjugate gradients on the face: minimize f over the free entries with each row sum fixed.
    for (let i = 0; i < size; i++) r[i] = -g[i]!;
    projectOntoFace(r, free, n, l);
    d.set(r);
    let rr = dot(r, r);
    const cgGoal = 0.1 * goal();
    for (let it = 0; it < Math.min(size, 2000) && maxAbs(r) > cgGoal; it++) {
      problem.hessian(d, hd);
      const curvature = dot(d, hd);
      if (!(curvature > 0)) break;
      const alpha = rr / curvature;
      // The largest step that keeps every free entry ≥ 0.
      let limit = Number.POSITIVE_INFINITY;
      for (let i = 0; i < size; i++) if (d[i]! < 0) limit = Math.min(limit, -p[i]! / d[i]!);
      cgSteps++;
      if (alpha >= limit) {
        // The CG step leaves the set: take the better of its projection back onto the set (which
        // can zero many candidates at once) and the point where it meets the boundary.
        for (let i = 0; i < size; i++) scratch[i] = p[i]! + alpha * d[i]!;
        for (let i = 0; i < n; i++) projectCandidateSimplex(scratch, i * l, l, yd, i * l);
        for (let i = 0; i < size; i++)
          hd[i] = d[i]! < 0 && -p[i]! / d[i]! <= limit ? 0 : p[i]! + limit * d[i]!;
        p.set(problem.objective(scratch) < problem.objective(hd) ? scratch : hd);
        break;
      }
      for (let i = 0; i < size; i++) p[i] = p[i]! + alpha * d[i]!;
      projectOntoFace(hd, free, n, l);
      for (let i = 0; i < size; i++) r[i] = r[i]! - alpha * hd[i]!;
      const rrNext = dot(r, r);
      const beta = rrNext / rr;
      rr = rrNext;
      for (let i = 0; i < size; i++) d[i] = r[i]! + beta * d[i]!;
    }
    problem.gradient(p, g);
    residual = kktResidual(problem, p, g, scratch);
  }
  return { p: new Matrix(n, l, p), residual, rounds, cgSteps };
}
