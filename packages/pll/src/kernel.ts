/**
 * RBF kernels and the kernel ridge classifier of PL-CL / PL-AGGD (the authors' MulRegression).
 *
 * @module
 */
import type { MatrixJson } from '@numts/core';
import { addRowVector, FormatError, gemm, Matrix, NotFittedError, squaredDistances } from '@numts/core';
import { type CholeskyResult, cholesky, choleskySolve } from '@numts/decompositions';

/** mean(pdist) from a square matrix of squared distances (upper triangle read). */
export function meanOfDistances(d: Matrix): number {
  const n = d.rows;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sqrt(d.data[i * n + j]!);
  return n > 1 ? s / ((n * (n - 1)) / 2) : 0;
}

/** K_ij = exp(−‖aᵢ − bⱼ‖²/(2σ²)). */
export function rbfKernel(a: Matrix, b: Matrix, sigma: number): Matrix {
  return rbfFromDistancesInPlace(squaredDistances(a, b), sigma);
}

/** D ← exp(−D/(2σ²)) in place (D contiguous, e.g. fresh from squaredDistances); returns D. */
export function rbfFromDistancesInPlace(d: Matrix, sigma: number): Matrix {
  const s = 1 / (2 * sigma * sigma);
  const v = d.data;
  for (let i = 0; i < v.length; i++) v[i] = Math.exp(-v[i]! * s);
  return d;
}

/**
 * The closed-form kernel ridge classifier of the PL-CL code, for a scale c (1 for the ordinary
 * classifier, α for the complementary one): with M = cK/(2λ) + I/2 (Cholesky-factored once; SPD with eigenvalues ≥ 1/2),
 * s = M⁻¹1, b = sᵀT/(sᵀ1), A = M⁻¹(T − 1b); outputs on the training set cKA/(2λ) + 1b.
 */
export class KernelRidge {
  private readonly factor: CholeskyResult; // M = LLᵀ, factored once; every refit is two triangular solves
  private readonly s: Float64Array;
  private readonly sSum: number;
  private readonly scale: number;
  a: Matrix | null = null;
  b = new Float64Array(0);

  /**
   * Forms M from the contiguous n×n kernel K and factors it. With `consumeKernel`, M is formed and
   * factored in K's own storage (K is destroyed): one n×n array fewer for a caller done with K.
   */
  constructor(k: Matrix, lambda: number, c = 1, { consumeKernel = false }: { consumeKernel?: boolean } = {}) {
    const n = k.rows;
    this.scale = c / (2 * lambda);
    const own = k.isContiguous && k.offset === 0;
    const kd = own ? k.data : k.clone().data;
    const m = consumeKernel && own ? k : new Matrix(n, n);
    for (let i = 0; i < n * n; i++) m.data[i] = kd[i]! * this.scale;
    for (let i = 0; i < n; i++) m.data[i * n + i] = m.data[i * n + i]! + 0.5;
    // M is SPD with eigenvalues ≥ 1/2 (K is PSD), so the factorization cannot fail for finite K.
    this.factor = cholesky(m, { overwrite: true });
    this.s = this.solve(new Matrix(n, 1, new Float64Array(n).fill(1))).data;
    this.sSum = this.s.reduce((a, b) => a + b, 0);
  }

  private solve(rhs: Matrix): Matrix {
    return choleskySolve(this.factor, rhs);
  }

  /**
   * Fits the targets T (n×l); returns the training outputs. These equal T − A/2 (the residual of
   * the ridge problem is A/2), so no n×n product with K is needed here.
   */
  fit(t: Matrix): Matrix {
    const n = t.rows;
    const l = t.cols;
    this.b = new Float64Array(l);
    for (let c = 0; c < l; c++) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += this.s[i]! * t.data[i * l + c]!;
      this.b[c] = acc / this.sSum;
    }
    const centred = t.clone();
    for (let i = 0; i < n; i++)
      for (let c = 0; c < l; c++) centred.data[i * l + c] = centred.data[i * l + c]! - this.b[c]!;
    const a = this.solve(centred);
    this.a = a;
    const out = t.clone();
    for (let i = 0; i < n * l; i++) out.data[i] = out.data[i]! - 0.5 * a.data[i]!;
    return out;
  }

  /** Snapshot of the current fit as a predictor over the training rows `xTrain` with width σ. */
  expansion(xTrain: Matrix, sigma: number): KernelExpansion {
    const a = this.a;
    if (!a) throw new NotFittedError('KernelRidge: fit before taking an expansion');
    return new KernelExpansion(
      xTrain,
      sigma,
      new Matrix(
        a.rows,
        a.cols,
        a.data.map((v) => v * this.scale),
      ),
      this.b.slice(),
    );
  }
}

/** Serialized form of a {@link KernelExpansion}. */
export interface KernelExpansionJson {
  sigma: number;
  xTrain: MatrixJson;
  coef: MatrixJson;
  bias: number[];
}

/**
 * A fitted RBF kernel predictor f(x) = Σᵢ k(x, xᵢ)·coefᵢ + bias (coef = c·A/(2λ) of a
 * {@link KernelRidge}); immutable snapshot, safe to keep after the ridge object is refitted.
 */
export class KernelExpansion {
  constructor(
    /** Training rows the kernel is evaluated against (n×d). */
    readonly xTrain: Matrix,
    /** RBF width σ. */
    readonly sigma: number,
    /** n×l coefficients. */
    readonly coef: Matrix,
    /** l biases. */
    readonly bias: Float64Array,
  ) {}

  /** Decision values for rows of x (already validated, m×d): m×l. */
  evaluate(x: Matrix): Matrix {
    return addRowVector(gemm(rbfKernel(x, this.xTrain, this.sigma), this.coef), this.bias);
  }

  toJSON(): KernelExpansionJson {
    return {
      sigma: this.sigma,
      xTrain: this.xTrain.toJSON(),
      coef: this.coef.toJSON(),
      bias: Array.from(this.bias),
    };
  }

  static fromJSON(json: KernelExpansionJson, where: string): KernelExpansion {
    const x = Matrix.fromJSON(json?.xTrain, `${where}: xTrain`);
    const coef = Matrix.fromJSON(json.coef, `${where}: coef`);
    if (coef.rows !== x.rows || json.bias?.length !== coef.cols)
      throw new FormatError(
        `${where}: coef (${coef.rows}x${coef.cols}) and bias do not match xTrain (${x.rows} rows)`,
      );
    return new KernelExpansion(x, json.sigma, coef, Float64Array.from(json.bias));
  }
}
