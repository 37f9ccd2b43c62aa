/**
 * Cuppen's divide and conquer for the symmetric tridiagonal eigenproblem T = Q·diag(λ)·Qᵀ, with
 * the deflation of LAPACK's dlaed2 and the Gu–Eisenstat construction of the eigenvectors (dlaed3):
 *
 * - split T at the middle: T = diag(T₁ − |β|e_k e_kᵀ, T₂ − |β|e₁e₁ᵀ) + |β|·u·uᵀ with
 *   u = (e_k; sign(β)·e₁), and solve both halves recursively (QL below {@link LEAF_SIZE});
 * - the merge is the eigenproblem of D + ρ·z·zᵀ, z = Q̂ᵀu/√2, ρ = 2|β|, D the eigenvalues of the
 *   halves: entries with ρ|zⱼ| below the tolerance, and pairs of nearly equal dⱼ (after a Givens
 *   rotation that zeroes one zⱼ), are eigenpairs already ("deflated");
 * - the others solve the secular equation 1/ρ + Σ zⱼ²/(dⱼ − λ) = 0, one root in each gap, in
 *   coordinates shifted to the nearer pole so that every dⱼ − λᵢ is known to full relative
 *   accuracy (a two-pole rational model of each side, safeguarded by bisection);
 * - ẑ is recomputed from the roots by Löwner's formula, so that the vectors (ẑⱼ/(dⱼ − λᵢ))ⱼ are
 *   numerically orthogonal, and the eigenvectors of T are Q̂ times them — a gemm, where the time
 *   goes.
 *
 * @module
 */
import { ConvergenceError } from '@numts/core';
import { hypot2 } from './householder.js';
import { EPS } from './input.js';
import { deflationTolerance, twoPoleStep } from './secular.js';
import { productByHalves, rotateColumns, splitBasis } from './split-basis.js';
import { tridiagonalQl } from './tridiagonal.js';

/** Below this size a block is solved by the QL iteration. */
export const LEAF_SIZE = 24;

/**
 * Eigenvalues (written to `d`, ascending) and eigenvectors of the symmetric tridiagonal (d, e),
 * e[i] = T(i, i+1) (length ≥ n − 1). Returns Q, n×n row-major, column i the eigenvector of d[i].
 * @throws ConvergenceError when the QL iteration of a leaf or a secular equation fails to converge
 */
export function tridiagonalDivideConquer(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  const q = solve(d, e.subarray(0, Math.max(0, n - 1)));
  // Ascending order, columns carried along.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]! || x - y);
  const values = Float64Array.from(order, (i) => d[i]!);
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const row = r * n;
    for (let c = 0; c < n; c++) out[row + c] = q[row + order[c]!]!;
  }
  d.set(values);
  return out;
}

/** Solves one block in place (d ← eigenvalues, unsorted); returns its Q (n×n, columns). */
function solve(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  if (n <= LEAF_SIZE) return leaf(d, e);
  const n1 = n >> 1;
  const beta = e[n1 - 1]!;
  const ab = Math.abs(beta);
  d[n1 - 1] = d[n1 - 1]! - ab;
  d[n1] = d[n1]! - ab;
  const d1 = d.subarray(0, n1);
  const d2 = d.subarray(n1);
  const q1 = solve(d1, e.subarray(0, n1 - 1));
  const q2 = solve(d2, e.subarray(n1));
  return merge(d, n1, q1, q2, beta);
}

/** QL on the identity: Q's columns are the eigenvectors. */
function leaf(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  const ee = new Float64Array(n);
  ee.set(e.subarray(0, n - 1));
  const zt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  tridiagonalQl(d, ee, zt, n);
  // Row i of zt is the eigenvector of d[i]: transpose into columns.
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q[j * n + i] = zt[i * n + j]!;
  return q;
}

/**
 * Merges the solved halves (d[0..n1) with Q₁, d[n1..n) with Q₂) coupled by β into the
 * eigenpairs of the whole block: d ← eigenvalues, returns Q (n×n).
 */
function merge(d: Float64Array, n1: number, q1: Float64Array, q2: Float64Array, beta: number): Float64Array {
  const n = d.length;
  const n2 = n - n1;
  // Q̂ = diag(Q₁, Q₂), the columns that the rotations and the final product read.
  const qhat = new Float64Array(n * n);
  for (let i = 0; i < n1; i++) qhat.set(q1.subarray(i * n1, i * n1 + n1), i * n);
  for (let i = 0; i < n2; i++) qhat.set(q2.subarray(i * n2, i * n2 + n2), (n1 + i) * n + n1);
  const basis = splitBasis(qhat, n, n1);
  const rho = 2 * Math.abs(beta);
  const sign = beta < 0 ? -1 : 1;
  const z = new Float64Array(n);
  for (let j = 0; j < n1; j++) z[j] = q1[(n1 - 1) * n1 + j]! * Math.SQRT1_2;
  for (let j = 0; j < n2; j++) z[n1 + j] = sign * q2[j]! * Math.SQRT1_2;

  // Sort the poles ascending.
  const perm = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]! || x - y);
  const dp = Float64Array.from(perm, (i) => d[i]!);
  const zp = Float64Array.from(perm, (i) => z[i]!);
  const tol = deflationTolerance(dp, zp);

  // Deflation (dlaed2): small ρ|zⱼ|, or close poles merged by a rotation that zeroes one zⱼ.
  const kept: number[] = []; // positions in the sorted order, non-deflated
  const deflated: number[] = [];
  let prev = -1;
  for (let j = 0; j < n; j++) {
    if (rho * Math.abs(zp[j]!) <= tol) {
      deflated.push(j);
      continue;
    }
    if (prev < 0) {
      prev = j;
      continue;
    }
    const t = hypot2(zp[prev]!, zp[j]!);
    const c = zp[j]! / t;
    const s = -zp[prev]! / t;
    if (Math.abs((dp[j]! - dp[prev]!) * c * s) <= tol) {
      // Rotate columns prev and j of Q̂: prev becomes an eigenvector with z = 0.
      zp[j] = t;
      zp[prev] = 0;
      rotateColumns(basis, perm[prev]!, perm[j]!, c, s);
      const c2 = c * c;
      const s2 = s * s;
      const dPrev = dp[prev]! * c2 + dp[j]! * s2;
      dp[j] = dp[prev]! * s2 + dp[j]! * c2;
      dp[prev] = dPrev;
      deflated.push(prev);
    } else kept.push(prev);
    prev = j;
  }
  if (prev >= 0) kept.push(prev);

  const k = kept.length;
  const out = new Float64Array(n * n);
  // Deflated eigenpairs keep their (rotated) columns, after the k new ones.
  deflated.forEach((j, idx) => {
    const col = perm[j]!;
    d[k + idx] = dp[j]!;
    for (let r = 0; r < n; r++) out[r * n + k + idx] = qhat[r * n + col]!;
  });
  if (k === 0) return out;
  const dk = Float64Array.from(kept, (j) => dp[j]!);
  const zk = Float64Array.from(kept, (j) => zp[j]!);
  const { lambda, delta } = secularRoots(dk, zk, rho);
  const u = loewnerVectors(dk, zk, rho, delta);
  // Q(:, 0..k) = Q̂(:, kept) · U.
  productByHalves(
    out,
    basis,
    kept.map((j) => perm[j]!),
    u,
  );
  d.set(lambda);
  return out;
}

/**
 * The k roots of 1/ρ + Σ zⱼ²/(dⱼ − λ) = 0 (d ascending, ρ > 0, no zⱼ zero): λᵢ ∈ (dᵢ, dᵢ₊₁) and
 * λ_{k−1} ∈ (d_{k−1}, d_{k−1} + ρ‖z‖²). Also returns delta (k×k, delta[j·k + i] = dⱼ − λᵢ, to full
 * relative accuracy).
 */
function secularRoots(
  d: Float64Array,
  z: Float64Array,
  rho: number,
): { lambda: Float64Array; delta: Float64Array } {
  const k = d.length;
  const lambda = new Float64Array(k);
  const delta = new Float64Array(k * k);
  const z2 = Float64Array.from(z, (v) => v * v);
  let znorm2 = 0;
  for (let j = 0; j < k; j++) znorm2 += z2[j]!;
  const invRho = 1 / rho;
  const shifted = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const last = i === k - 1;
    // Choose the origin: the pole nearer to the root (the sign of f at the gap's middle says which).
    let origin = i;
    let lo = 0;
    let hi = last ? rho * znorm2 : (d[i + 1]! - d[i]!) / 2;
    if (!last) {
      let f = invRho;
      for (let j = 0; j < k; j++) f += z2[j]! / (d[j]! - d[i]! - hi);
      if (f < 0) {
        origin = i + 1;
        lo = -hi;
        hi = 0;
      }
    }
    const o = d[origin]!;
    for (let j = 0; j < k; j++) shifted[j] = d[j]! - o;
    let tau = last ? hi / 2 : (lo + hi) / 2;
    let converged = false;
    for (let iter = 0; iter < 200; iter++) {
      let psi = 0;
      let dpsi = 0;
      let phi = 0;
      let dphi = 0;
      for (let j = 0; j <= i; j++) {
        const t = 1 / (shifted[j]! - tau);
        const w = z2[j]! * t;
        psi += w;
        dpsi += w * t;
      }
      for (let j = i + 1; j < k; j++) {
        const t = 1 / (shifted[j]! - tau);
        const w = z2[j]! * t;
        phi += w;
        dphi += w * t;
      }
      const f = invRho + psi + phi;
      if (Math.abs(f) <= 4 * EPS * (invRho + Math.abs(psi) + Math.abs(phi)) || f === 0) {
        converged = true;
        break;
      }
      if (f > 0) hi = tau;
      else lo = tau;
      if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) {
        converged = true;
        break;
      }
      const dl = shifted[i]! - tau;
      const eta = last ? twoPoleStep(f, dl, dpsi) : twoPoleStep(f, dl, dpsi, shifted[i + 1]! - tau, dphi);
      const next = tau + eta;
      tau = Number.isFinite(next) && next > lo && next < hi ? next : (lo + hi) / 2;
    }
    if (!converged)
      throw new ConvergenceError(`eigh: the secular equation of root ${i} of ${k} did not converge`, 200);
    lambda[i] = o + tau;
    for (let j = 0; j < k; j++) delta[j * k + i] = shifted[j]! - tau;
  }
  return { lambda, delta };
}

/**
 * Eigenvectors of D + ρ·ẑ·ẑᵀ (k×k, columns) from its roots: ẑ by Löwner's formula
 * ẑⱼ² = Πᵢ(λᵢ − dⱼ) / (ρ·Πᵢ≠ⱼ(dᵢ − dⱼ)) with the sign of zⱼ, then column i ∝ (ẑⱼ/(dⱼ − λᵢ))ⱼ.
 */
function loewnerVectors(d: Float64Array, z: Float64Array, rho: number, delta: Float64Array): Float64Array {
  const k = d.length;
  const zh = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let p = -delta[j * k + j]! / rho;
    for (let i = 0; i < k; i++) if (i !== j) p *= -delta[j * k + i]! / (d[i]! - d[j]!);
    zh[j] = Math.sign(z[j]!) * Math.sqrt(Math.abs(p));
  }
  const u = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    let norm = 0;
    for (let j = 0; j < k; j++) {
      const v = zh[j]! / delta[j * k + i]!;
      u[j * k + i] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < k; j++) u[j * k + i] = u[j * k + i]! * inv;
  }
  return u;
}
