/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q·T·Qᵀ (LAPACK's dsytd2 on
 * full storage), and the implicit QL iteration for the tridiagonal eigenproblem (EISPACK's tql2,
 * with an iteration limit).
 *
 * @module
 */
import { ConvergenceError, gemm, Matrix, ResidentRows } from '@numts/core';
import { hypot2, makeReflector } from './householder.js';
import { EPS } from './input.js';
import { subtractOuter2 } from './level2.js';
import { RotationSequence } from './rotations.js';

/**
 * Panel width of the blocked reduction (LAPACK's dsytrd/dlatrd use 32). 16 measured faster here
 * from n = 174 to 512 (1.7 against 2.2 ms, 26 against 31 ms): the panel's own updates run in
 * TypeScript and grow as nb², while the trailing products are wasm gemm either way.
 */
const TRIDIAGONAL_BLOCK = 16;

/** The last columns, from this many on, are reduced one at a time (as before the panel shrank). */
const UNBLOCKED_COLUMNS = 96;

/**
 * Reduces the symmetric contiguous n×n array `a` (both triangles valid) in place. Returns the
 * diagonal d, the off-diagonal e (e[i] = T(i, i+1), length n with e[n−1] = 0) and τ; the reflector
 * vectors are left in the rows of `a` (v_k = (1, a[k, k+2..n−1]) acting on indices k+1..n−1).
 *
 * Blocked as LAPACK's dsytrd: for a panel of {@link TRIDIAGONAL_BLOCK} columns the reflectors are
 * made from rows brought up to date on the fly (dlatrd), and the trailing matrix takes the panel's
 * transformations at once, A ← A − V·Wᵀ − W·Vᵀ, as two matrix products; the last
 * {@link UNBLOCKED_COLUMNS} columns are reduced one at a time.
 */
export function tridiagonalize(
  a: Float64Array,
  n: number,
): { d: Float64Array; e: Float64Array; tau: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(Math.max(0, n - 1));
  const nb = TRIDIAGONAL_BLOCK;
  let k0 = 0;
  if (n > UNBLOCKED_COLUMNS) {
    const v = new Float64Array(n * nb);
    const w = new Float64Array(n * nb);
    const p = new Float64Array(n);
    for (; n - k0 > UNBLOCKED_COLUMNS; k0 += nb) {
      v.fill(0);
      w.fill(0);
      reducePanel(a, n, k0, nb, d, e, tau, v, w, p);
      // Trailing block A(s.., s..) −= V·Wᵀ + W·Vᵀ, s = k0 + nb.
      const s0 = k0 + nb;
      const t = n - s0;
      const view = Matrix.view(t, t, a, s0 * n + s0, n, 1);
      const vt = new Matrix(t, nb, v.subarray(s0 * nb, n * nb));
      const wt = new Matrix(t, nb, w.subarray(s0 * nb, n * nb));
      gemm(vt, wt, { transB: true, alpha: -1, beta: 1, c: view });
      gemm(wt, vt, { transB: true, alpha: -1, beta: 1, c: view });
    }
  }
  reduceUnblocked(a, n, k0, d, e, tau);
  return { d, e, tau };
}

/**
 * Reduces columns k0..k0+nb−1 (dlatrd, lower): row j is first brought up to date with the panel's
 * earlier reflectors, its reflector v_j is made, and w_j = τ·(A − V·Wᵀ − W·Vᵀ)·v_j − ½τ²(…)·v_j
 * is computed against the trailing matrix as it was at the panel's start. V and W (n×nb,
 * row-major, indexed by global row) receive the panel's vectors.
 */
function reducePanel(
  a: Float64Array,
  n: number,
  k0: number,
  nb: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  v: Float64Array,
  w: Float64Array,
  p: Float64Array,
): void {
  const y1 = new Float64Array(nb);
  const y2 = new Float64Array(nb);
  // The trailing matrix as at the panel's start, for the panel's matrix–vector products (kept in
  // the wasm kernel's memory on that backend; no other kernel runs until the panel ends).
  const trailing = new ResidentRows(a, (k0 + 1) * n + k0 + 1, n - k0 - 1, n - k0 - 1, n);
  for (let i = 0; i < nb; i++) {
    const j = k0 + i;
    const rj = j * n;
    // Row j (columns ≥ j) −= V(c, 0:i)·W(j, 0:i) + W(c, 0:i)·V(j, 0:i).
    for (let c = j; c < n; c++) {
      let sum = 0;
      for (let q = 0; q < i; q++) sum += v[c * nb + q]! * w[j * nb + q]! + w[c * nb + q]! * v[j * nb + q]!;
      a[rj + c] = a[rj + c]! - sum;
    }
    d[j] = a[rj + j]!;
    const s = n - j - 1;
    const { beta, tau: t } = makeReflector(a[rj + j + 1]!, s, a, rj + j + 2, 1);
    e[j] = beta;
    tau[j] = t;
    const v0 = rj + j + 1;
    const alpha0 = a[v0]!;
    a[v0] = 1;
    for (let c = 0; c < s; c++) v[(j + 1 + c) * nb + i] = a[v0 + c]!;
    if (t !== 0) {
      // p = A22·v with A22 = A(j+1.., j+1..) as at the panel's start (rows > j are not updated yet).
      trailing.multiply(i, i, s, s, a, v0, p);
      // y1 = W(:, 0:i)ᵀ·v, y2 = V(:, 0:i)ᵀ·v over rows j+1..
      y1.fill(0, 0, i);
      y2.fill(0, 0, i);
      for (let c = 0; c < s; c++) {
        const vc = a[v0 + c]!;
        const row = (j + 1 + c) * nb;
        for (let q = 0; q < i; q++) {
          y1[q] = y1[q]! + w[row + q]! * vc;
          y2[q] = y2[q]! + v[row + q]! * vc;
        }
      }
      let pv = 0;
      for (let c = 0; c < s; c++) {
        const row = (j + 1 + c) * nb;
        let corr = 0;
        for (let q = 0; q < i; q++) corr += v[row + q]! * y1[q]! + w[row + q]! * y2[q]!;
        const pc = t * (p[c]! - corr);
        p[c] = pc;
        pv += pc * a[v0 + c]!;
      }
      const alpha = -0.5 * t * pv;
      for (let c = 0; c < s; c++) w[(j + 1 + c) * nb + i] = p[c]! + alpha * a[v0 + c]!;
    }
    a[v0] = alpha0;
  }
}

/** The unblocked reduction (dsytd2) of columns k0..n−2, updating the trailing matrix after each. */
function reduceUnblocked(
  a: Float64Array,
  n: number,
  k0: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
): void {
  const p = new Float64Array(n);
  for (let k = k0; k < n - 1; k++) {
    const rk = k * n;
    d[k] = a[rk + k]!;
    const s = n - k - 1; // size of the trailing block
    const { beta, tau: t } = makeReflector(a[rk + k + 1]!, s, a, rk + k + 2, 1);
    e[k] = beta;
    tau[k] = t;
    if (t === 0) continue;
    // v = (1, a[k, k+2..]) over indices k+1..n−1, with v₀ = 1 stored in place meanwhile.
    const v0 = rk + k + 1;
    const alpha0 = a[v0]!;
    a[v0] = 1;
    // p = τ·S·v with S = A(k+1.., k+1..) (full rows, contiguous).
    new ResidentRows(a, (k + 1) * n + k + 1, s, s, n, { inPlace: true }).multiply(0, 0, s, s, a, v0, p);
    let pv = 0;
    for (let i = 0; i < s; i++) {
      p[i] = t * p[i]!;
      pv += p[i]! * a[v0 + i]!;
    }
    // w = p − ½τ(pᵀv)·v; S −= v·wᵀ + w·vᵀ.
    const alpha = -0.5 * t * pv;
    for (let i = 0; i < s; i++) p[i] = p[i]! + alpha * a[v0 + i]!;
    subtractOuter2(s, s, a, v0, p, 0, p, 0, a, v0, a, (k + 1) * n + k + 1, n);
    a[v0] = alpha0;
  }
  if (n > 0) d[n - 1] = a[(n - 1) * n + n - 1]!;
}

/**
 * Implicit QL with Wilkinson-type shifts on the symmetric tridiagonal (d, e), e[i] = T(i, i+1).
 * On return d holds the eigenvalues (unsorted). When `zt` is given (k×n... rows are vectors of
 * length `len`), the rotations are applied to its rows: row i of the result is the eigenvector
 * belonging to d[i] expressed through the rows of the input `zt`.
 *
 * @throws ConvergenceError when an eigenvalue needs more than 30 sweeps
 */
export function tridiagonalQl(
  d: Float64Array,
  e: Float64Array,
  zt: Float64Array | null,
  len: number,
  maxSweeps = 30,
): void {
  const n = d.length;
  if (n === 0) return;
  e[n - 1] = 0;
  let f = 0;
  // Deflation is judged against the norm of the whole matrix (EISPACK uses the part seen so far,
  // which lets a tiny leading block be iterated on in subnormal arithmetic and lose orthogonality).
  let tst1 = 0;
  for (let i = 0; i < n; i++) tst1 = Math.max(tst1, Math.abs(d[i]!) + Math.abs(e[i]!));
  let total = 0;
  const rotations = new RotationSequence();
  for (let l = 0; l < n; l++) {
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxSweeps) {
          throw new ConvergenceError(
            `eigh: the tridiagonal QL iteration did not converge for eigenvalue ${l} after ${maxSweeps} sweeps`,
            total,
          );
        }
        total++;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot2(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot2(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          // zt_i ← c·zt_i − s·zt_{i+1}, zt_{i+1} ← s·zt_i + c·zt_{i+1}, applied after the sweep.
          if (zt !== null) rotations.push(i, c, -s);
        }
        if (zt !== null) rotations.applyTo(zt, len);
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > EPS * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}
