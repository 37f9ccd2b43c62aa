/**
 * HOMI (Si et al., TKDE 2024): a linear map followed by a full q×q label-correlation map, learned
 * jointly with a manifold term over an instance graph. Implemented from the authors' code as
 * described in docs/methods/homi.md, by an efficient route (d×d algebra, a
 * generalised symmetric eigenproblem for the W-step; no n×n product in the loop).
 *
 * @module
 */

import type { LearnerJson, MatrixJson } from '@numts/core';
import {
  addRowVector,
  assertPositive,
  DomainError,
  eye,
  FormatError,
  gemm,
  Learner,
  Matrix,
  Rng,
  ShapeError,
  syrk,
  vectorFromJSON,
} from '@numts/core';
import {
  cholesky,
  choleskySolve,
  eigh,
  inv,
  solve,
  solveShiftedTridiagonal,
  tridiagonal,
} from '@numts/decompositions';
import { instanceGraph, laplacianGram } from './graph.js';
import { symmetrizeInPlace } from './symmetric.js';
import { ThresholdModel } from './threshold-model.js';
import { checkFeatures, checkTrainingSet, thresholdOption } from './validate.js';

/** Options of HOMI, with the authors' defaults. */
export interface HomiOptions {
  /** Weight of the label self-reconstruction ‖YB + 1tᵀ − Y‖² (default 2). */
  beta?: number;
  /** Weight of the manifold term tr(FᵀLF) (default 1). */
  gamma?: number;
  /** Ridge penalty on W, B, z, t (default 1). */
  lambda?: number;
  /** Neighbours per instance in the graph (default 10). */
  s?: number;
  /** Iteration cap (default 100). */
  maxIter?: number;
  /** Absolute tolerance on the change of the monitored objective (default 5e-6). */
  tol?: number;
  /** Threshold on the real-valued output for `predict` (default 0.5). */
  threshold?: number;
  /** Seed of the uniform [0, 1) initialisation (default 0). */
  seed?: number;
  /** Explicit initial W (d×q), t, z (q) and B (q×q), e.g. to replay a reference run. */
  init?: { w: Matrix; t: Float64Array; z: Float64Array; b: Matrix };
}

/** A fitted HOMI model: F(x) = (xW + zᵀ)B + tᵀ. */
export interface HomiModel {
  w: Matrix;
  z: Float64Array;
  b: Matrix;
  t: Float64Array;
  /** W-steps run (the authors count iterations this way). */
  iterations: number;
  /** The monitored objective after each iteration. */
  objective: Float64Array;
}

const DEFAULTS = { beta: 2, gamma: 1, lambda: 1, s: 10, maxIter: 100, tol: 5e-6, threshold: 0.5, seed: 0 };

function frob(m: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i]! * m[i]!;
  return Math.sqrt(s);
}

/**
 * Fits HOMI by block coordinate descent W → z → B → t on
 * J = ‖XW + 1zᵀ − Y‖² + β‖YB + 1tᵀ − Y‖² + γ·tr(FᵀLF) + λ(‖W‖² + ‖B‖² + ‖z‖² + ‖t‖²),
 * F = (XW + 1zᵀ)B + 1tᵀ, stopping when the authors' monitored (non-squared) objective changes by
 * at most `tol` or after `maxIter` iterations. Works for d ≥ n (where the authors' code inverts a
 * singular matrix and degenerates).
 * @throws ShapeError / DomainError for mismatched rows, non-finite features, labels other than 0/1,
 *   fewer than 2 instances, or out-of-range options
 */
export function fitHomi(x: Matrix, y: Matrix, options: HomiOptions = {}): HomiModel {
  const fn = 'fitHomi';
  const o = { ...DEFAULTS, ...options };
  const yy = checkTrainingSet(fn, x, y);
  assertPositive(fn, 'beta', o.beta, { allowZero: true });
  assertPositive(fn, 'gamma', o.gamma, { allowZero: true });
  assertPositive(fn, 'lambda', o.lambda);
  assertPositive(fn, 's', o.s, { integer: true });
  assertPositive(fn, 'maxIter', o.maxIter, { integer: true });
  assertPositive(fn, 'tol', o.tol, { allowZero: true });
  const n = x.rows;
  const d = x.cols;
  const q = yy.cols;
  if (n < 2) throw new ShapeError(`${fn}: need at least 2 training instances (got ${n})`);
  const xx = x.clone();
  const { beta, gamma, lambda } = o;
  // Precomputed d×d and d×q quantities.
  const g = laplacianGram(xx, instanceGraph(xx, o.s));
  const a0 = syrk(xx, { trans: true });
  for (let i = 0; i < d; i++) a0.data[i * d + i] = a0.data[i * d + i]! + lambda;
  // Generalised eigenproblem G V = A0 V Θ with VᵀA0V = I: A0 = LLᵀ, C = L⁻¹GL⁻ᵀ = QΘQᵀ, V = L⁻ᵀQ.
  const linv = inv(cholesky(a0).l);
  const c = symmetrizeInPlace(gemm(gemm(linv, g), linv, { transB: true }));
  const { values: theta, vectors: qv } = eigh(c);
  const v = gemm(linv, qv!, { transA: true });
  const xty = gemm(xx, yy, { transA: true });
  const xt1 = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) xt1[k] = xt1[k]! + xx.data[i * d + k]!;
  const vtxty = gemm(v, xty, { transA: true });
  const vtxt1 = gemm(v, new Matrix(d, 1, xt1), { transA: true }).data;
  const yty = syrk(yy, { trans: true });
  const yt1 = new Float64Array(q);
  for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) yt1[j] = yt1[j]! + yy.data[i * q + j]!;
  let ySq = 0;
  for (const v of yy.data) ySq += v * v;
  // Initialisation: uniform [0, 1) in the authors' order W, t, z, B (or as given).
  let w: Matrix;
  let t: Float64Array;
  let z: Float64Array;
  let b: Matrix;
  if (o.init) {
    w = o.init.w.clone();
    t = Float64Array.from(o.init.t);
    z = Float64Array.from(o.init.z);
    b = o.init.b.clone();
  } else {
    const rng = new Rng(o.seed);
    w = rng.uniformMatrix(d, q);
    t = rng.uniformArray(q);
    z = rng.uniformArray(q);
    b = rng.uniformMatrix(q, q);
  }
  const objective: number[] = [];
  let prev = 0;
  let it = 0;
  // With fewer features than labels and a positive semi-definite graph term, the B-step's matrix
  // is a fixed one plus a rank-d update: solved through the fixed one's inverse (see lowRankBStep).
  const lowRank =
    d < q && gamma > 0 && theta.every((v) => v >= 0) ? lowRankSetup(yty, yt1, beta, lambda) : null;
  // BBᵀ of the current B: the W-step reduces it, and the graph term of the objective reads it.
  let bbt = syrk(b);
  while (it < o.maxIter) {
    it++;
    // W-step: A0 W + γ G W (BBᵀ) = R with R = XᵀY − Xᵀ1 zᵀ. In the basis V (VᵀA0V = I,
    // VᵀGV = Θ), W = V·Z turns it into Z + γΘ·Z·BBᵀ = VᵀR, whose right side comes from
    // VᵀXᵀY and VᵀXᵀ1, computed once per fit.
    const vtr = vtxty.clone();
    for (let k = 0; k < d; k++)
      for (let j = 0; j < q; j++) vtr.data[k * q + j] = vtr.data[k * q + j]! - vtxt1[k]! * z[j]!;
    // With BBᵀ = Q·T·Qᵀ (one tridiagonal reduction; Q stays a product of reflectors), row k of
    // S = Z·Q solves s_k(I + γθ_k T) = (VᵀR·Q)_k: a tridiagonal system per row; then Z = S·Qᵀ and
    // W = V·Z. Sᵀ = Qᵀ·(VᵀR)ᵀ and Zᵀ = Q·Sᵀ are applied from the reflectors.
    const reduction = tridiagonal(bbt, { overwrite: true });
    const { diagonal: td, offDiagonal: te } = reduction;
    const s = solveShiftedTridiagonal(
      td,
      te,
      theta.map((v) => gamma * v),
      reduction.multiplyQ(vtr.T, { transpose: true }).T,
    );
    const zv = reduction.multiplyQ(s.T).T.clone();
    w = gemm(v, zv);
    // z-step: z = (Y − XW)ᵀ1/(n + λ).
    const wtx1 = gemm(w, new Matrix(d, 1, xt1), { transA: true }).data;
    z = Float64Array.from({ length: q }, (_, j) => (yt1[j]! - wtx1[j]!) / (n + lambda));
    // B-step: (βYᵀY + λI + γWᵀGW) B = βYᵀY − β(Yᵀ1)tᵀ = rhs, with WᵀGW = Zᵀ·Θ·Z (G = V⁻ᵀΘV⁻¹).
    const tPrev = t;
    // The graph term tr(BᵀWᵀGWB) of the objective, for the new B.
    let tr = 0;
    let wgw: Matrix | null = null;
    if (lowRank) {
      // The new B takes the old one's storage (the low-rank step does not read it).
      ({ b, graphTerm: tr } = lowRankBStep(lowRank, zv, theta, gamma, lambda, beta, t, b));
    } else {
      const rhs = yty.clone();
      for (let i = 0; i < q; i++)
        for (let j = 0; j < q; j++) rhs.data[i * q + j] = beta * (rhs.data[i * q + j]! - yt1[i]! * t[j]!);
      const m = symmetrizeInPlace(gemm(zv, rowsScaled(zv, theta), { transA: true }));
      // WᵀGW before m is overwritten: the graph term is ⟨WᵀGW, BBᵀ⟩.
      wgw = m.clone();
      for (let i = 0; i < q * q; i++) m.data[i] = beta * yty.data[i]! + gamma * m.data[i]!;
      for (let i = 0; i < q; i++) m.data[i * q + i] = m.data[i * q + i]! + lambda;
      // Cholesky when the matrix is positive definite (G = XᵀLX is PSD for non-negative graph
      // weights); with negative weights it can be indefinite (genbase, medical): then LU with
      // partial pivoting, as numpy.linalg.solve in the authors' code.
      b = solveSymmetric(m, rhs);
    }
    bbt = syrk(b, { c: bbt });
    if (wgw) for (let i = 0; i < q * q; i++) tr += wgw.data[i]! * bbt.data[i]!;
    // t-step: t = β(Y − YB)ᵀ1/(βn + λ).
    const bty1 = gemm(b, new Matrix(q, 1, yt1), { transA: true }).data;
    t = Float64Array.from({ length: q }, (_, j) => (beta * (yt1[j]! - bty1[j]!)) / (beta * n + lambda));
    // The authors' monitored objective (non-squared norms), with both residual norms expanded in
    // d×q and q×q quantities so that no n×q product is formed in the loop:
    // ‖Y − XW − 1zᵀ‖² = ‖Y‖² − 2⟨XᵀY, W⟩ − 2zᵀYᵀ1 + ⟨XᵀX·W, W⟩ + 2zᵀWᵀXᵀ1 + n‖z‖², where
    // ⟨XᵀX·W, W⟩ = ⟨A0·W, W⟩ − λ‖W‖² = ‖Z‖² − λ‖W‖²; and
    // ‖Y − YB − 1tᵀ‖² = ‖Y‖² − 2⟨YᵀY, B⟩ − 2tᵀYᵀ1 + ⟨YᵀY·B, B⟩ + 2tᵀBᵀYᵀ1 + n‖t‖².
    let wSq = 0;
    let zSq = 0;
    let e1 = ySq;
    for (let i = 0; i < d * q; i++) {
      e1 -= 2 * xty.data[i]! * w.data[i]!;
      wSq += w.data[i]! * w.data[i]!;
      zSq += zv.data[i]! * zv.data[i]!;
    }
    e1 += zSq - lambda * wSq;
    for (let j = 0; j < q; j++) e1 += -2 * z[j]! * yt1[j]! + 2 * z[j]! * wtx1[j]! + n * z[j]! * z[j]!;
    // ⟨YᵀY·B, B⟩ without a q³ product: βYᵀY·B = rhs − λB − γWᵀGWB by the B-step's own equation
    // (its solve residual is at rounding level), so β⟨YᵀY·B, B⟩ = ⟨rhs, B⟩ − λ‖B‖² − γ⟨WᵀGW, BBᵀ⟩,
    // the last inner product being the graph term computed anyway, and
    // ⟨rhs, B⟩ = β(⟨YᵀY, B⟩ − (BᵀYᵀ1)ᵀt) for the t the B-step used. Only β > 0 needs it.
    let e2 = ySq;
    if (beta > 0) {
      let ytyB = 0;
      let bb = 0;
      for (let i = 0; i < q * q; i++) {
        ytyB += yty.data[i]! * b.data[i]!;
        bb += b.data[i]! * b.data[i]!;
      }
      let bt = 0;
      for (let j = 0; j < q; j++) bt += bty1[j]! * tPrev[j]!;
      const rb = beta * (ytyB - bt);
      e2 += -2 * ytyB + (rb - lambda * bb - gamma * tr) / beta;
    }
    for (let j = 0; j < q; j++) e2 += -2 * t[j]! * yt1[j]! + 2 * t[j]! * bty1[j]! + n * t[j]! * t[j]!;
    const value =
      Math.sqrt(Math.max(0, e1)) +
      beta * Math.sqrt(Math.max(0, e2)) +
      gamma * tr +
      lambda * (Math.sqrt(wSq) + frob(b.data) + frob(t) + frob(z));
    objective.push(value);
    if (Math.abs(value - prev) <= o.tol) break;
    prev = value;
  }
  return { w, z, b, t, iterations: it, objective: Float64Array.from(objective) };
}

/** Real-valued outputs O = (XW + 1zᵀ)B + 1tᵀ. */
export function homiScores(model: HomiModel, x: Matrix): Matrix {
  checkFeatures('homiScores', x, model.w.rows);
  return addRowVector(gemm(addRowVector(gemm(x, model.w), model.z), model.b), model.t);
}

/** Serialized {@link HomiPredictor}. */
export interface HomiPredictorJson {
  w: MatrixJson;
  b: MatrixJson;
  z: number[];
  t: number[];
  iterations: number;
  threshold: number;
}

/** Serialized {@link Homi}. */
export type HomiJson = LearnerJson<Omit<HomiOptions, 'init'>, HomiPredictorJson>;

/** A trained HOMI classifier: the fitted parameters and the prediction threshold. */
export class HomiPredictor extends ThresholdModel<HomiPredictorJson> {
  constructor(
    /** The fitted parameters W, z, B, t. */
    readonly params: HomiModel,
    /** Threshold on the real-valued output for `predict`. */
    readonly threshold: number,
  ) {
    super();
  }

  /** Real-valued label scores O = (XW + 1zᵀ)B + 1tᵀ. */
  decisionFunction(x: Matrix): Matrix {
    return homiScores(this.params, x);
  }

  toJSON(): HomiPredictorJson {
    const m = this.params;
    return {
      w: m.w.toJSON(),
      b: m.b.toJSON(),
      z: Array.from(m.z),
      t: Array.from(m.t),
      iterations: m.iterations,
      threshold: this.threshold,
    };
  }

  /** @throws FormatError for malformed or inconsistent fields */
  static fromJSON(json: HomiPredictorJson): HomiPredictor {
    const where = 'Homi.fromJSON';
    const w = Matrix.fromJSON(json?.w, `${where}: w`);
    const b = Matrix.fromJSON(json.b, `${where}: b`);
    const q = w.cols;
    if (b.rows !== q || b.cols !== q)
      throw new FormatError(`${where}: b must be ${q}x${q} like the columns of w (got ${b.rows}x${b.cols})`);
    const params: HomiModel = {
      w,
      b,
      z: vectorFromJSON(json.z, q, `${where}: z`),
      t: vectorFromJSON(json.t, q, `${where}: t`),
      iterations: Number(json.iterations),
      objective: new Float64Array(0),
    };
    return new HomiPredictor(
      params,
      typeof json.threshold === 'number' ? json.threshold : DEFAULTS.threshold,
    );
  }
}

/** Fits HOMI and keeps the prediction threshold: the `train` step of {@link Homi}. */
function trainHomi(x: Matrix, y: Matrix, options: HomiOptions): HomiPredictor {
  const threshold = thresholdOption('Homi.fit', options.threshold);
  return new HomiPredictor(fitHomi(x, y, options), threshold);
}

/**
 * The HOMI classifier with the learner API: `fit(x, y)`, `decisionFunction(x)`, `predict(x)`
 * (threshold 0.5 on the real-valued output, as the authors), `toJSON()` / `Homi.fromJSON()`.
 *
 * @example
 * ```ts
 * const model = new Homi().fit(xTrain, yTrain);
 * const predicted = model.predict(xTest); // 0/1 matrix
 * ```
 */
export class Homi extends Learner<HomiOptions, HomiPredictor, Matrix, HomiPredictorJson> {
  constructor(options: HomiOptions = {}) {
    super(options, {
      format: 'numts.multilabel.Homi',
      train: trainHomi,
      restore: HomiPredictor.fromJSON,
      upgrade,
    });
  }

  /** The fitted parameters (W, z, B, t, iterations, objective). @throws NotFittedError before fit */
  get fitted(): HomiModel {
    return this.model.params;
  }
}

/** The layout Homi wrote before it kept the learner contract: the parameters beside the options. */
function upgrade(json: unknown): unknown {
  const old = json as
    | (HomiPredictorJson & { format?: string; version?: number; options?: HomiOptions })
    | null;
  if (old?.format !== 'numts.multilabel.Homi' || old.version !== 1 || !('w' in old) || 'model' in old)
    return json;
  const { format, version, options, ...model } = old;
  return {
    format,
    version,
    options,
    model: { ...model, threshold: options?.threshold ?? DEFAULTS.threshold },
  };
}

/** Solves A·X = B for symmetric A: Cholesky when A is positive definite, LU otherwise. */
function solveSymmetric(a: Matrix, rhs: Matrix): Matrix {
  let factor: ReturnType<typeof cholesky>;
  try {
    factor = cholesky(a);
  } catch (e) {
    if (e instanceof DomainError) return solve(a, rhs);
    throw e;
  }
  return choleskySolve(factor, rhs);
}

/** What the low-rank B-step keeps for a whole fit: A⁻¹ for A = βYᵀY + λI, and A⁻¹·Yᵀ1. */
interface LowRankSetup {
  aInv: Matrix;
  aInvYt1: Float64Array;
  /** Storage reused by every B-step of the fit (d×q each): E, F = E·A⁻¹, E·P, X. */
  work: { e: Matrix; f: Matrix; ep: Matrix; x: Matrix } | null;
}

function lowRankSetup(yty: Matrix, yt1: Float64Array, beta: number, lambda: number): LowRankSetup {
  const q = yty.rows;
  const a = new Matrix(q, q);
  for (let i = 0; i < q * q; i++) a.data[i] = beta * yty.data[i]!;
  for (let i = 0; i < q; i++) a.data[i * q + i] = a.data[i * q + i]! + lambda;
  const aInv = symmetrizeInPlace(choleskySolve(cholesky(a), eye(q)));
  return { aInv, aInvYt1: gemm(aInv, new Matrix(q, 1, yt1)).data, work: null };
}

/**
 * The B-step (A + EᵀE)·B = βYᵀY − β(Yᵀ1)tᵀ with A = βYᵀY + λI fixed for the fit and E = √(γΘ)·Z
 * (d×q, d < q): by the Sherman–Morrison–Woodbury identity,
 * B = P − Fᵀ(I + F·Eᵀ)⁻¹E·P with F = E·A⁻¹ and P = A⁻¹·rhs = I − λA⁻¹ − β(A⁻¹Yᵀ1)tᵀ — a d×d
 * positive definite solve (its eigenvalues are ≥ 1) and products with d×q matrices instead of
 * factoring a q×q matrix per iteration. Also returns the graph term ⟨WᵀGW, BBᵀ⟩ = ‖E·B‖²/γ, where
 * E·B = X, the solution of the d×d system. B is written into `out` (q×q, contiguous).
 */
function lowRankBStep(
  setup: LowRankSetup,
  z: Matrix,
  theta: Float64Array,
  gamma: number,
  lambda: number,
  beta: number,
  t: Float64Array,
  out: Matrix,
): { b: Matrix; graphTerm: number } {
  const { aInv, aInvYt1 } = setup;
  const d = z.rows;
  const q = z.cols;
  setup.work ??= { e: new Matrix(d, q), f: new Matrix(d, q), ep: new Matrix(d, q), x: new Matrix(d, q) };
  const { e, f, ep } = setup.work;
  rowsScaled(
    z,
    theta.map((v) => Math.sqrt(gamma * v)),
    e,
  );
  gemm(e, aInv, { c: f });
  const core = symmetrizeInPlace(gemm(f, e, { transB: true }));
  for (let i = 0; i < d; i++) core.data[i * d + i] = core.data[i * d + i]! + 1;
  // E·P = E − λF − β(E·A⁻¹Yᵀ1)tᵀ.
  for (let k = 0; k < d; k++) {
    let ea = 0;
    for (let j = 0; j < q; j++) ea += e.data[k * q + j]! * aInvYt1[j]!;
    for (let j = 0; j < q; j++)
      ep.data[k * q + j] = e.data[k * q + j]! - lambda * f.data[k * q + j]! - beta * ea * t[j]!;
  }
  // core is d×d with eigenvalues ≥ 1: its inverse times E·P (one product) is cheaper than d
  // triangular solves per column of E·P.
  const x = gemm(symmetrizeInPlace(choleskySolve(cholesky(core), eye(d))), ep, { c: setup.work.x });
  const b = out;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++)
      b.data[i * q + j] = (i === j ? 1 : 0) - lambda * aInv.data[i * q + j]! - beta * aInvYt1[i]! * t[j]!;
  }
  gemm(f, x, { transA: true, alpha: -1, beta: 1, c: b });
  // E·B = E·P − E·Fᵀ·X with E·Fᵀ = E·A⁻¹·Eᵀ = core − I, and core·X = E·P: so E·B = X.
  let graphTerm = 0;
  for (const v of x.data) graphTerm += v * v;
  return { b, graphTerm: graphTerm / gamma };
}

/** The d×q matrix z with row k multiplied by factors[k], into `out` (contiguous; default a new matrix). */
function rowsScaled(z: Matrix, factors: Float64Array, out: Matrix = new Matrix(z.rows, z.cols)): Matrix {
  const q = z.cols;
  for (let k = 0; k < z.rows; k++)
    for (let j = 0; j < q; j++) out.data[k * q + j] = z.get(k, j) * factors[k]!;
  return out;
}
