/**
 * CLPL (Cour, Sapp, Taskar, JMLR 2011), linear: a convex loss that scores the *average* of the
 * candidate labels' outputs against every non-candidate label.
 *
 * @module
 */
import type { LearnerJson } from '@numts/core';
import { assertIntegerInRange, assertPositive, ConvergenceError, gemm, Matrix } from '@numts/core';
import { Learner } from './learner.js';
import { LinearPllModel, type LinearPllModelJson } from './linear.js';
import { checkTrainingSet } from './validate.js';

/** Options of {@link fitClpl}. */
export interface ClplOptions {
  /** L2 penalty λ on W (default 1e-3; the bias is not penalised). */
  lambda?: number;
  /** Iteration cap of the accelerated gradient solver (default 2000). */
  maxIter?: number;
  /** Stop when the relative objective change is below this (default 1e-10). */
  tol?: number;
}

/**
 * Fits linear CLPL: minimises
 * (1/n) Σᵢ [ ψ(mean_{c∈Sᵢ} gᵢc) + Σ_{c∉Sᵢ} ψ(−gᵢc) ] + (λ/2)‖W‖², g = XW + 1bᵀ, ψ(z) = max(0, 1 − z)²
 * (the squared hinge of the paper), by accelerated gradient descent with backtracking (the problem
 * is convex and smooth). Deterministic.
 *
 * @throws ConvergenceError when the iteration cap is hit before the tolerance
 * @example
 * ```ts
 * const model = fitClpl(xTrain, candidates);
 * const labels = model.predict(xTest);
 * ```
 */
export function fitClpl(x: Matrix, candidates: Matrix, options: ClplOptions = {}): LinearPllModel {
  const fn = 'fitClpl';
  const { x: xt, y } = checkTrainingSet(fn, x, candidates);
  const { lambda = 1e-3, maxIter = 2000, tol = 1e-10 } = options;
  assertPositive(fn, 'lambda', lambda);
  assertIntegerInRange(fn, 'maxIter', maxIter, 1, 1e9);
  assertPositive(fn, 'tol', tol, { allowZero: true });
  const n = xt.rows;
  const d = xt.cols;
  const l = y.cols;
  const size = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let c = 0; c < l; c++) size[i] = size[i]! + y.data[i * l + c]!;

  // Parameters packed as θ = [W (d×l); b (1×l)].
  const objective = (theta: Matrix, grad: Matrix | null): number => {
    const w = new Matrix(d, l, theta.data.subarray(0, d * l));
    const g = gemm(xt, w);
    const dg = grad ? new Matrix(n, l) : null;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let c = 0; c < l; c++) {
        g.data[i * l + c] = g.data[i * l + c]! + theta.data[d * l + c]!;
        if (y.data[i * l + c]) m += g.data[i * l + c]!;
      }
      m /= size[i]!;
      const hm = Math.max(0, 1 - m);
      loss += hm * hm;
      for (let c = 0; c < l; c++) {
        if (y.data[i * l + c]) {
          if (dg) dg.data[i * l + c] = (-2 * hm) / size[i]! / n;
        } else {
          const h = Math.max(0, 1 + g.data[i * l + c]!);
          loss += h * h;
          if (dg) dg.data[i * l + c] = (2 * h) / n;
        }
      }
    }
    let reg = 0;
    for (let i = 0; i < d * l; i++) reg += theta.data[i]! ** 2;
    if (grad && dg) {
      const gw = gemm(xt, dg, { transA: true });
      for (let i = 0; i < d * l; i++) grad.data[i] = gw.data[i]! + lambda * theta.data[i]!;
      for (let c = 0; c < l; c++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += dg.data[i * l + c]!;
        grad.data[d * l + c] = s;
      }
    }
    return loss / n + (lambda / 2) * reg;
  };
  const theta = minimizeSmooth(fn, objective, (d + 1) * l, maxIter, tol);
  return new LinearPllModel('CLPL', new Matrix(d, l, theta.data.slice(0, d * l)), theta.data.slice(d * l));
}

/**
 * Accelerated gradient descent with backtracking and adaptive restart for a smooth convex objective
 * f(θ) (θ a column of `size` entries); returns the minimiser.
 * @internal
 */
export function minimizeSmooth(
  fn: string,
  f: (theta: Matrix, grad: Matrix | null) => number,
  size: number,
  maxIter: number,
  tol: number,
): Matrix {
  let x = new Matrix(size, 1);
  let yk = x.clone();
  let t = 1;
  let step = 1;
  const g = new Matrix(size, 1);
  let fx = f(x, null);
  for (let it = 0; it < maxIter; it++) {
    const fy = f(yk, g);
    let gn = 0;
    for (let i = 0; i < size; i++) gn += g.data[i]! ** 2;
    let next: Matrix;
    let fn1: number;
    for (;;) {
      next = new Matrix(
        size,
        1,
        yk.data.map((v, i) => v - step * g.data[i]!),
      );
      fn1 = f(next, null);
      if (fn1 <= fy - 0.5 * step * gn + 1e-15 * Math.abs(fy) || step < 1e-20) break;
      step /= 2;
    }
    const t1 = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    if (fn1 > fx) {
      // Restart momentum.
      yk = x.clone();
      t = 1;
      continue;
    }
    const beta = (t - 1) / t1;
    yk = new Matrix(
      size,
      1,
      next.data.map((v, i) => v + beta * (v - x.data[i]!)),
    );
    t = t1;
    const change = Math.abs(fx - fn1) / Math.max(1, Math.abs(fx));
    x = next;
    fx = fn1;
    step *= 1.5;
    if (change < tol || gn === 0) return x;
  }
  throw new ConvergenceError(
    `${fn}: no convergence in maxIter = ${maxIter} iterations (tol ${tol}); raise maxIter or tol`,
    maxIter,
  );
}

/** Serialized {@link Clpl}. */
export type ClplJson = LearnerJson<ClplOptions, LinearPllModelJson>;

/** Linear CLPL as a learner object. See {@link fitClpl}. */
export class Clpl extends Learner<ClplOptions, LinearPllModel, Int32Array, LinearPllModelJson> {
  constructor(options: ClplOptions = {}) {
    super(options, { format: 'numts.pll.Clpl', train: fitClpl, restore: LinearPllModel.fromJSON });
  }
}
