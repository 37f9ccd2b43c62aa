/**
 * The dynamic k-nearest-neighbour graph of PL-AGGD / PL-CL: for each instance, simplex-constrained
 * weights over its k neighbours (found on the row-normalised features) that reconstruct it from
 * them in feature space and, after the first step, in labeling-confidence space.
 *
 * @module
 */
import type { Matrix } from '@numts/core';
import { squaredDistances } from '@numts/core';
import { projectCandidateSimplex } from './simplex.js';

/** Distances held at once while finding neighbours: at most 2²⁴ (128 MB), whatever n. */
const DISTANCE_BLOCK = 1 << 24;

/**
 * The k nearest neighbours of every row (Euclidean on the row-normalised rows, self excluded, ties
 * → lower index). The distances are computed a block of rows at a time, so memory stays O(n) per
 * row of the block rather than n×n (up to n = 4096 it is one block).
 */
export function neighbours(x: Matrix, k: number): Int32Array {
  const xn = normalizeRows(x);
  const n = xn.rows;
  const out = new Int32Array(n * k);
  const rows = Math.max(1, Math.min(n, Math.floor(DISTANCE_BLOCK / Math.max(n, 1))));
  for (let b0 = 0; b0 < n; b0 += rows) {
    const b1 = Math.min(n, b0 + rows);
    out.set(nearestRows(squaredDistances(xn.slice(b0, b1), xn), k, true, b0), b0 * k);
  }
  return out;
}

/**
 * For each row of a distance matrix D (m×n), the k columns of smallest distance (ties → lower
 * index); `excludeSelf` skips column firstRow + i in row i (D's rows are rows firstRow, firstRow +
 * 1, … of the set its columns index).
 */
export function nearestRows(d: Matrix, k: number, excludeSelf: boolean, firstRow = 0): Int32Array {
  const m = d.rows;
  const n = d.cols;
  const out = new Int32Array(m * k);
  // The k best so far as a max-heap on (distance, index): O(n log k) per row instead of a sort.
  const heapD = new Float64Array(k);
  const heapI = new Int32Array(k);
  const worse = (da: number, ia: number, db: number, ib: number) => da > db || (da === db && ia > ib);
  for (let i = 0; i < m; i++) {
    const row = d.data.subarray(d.offset + i * d.rowStride, d.offset + i * d.rowStride + n);
    let size = 0;
    for (let j = 0; j < n; j++) {
      if (excludeSelf && j === firstRow + i) continue;
      const v = row[j]!;
      if (size < k) {
        // Sift up.
        let c = size++;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!worse(v, j, heapD[p]!, heapI[p]!)) break;
          heapD[c] = heapD[p]!;
          heapI[c] = heapI[p]!;
          c = p;
        }
        heapD[c] = v;
        heapI[c] = j;
      } else if (worse(heapD[0]!, heapI[0]!, v, j)) {
        // Replace the worst and sift down.
        let c = 0;
        for (;;) {
          let w = 2 * c + 1;
          if (w >= k) break;
          if (w + 1 < k && worse(heapD[w + 1]!, heapI[w + 1]!, heapD[w]!, heapI[w]!)) w++;
          if (!worse(heapD[w]!, heapI[w]!, v, j)) break;
          heapD[c] = heapD[w]!;
          heapI[c] = heapI[w]!;
          c = w;
        }
        heapD[c] = v;
        heapI[c] = j;
      }
    }
    const order = Array.from({ length: size }, (_, t) => t).sort(
      (a, b) => heapD[a]! - heapD[b]! || heapI[a]! - heapI[b]!,
    );
    for (let t = 0; t < size; t++) out[i * k + t] = heapI[order[t]!]!;
  }
  return out;
}

/**
 * Simplex weights reconstructing each query row q_i from its neighbours (rows of `base`):
 * argmin ‖q_i − Σ_t w_t b_{nb(i,t)}‖² s.t. w ≥ 0, Σw = 1 (LLE-style, ridge rule of {@link simplexQp}).
 */
export function reconstructionWeights(query: Matrix, base: Matrix, nb: Int32Array, k: number): Float64Array {
  const grams = featureGrams(query, nb, k, base);
  const out = new Float64Array(query.rows * k);
  for (let i = 0; i < query.rows; i++)
    out.set(simplexQp(grams.subarray(i * k * k, (i + 1) * k * k), k), i * k);
  return out;
}

/** Solves A_FF·z = 1 for the free set F of a small SPD matrix A (k×k) by Cholesky; returns false if not PD. */
function solveFreeOnes(
  a: Float64Array,
  k: number,
  free: Int32Array,
  m: number,
  work: Float64Array,
  z: Float64Array,
): boolean {
  // work holds the m×m Cholesky factor (row-major, lower).
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[free[i]! * k + free[j]!]!;
      for (let p = 0; p < j; p++) s -= work[i * m + p]! * work[j * m + p]!;
      if (i === j) {
        if (!(s > 0)) return false;
        work[i * m + i] = Math.sqrt(s);
      } else work[i * m + j] = s / work[j * m + j]!;
    }
  }
  for (let i = 0; i < m; i++) {
    let s = 1;
    for (let p = 0; p < i; p++) s -= work[i * m + p]! * z[p]!;
    z[i] = s / work[i * m + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let p = i + 1; p < m; p++) s -= work[p * m + i]! * z[p]!;
    z[i] = s / work[i * m + i]!;
  }
  return true;
}

/**
 * min wᵀHw s.t. w ≥ 0, Σw = 1 for a small PSD H (k×k), by a primal active-set method started at the
 * uniform point: on the free set F the equality-constrained minimiser is A_FF⁻¹1/(1ᵀA_FF⁻¹1); blocked
 * steps drop variables, negative multipliers add them. Exact up to rounding, O(k³) per change of F.
 *
 * A ridge of 1e-10·tr(H)/k is added to H (A = H + ridge·I). It makes the problem strictly convex and
 * so picks one minimiser when H is singular (d < k, duplicate instances): the minimiser of smallest
 * norm, i.e. the most spread-out weights. The authors' MATLAB interior point returns a "central"
 * minimiser too, but not necessarily the same one; this rule is ours and is documented.
 */
export function simplexQp(h: Float64Array, k: number): Float64Array {
  let tr = 0;
  for (let i = 0; i < k; i++) tr += h[i * k + i]!;
  const w = new Float64Array(k).fill(1 / k);
  if (!(tr > 0)) return w;
  const ridge = (1e-10 * tr) / k;
  const a = h.slice();
  for (let i = 0; i < k; i++) a[i * k + i] = a[i * k + i]! + ridge;
  const isFree = new Uint8Array(k).fill(1);
  const free = new Int32Array(k);
  const z = new Float64Array(k);
  const work = new Float64Array(k * k);
  const g = new Float64Array(k);
  for (let iter = 0; iter < 10 * k + 10; iter++) {
    let m = 0;
    for (let i = 0; i < k; i++) if (isFree[i]) free[m++] = i;
    if (!solveFreeOnes(a, k, free, m, work, z)) break;
    let zs = 0;
    for (let i = 0; i < m; i++) zs += z[i]!;
    for (let i = 0; i < m; i++) z[i] = z[i]! / zs;
    // Largest feasible step from w towards the free-set minimiser (fixed variables stay 0).
    let step = 1;
    let blocking = -1;
    for (let i = 0; i < m; i++) {
      const target = z[i]!;
      const cur = w[free[i]!]!;
      if (target < 0 && cur - target > 0) {
        const s = cur / (cur - target);
        if (s < step) {
          step = s;
          blocking = free[i]!;
        }
      }
    }
    for (let i = 0; i < m; i++) w[free[i]!] = w[free[i]!]! + step * (z[i]! - w[free[i]!]!);
    if (blocking >= 0) {
      // Drop every variable that the step drove to (or below) zero.
      for (let i = 0; i < m; i++) {
        const j = free[i]!;
        if (j === blocking || w[j]! <= 0) {
          w[j] = 0;
          isFree[j] = 0;
        }
      }
      continue;
    }
    // At the free-set minimiser: check the multipliers of the fixed variables.
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += a[i * k + j]! * w[j]!;
      g[i] = s;
    }
    let lam = 0;
    for (let i = 0; i < m; i++) lam += g[free[i]!]! * w[free[i]!]!; // = wᵀAw = common gradient value
    let enter = -1;
    let most = -1e-14 * Math.abs(lam) - 1e-300;
    for (let i = 0; i < k; i++) {
      if (isFree[i]) continue;
      const r = g[i]! - lam;
      if (r < most) {
        most = r;
        enter = i;
      }
    }
    if (enter < 0) return w;
    isFree[enter] = 1;
  }
  return simplexQpGradient(a, k, w);
}

const ONES = new Float64Array(64).fill(1);

/** Fallback: accelerated projected gradient on the same problem (A already includes the ridge). */
function simplexQpGradient(a: Float64Array, k: number, start: Float64Array): Float64Array {
  let lip = 0;
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.abs(a[i * k + j]!);
    lip = Math.max(lip, s);
  }
  const step = 1 / (2 * lip);
  let w = start.slice();
  let v = w.slice();
  let t = 1;
  const g = new Float64Array(k);
  const ones = k <= 64 ? ONES : new Float64Array(k).fill(1);
  for (let it = 0; it < 20000; it++) {
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += a[i * k + j]! * v[j]!;
      g[i] = 2 * s;
    }
    const next = Float64Array.from(v, (vi, i) => vi - step * g[i]!);
    projectCandidateSimplex(next, 0, k, ones, 0);
    let change = 0;
    let dot = 0;
    for (let i = 0; i < k; i++) {
      change = Math.max(change, Math.abs(next[i]! - w[i]!));
      dot += g[i]! * (next[i]! - w[i]!);
    }
    const t1 = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    if (dot > 0) {
      v = next.slice();
      t = 1;
    } else {
      v = Float64Array.from(next, (x, i) => x + ((t - 1) / t1) * (x - w[i]!));
      t = t1;
    }
    w = next;
    if (change < 1e-15) break;
  }
  return w;
}

/**
 * The feature part of the graph QPs, computed once: for each row i of xn the k×k matrix DDᵀ with
 * D = [xᵢ − bⱼ]_{j∈N(i)}, b the rows of `base` (default xn itself); n·k² values, row-major per row.
 */
export function featureGrams(xn: Matrix, nb: Int32Array, k: number, base: Matrix = xn): Float64Array {
  const n = xn.rows;
  const d = xn.cols;
  const out = new Float64Array(n * k * k);
  for (let i = 0; i < n; i++) {
    const at = i * k * k;
    for (let a = 0; a < k; a++) {
      const ja = nb[i * k + a]!;
      for (let b = a; b < k; b++) {
        const jb = nb[i * k + b]!;
        let s = 0;
        for (let c = 0; c < d; c++)
          s +=
            (xn.data[i * d + c]! - base.data[ja * d + c]!) * (xn.data[i * d + c]! - base.data[jb * d + c]!);
        out[at + a * k + b] = s;
        out[at + b * k + a] = s;
      }
    }
  }
  return out;
}

/**
 * The graph S (n×k weights over the neighbour lists): row i minimises
 * wᵀ(γ·DDᵀ + μ·D_P D_Pᵀ)w on the simplex, D = [xᵢ − xⱼ]_{j∈N(i)} on the row-normalised features and
 * D_P = [pᵢ − pⱼ] on the labeling confidences (omitted when p is null, as in the initial graph).
 * `grams` (from {@link featureGrams}) saves recomputing the feature part on every call.
 */
export function graphWeights(
  xn: Matrix,
  nb: Int32Array,
  k: number,
  p: Matrix | null,
  gamma: number,
  mu: number,
  grams: Float64Array = featureGrams(xn, nb, k),
): Float64Array {
  const n = xn.rows;
  const out = new Float64Array(n * k);
  const h = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const base = i * k * k;
    for (let a = 0; a < k; a++) {
      const ja = nb[i * k + a]!;
      for (let b = a; b < k; b++) {
        const jb = nb[i * k + b]!;
        let s = grams[base + a * k + b]! * gamma;
        if (p) {
          const l = p.cols;
          let sp = 0;
          for (let c = 0; c < l; c++)
            sp += (p.data[i * l + c]! - p.data[ja * l + c]!) * (p.data[i * l + c]! - p.data[jb * l + c]!);
          s += mu * sp;
        }
        h[a * k + b] = s;
        h[b * k + a] = s;
      }
    }
    out.set(simplexQp(h, k), i * k);
  }
  return out;
}

/** Row-normalised copy (each row divided by its Euclidean norm). */
export function normalizeRows(x: Matrix): Matrix {
  const out = x.clone();
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let j = 0; j < x.cols; j++) s += out.data[i * x.cols + j]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < x.cols; j++) out.data[i * x.cols + j] = out.data[i * x.cols + j]! * inv;
  }
  return out;
}
