/**
 * Divide and conquer for the SVD of an upper bidiagonal matrix (the method of LAPACK's dbdsdc:
 * Jessup–Sorensen splitting, dlasd2's deflation, Gu–Eisenstat singular vectors).
 *
 * A block has r rows and r + sqre columns (sqre ∈ {0, 1}): diagonal d[0..r), superdiagonal
 * e[i] = B(i, i+1), and with sqre = 1 one more entry e[r−1] = B(r−1, r). Removing row k splits it
 * into a top block (rows < k, columns ≤ k: always sqre = 1) and a bottom block (rows > k, columns
 * > k, the parent's sqre). With their SVDs, B becomes, in the bases of their singular vectors and
 * with row k first, the "arrowhead" M = [z; 0 D]: first row z = (α·W₁(k, :), β·W₂(0, :)), then the
 * singular values of the halves on a diagonal, and a column without diagonal (the top block's null
 * vector, d₀ = 0). MᵀM = D² + z·zᵀ, so its singular values solve the secular equation
 * 1 + Σ zⱼ²/(dⱼ² − σ²) = 0, solved here with every dⱼ² − σᵢ² = (dⱼ − σᵢ)(dⱼ + σᵢ) kept to full
 * relative accuracy by shifting to the nearer pole; ẑ is recomputed by Löwner's formula and the
 * vectors are vᵢ ∝ (ẑⱼ/(dⱼ² − σᵢ²))ⱼ, uᵢ ∝ (−1, (dⱼẑⱼ/(dⱼ² − σᵢ²))ⱼ≥₁).
 *
 * @module
 */
import { ConvergenceError } from '@numts/core';
import { bidiagonalQr } from './bidiagonal.js';
import { hypot2 } from './householder.js';
import { EPS } from './input.js';
import { deflationTolerance, twoPoleStep } from './secular.js';
import { type Basis, productByHalves, rotateColumns, splitBasis } from './split-basis.js';

/** Blocks of at most this many rows are solved by the QR iteration. */
export const BIDIAGONAL_LEAF_SIZE = 24;

/** The SVD of one block: s (r values, ≥ 0), U (r×r, columns), W ((r+sqre)², columns; with sqre the last is the null vector). */
interface BlockSvd {
  s: Float64Array;
  u: Float64Array;
  w: Float64Array;
}

/**
 * The SVD of the n×n upper bidiagonal (d, e), e[i] = B(i, i+1) (length ≥ n − 1): singular values
 * written to `d` in descending order, returns U and V (n×n row-major, columns the vectors).
 * @throws ConvergenceError when a leaf's QR iteration or a secular equation fails to converge
 */
export function bidiagonalDivideConquer(
  d: Float64Array,
  e: Float64Array,
): { u: Float64Array; v: Float64Array } {
  const n = d.length;
  const { s, u, w } = solve(Float64Array.from(d), Float64Array.from(e.subarray(0, Math.max(0, n - 1))), 0);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[y]! - s[x]! || x - y);
  const uo = new Float64Array(n * n);
  const vo = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      uo[r * n + c] = u[r * n + order[c]!]!;
      vo[r * n + c] = w[r * n + order[c]!]!;
    }
  d.set(Float64Array.from(order, (i) => s[i]!));
  return { u: uo, v: vo };
}

function solve(d: Float64Array, e: Float64Array, sqre: 0 | 1): BlockSvd {
  const r = d.length;
  if (r <= BIDIAGONAL_LEAF_SIZE) return leaf(d, e, sqre);
  const k = r >> 1;
  const alpha = d[k]!;
  const beta = e[k]!;
  const top = solve(d.slice(0, k), e.slice(0, k), 1);
  const bottom = solve(d.slice(k + 1), e.slice(k + 1), sqre);
  return merge(top, bottom, k, r, sqre, alpha, beta);
}

/** A small block by the QR iteration; with sqre = 1 the extra column is first chased out by rotations. */
function leaf(d: Float64Array, e: Float64Array, sqre: 0 | 1): BlockSvd {
  const r = d.length;
  const nc = r + sqre;
  const w = new Float64Array(nc * nc); // accumulated right rotations (columns)
  for (let i = 0; i < nc; i++) w[i * nc + i] = 1;
  const ee = new Float64Array(r);
  ee.set(e.subarray(0, Math.max(0, r - 1)));
  if (sqre === 1) {
    // Zero B(i, r) from the bottom up with rotations of columns (i, r); B·G = [B' 0].
    let f = e[r - 1]!;
    for (let i = r - 1; i >= 0 && f !== 0; i--) {
      const h = hypot2(d[i]!, f);
      const c = d[i]! / h;
      const s = f / h;
      d[i] = h;
      if (i > 0) {
        f = -s * ee[i - 1]!;
        ee[i - 1] = c * ee[i - 1]!;
      }
      for (let row = 0; row < nc; row++) {
        const a = w[row * nc + i]!;
        const b = w[row * nc + r]!;
        w[row * nc + i] = c * a + s * b;
        w[row * nc + r] = -s * a + c * b;
      }
    }
  }
  // Square part: rows of ut are left vectors, rows of vt right ones (in the nc-dimensional space).
  const ut = new Float64Array(r * r);
  for (let i = 0; i < r; i++) ut[i * r + i] = 1;
  const vt = new Float64Array(r * nc);
  for (let i = 0; i < r; i++) for (let row = 0; row < nc; row++) vt[i * nc + row] = w[row * nc + i]!;
  bidiagonalQr(d, ee, ut, r, vt, nc);
  const u = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let row = 0; row < r; row++) u[row * r + i] = ut[i * r + row]!;
  const out = new Float64Array(nc * nc);
  for (let i = 0; i < r; i++) for (let row = 0; row < nc; row++) out[row * nc + i] = vt[i * nc + row]!;
  if (sqre === 1) for (let row = 0; row < nc; row++) out[row * nc + r] = w[row * nc + r]!;
  return { s: d, u, w: out };
}

/**
 * Merges the SVDs of the top block (k rows, k+1 columns) and the bottom block (r−k−1 rows,
 * r−k−1+sqre columns) joined by row k = (… α at column k, β at column k+1 …).
 */
function merge(
  top: BlockSvd,
  bottom: BlockSvd,
  k: number,
  r: number,
  sqre: 0 | 1,
  alpha: number,
  beta: number,
): BlockSvd {
  const nc = r + sqre;
  const r2 = r - k - 1;
  const c2 = r2 + sqre;
  const k1 = k + 1;
  // Bases: left vectors as columns of L (r×r), right ones as columns of R (nc×nc).
  // Left: 0 = row k itself; 1..k = U₁'s columns (rows 0..k−1); k+1.. = U₂'s (rows k+1..).
  // Right: 0 = W₁'s null column; 1..k = W₁'s columns; k+1.. = W₂'s; with sqre, nc−1 = W₂'s null.
  const L = new Float64Array(r * r);
  L[k * r] = 1;
  for (let row = 0; row < k; row++) for (let i = 0; i < k; i++) L[row * r + 1 + i] = top.u[row * k + i]!;
  for (let row = 0; row < r2; row++)
    for (let i = 0; i < r2; i++) L[(k1 + row) * r + k1 + i] = bottom.u[row * r2 + i]!;
  const R = new Float64Array(nc * nc);
  for (let row = 0; row < k1; row++) {
    R[row * nc] = top.w[row * k1 + k]!;
    for (let i = 0; i < k; i++) R[row * nc + 1 + i] = top.w[row * k1 + i]!;
  }
  for (let row = 0; row < c2; row++)
    for (let i = 0; i < c2; i++) R[(k1 + row) * nc + k1 + i] = bottom.w[row * c2 + i]!;
  // Poles and z over the right basis (the null columns have no pole: d = 0).
  const dd = new Float64Array(nc);
  const z = new Float64Array(nc);
  z[0] = alpha * top.w[k * k1 + k]!;
  for (let i = 0; i < k; i++) {
    dd[1 + i] = top.s[i]!;
    z[1 + i] = alpha * top.w[k * k1 + i]!;
  }
  for (let i = 0; i < c2; i++) {
    if (i < r2) dd[k1 + i] = bottom.s[i]!;
    z[k1 + i] = beta * bottom.w[i]!;
  }
  // Top columns (the head row k counts as top for L, W₁'s rows 0..k for R) and bottom ones.
  const left = splitBasis(L, r, k1);
  const right = splitBasis(R, nc, k1);
  if (sqre === 1) {
    // Two columns without a pole (0 and nc−1): rotate them so that only column 0 keeps a z.
    const a = z[0]!;
    const b = z[nc - 1]!;
    const h = hypot2(a, b);
    const c = h === 0 ? 1 : a / h;
    const s = h === 0 ? 0 : b / h;
    rotateColumns(right, 0, nc - 1, c, s);
    z[0] = h;
    z[nc - 1] = 0;
  }
  const m = arrowheadSvd(dd.subarray(0, r), z.subarray(0, r), left, right);
  if (sqre === 1) {
    // The last right column is the null vector.
    for (let row = 0; row < nc; row++) m.w[row * nc + r] = R[row * nc + nc - 1]!;
  }
  return m;
}

/**
 * The SVD of the r×r arrowhead with first row z, diagonal d (d[0] = 0, the column without a row),
 * expressed in the bases L (left, r×r, column 0 = the head row) and R (right, nc×nc, the first r
 * columns); both are modified by the deflating rotations. Returns the block's SVD.
 */
function arrowheadSvd(d: Float64Array, z: Float64Array, left: Basis, right: Basis): BlockSvd {
  const r = d.length;
  const nc = right.ld;
  const L = left.x;
  const R = right.x;
  // Ascending poles, index 0 (d = 0) kept first.
  const perm = [0, ...Array.from({ length: r - 1 }, (_, i) => i + 1).sort((x, y) => d[x]! - d[y]! || x - y)];
  const dp = Float64Array.from(perm, (i) => d[i]!);
  const zp = Float64Array.from(perm, (i) => z[i]!);
  const tol = deflationTolerance(dp, zp);
  if (Math.abs(zp[0]!) <= tol) zp[0] = zp[0]! < 0 ? -tol : tol;
  const kept: number[] = [0];
  const deflated: { j: number; value: number }[] = [];
  let prev = 0;
  for (let j = 1; j < r; j++) {
    const col = perm[j]!;
    if (Math.abs(zp[j]!) <= tol) {
      deflated.push({ j, value: dp[j]! });
      continue;
    }
    if (dp[j]! <= tol) {
      // A pole at (nearly) zero joins the column without one: rotate z into z₀ (right side only).
      const h = hypot2(zp[0]!, zp[j]!);
      const c = zp[0]! / h;
      const s = zp[j]! / h;
      rotateColumns(right, perm[0]!, col, c, s);
      zp[0] = h;
      zp[j] = 0;
      deflated.push({ j, value: c * dp[j]! });
      continue;
    }
    if (prev > 0) {
      const h = hypot2(zp[prev]!, zp[j]!);
      const c = zp[j]! / h;
      const s = -zp[prev]! / h;
      if (Math.abs((dp[j]! - dp[prev]!) * c * s) <= tol) {
        // Nearly equal poles: a rotation on both sides zeroes z at prev, which deflates.
        const cp = perm[prev]!;
        rotateColumns(right, cp, col, c, s);
        rotateColumns(left, cp, col, c, s);
        zp[j] = h;
        zp[prev] = 0;
        const c2 = c * c;
        const s2 = s * s;
        const dPrev = dp[prev]! * c2 + dp[j]! * s2;
        dp[j] = dp[prev]! * s2 + dp[j]! * c2;
        dp[prev] = dPrev;
        deflated.push({ j: prev, value: dPrev });
        prev = j;
        continue;
      }
      kept.push(prev);
    }
    prev = j;
  }
  if (prev > 0) kept.push(prev);

  const K = kept.length;
  const s = new Float64Array(r);
  const U = new Float64Array(r * r);
  const W = new Float64Array(nc * nc);
  // Deflated pairs: their basis vectors (a negative value flips the left one).
  deflated.forEach(({ j, value }, idx) => {
    const col = perm[j]!;
    const slot = K + idx;
    const sign = value < 0 ? -1 : 1;
    s[slot] = Math.abs(value);
    for (let row = 0; row < r; row++) U[row * r + slot] = sign * L[row * r + col]!;
    for (let row = 0; row < nc; row++) W[row * nc + slot] = R[row * nc + col]!;
  });
  if (K === 1) {
    // Only the column without a pole is left (all the rest deflated, e.g. a zero block): M = [z₀],
    // σ = |z₀| with u = sign(z₀)·(head row) and v = that column.
    const sign = zp[0]! < 0 ? -1 : 1;
    s[0] = Math.abs(zp[0]!);
    for (let row = 0; row < r; row++) U[row * r] = sign * L[row * r]!;
    for (let row = 0; row < nc; row++) W[row * nc] = R[row * nc + perm[0]!]!;
    return { s, u: U, w: W };
  }
  const dk = Float64Array.from(kept, (j) => dp[j]!);
  const zk = Float64Array.from(kept, (j) => zp[j]!);
  const { sigma, delta } = secularSingularValues(dk, zk);
  const { uk, vk } = arrowheadVectors(dk, zk, delta);
  // U(:, 0..K) = L(:, left basis of kept)·uk; the head row is L's column 0.
  const leftCols = kept.map((j, idx) => (idx === 0 ? 0 : perm[j]!));
  const rightCols = kept.map((j) => perm[j]!);
  productByHalves(U, left, leftCols, uk);
  productByHalves(W, right, rightCols, vk);
  s.set(sigma);
  return { s, u: U, w: W };
}

/**
 * The K roots of 1 + Σ zⱼ²/(dⱼ² − σ²) = 0 (0 = d₀ < d₁ < … ascending, no zⱼ zero):
 * σᵢ ∈ (dᵢ, dᵢ₊₁), σ_{K−1} ∈ (d_{K−1}, d_{K−1} + ‖z‖); delta[j·K + i] = dⱼ² − σᵢ² to full
 * relative accuracy.
 */
function secularSingularValues(
  d: Float64Array,
  z: Float64Array,
): { sigma: Float64Array; delta: Float64Array } {
  const K = d.length;
  const sigma = new Float64Array(K);
  const delta = new Float64Array(K * K);
  const z2 = Float64Array.from(z, (v) => v * v);
  let znorm = 0;
  for (let j = 0; j < K; j++) znorm += z2[j]!;
  znorm = Math.sqrt(znorm);
  const shifted = new Float64Array(K);
  const sum = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    const last = i === K - 1;
    let origin = i;
    let lo = 0;
    let hi = last ? znorm : (d[i + 1]! - d[i]!) / 2;
    if (!last) {
      const mid = d[i]! + hi;
      let f = 1;
      for (let j = 0; j < K; j++) f += z2[j]! / ((d[j]! - mid) * (d[j]! + mid));
      if (f < 0) {
        origin = i + 1;
        lo = -hi;
        hi = 0;
      }
    }
    const o = d[origin]!;
    for (let j = 0; j < K; j++) {
      shifted[j] = d[j]! - o;
      sum[j] = d[j]! + o;
    }
    let tau = (lo + hi) / 2;
    let converged = false;
    for (let iter = 0; iter < 200; iter++) {
      let psi = 0;
      let dpsi = 0;
      let phi = 0;
      let dphi = 0;
      for (let j = 0; j < K; j++) {
        const t = 1 / ((shifted[j]! - tau) * (sum[j]! + tau));
        const w = z2[j]! * t;
        if (j <= i) {
          psi += w;
          dpsi += w * t;
        } else {
          phi += w;
          dphi += w * t;
        }
      }
      const f = 1 + psi + phi;
      if (Math.abs(f) <= 4 * EPS * (1 + Math.abs(psi) + Math.abs(phi)) || f === 0) {
        converged = true;
        break;
      }
      if (f > 0) hi = tau;
      else lo = tau;
      const s0 = o + tau;
      // Relative to τ, not σ: a root may sit far closer to its pole than σ's own rounding.
      if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) {
        converged = true;
        break;
      }
      // A step in λ = σ² from a two-pole model (as the tridiagonal case), turned back into τ.
      const dl = (shifted[i]! - tau) * (sum[i]! + tau);
      const eta = last
        ? twoPoleStep(f, dl, dpsi)
        : twoPoleStep(f, dl, dpsi, (shifted[i + 1]! - tau) * (sum[i + 1]! + tau), dphi);
      const root = s0 * s0 + eta;
      const next = root >= 0 ? tau + eta / (s0 + Math.sqrt(root)) : Number.NaN;
      tau = Number.isFinite(next) && next > lo && next < hi ? next : (lo + hi) / 2;
    }
    if (!converged)
      throw new ConvergenceError(
        `svd: the secular equation of singular value ${i} of ${K} did not converge`,
        200,
      );
    sigma[i] = o + tau;
    for (let j = 0; j < K; j++) delta[j * K + i] = (shifted[j]! - tau) * (sum[j]! + tau);
  }
  return { sigma, delta };
}

/**
 * The singular vectors of the arrowhead from its singular values (columns of uk, vk, K×K): ẑ by
 * Löwner's formula ẑⱼ² = Πᵢ(σᵢ² − dⱼ²)/Πᵢ≠ⱼ(dᵢ² − dⱼ²), vᵢ ∝ (ẑⱼ/(dⱼ² − σᵢ²))ⱼ and
 * uᵢ ∝ (−1, (dⱼẑⱼ/(dⱼ² − σᵢ²))ⱼ≥₁).
 */
function arrowheadVectors(
  d: Float64Array,
  z: Float64Array,
  delta: Float64Array,
): { uk: Float64Array; vk: Float64Array } {
  const K = d.length;
  const zh = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    let p = -delta[j * K + j]!;
    for (let i = 0; i < K; i++) if (i !== j) p *= -delta[j * K + i]! / ((d[i]! - d[j]!) * (d[i]! + d[j]!));
    zh[j] = Math.sign(z[j]!) * Math.sqrt(Math.abs(p));
  }
  const uk = new Float64Array(K * K);
  const vk = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    let nv = 0;
    let nu = 1;
    uk[i] = -1;
    for (let j = 0; j < K; j++) {
      const t = zh[j]! / delta[j * K + i]!;
      vk[j * K + i] = t;
      nv += t * t;
      if (j > 0) {
        const q = d[j]! * t;
        uk[j * K + i] = q;
        nu += q * q;
      }
    }
    const iv = 1 / Math.sqrt(nv);
    const iu = 1 / Math.sqrt(nu);
    for (let j = 0; j < K; j++) {
      vk[j * K + i] = vk[j * K + i]! * iv;
      uk[j * K + i] = uk[j * K + i]! * iu;
    }
  }
  return { uk, vk };
}
