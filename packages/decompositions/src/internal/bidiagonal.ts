/**
 * Householder bidiagonalization A = Q·B·Pᵀ of an m×n array with m ≥ n (LAPACK's dgebd2), and the
 * implicit-shift QR iteration on the bidiagonal (Golub–Kahan–Reinsch, as in LINPACK's dsvdc), with
 * an iteration limit.
 *
 * @module
 */
import { ConvergenceError, gemm, getBackend, Matrix, ResidentRows } from '@numts/core';
import { hypot2, makeReflector } from './householder.js';
import { EPS } from './input.js';
import { accumulateRows, subtractOuter } from './level2.js';
import { qrFormQ } from './qr-kernel.js';
import { RotationSequence } from './rotations.js';
import { swapRows } from './rows.js';

/** Panel width of the blocked reduction (LAPACK's dgebrd/dlabrd). */
const BIDIAGONAL_BLOCK = 32;

/**
 * Reduces the contiguous m×n array (m ≥ n) in place to upper bidiagonal form. Returns the diagonal
 * d (n), the superdiagonal e (n, e[n−1] = 0) and the τ of the left (tauq) and right (taup)
 * reflectors. Left reflectors stay below the diagonal (as QR leaves them), right ones to the right
 * of the superdiagonal.
 *
 * Blocked as LAPACK's dgebrd: a panel of {@link BIDIAGONAL_BLOCK} columns and rows is reduced
 * with its row and column brought up to date on the fly (dlabrd), its matrix–vector products read
 * the trailing matrix as it was at the panel's start (kept by `ResidentRows`, in the wasm kernel's
 * memory on that backend), and the trailing matrix takes the panel at once, A ← A − V·Yᵀ − X·Uᵀ,
 * as two matrix products; the last columns are reduced one at a time. On the TypeScript backend,
 * where blocking measured no faster, the whole reduction is unblocked (dgebd2).
 */
export function bidiagonalize(
  a: Float64Array,
  m: number,
  n: number,
): { d: Float64Array; e: Float64Array; tauq: Float64Array; taup: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tauq = new Float64Array(n);
  const taup = new Float64Array(Math.max(0, n - 1));
  const nb = BIDIAGONAL_BLOCK;
  let k0 = 0;
  // On the TypeScript backend the panel's products cost as much as the unblocked updates they
  // replace (measured), so the unblocked reduction runs there.
  if (n > 3 * nb && getBackend() === 'wasm') {
    const panel = {
      v: new Float64Array(m * nb),
      x: new Float64Array(m * nb),
      u: new Float64Array(n * nb),
      y: new Float64Array(n * nb),
    };
    for (; n - k0 > 3 * nb; k0 += nb) {
      for (const w of Object.values(panel)) w.fill(0);
      reducePanel(a, m, n, k0, nb, d, e, tauq, taup, panel);
      // A(s.., s..) −= V·Yᵀ + X·Uᵀ, s = k0 + nb.
      const s0 = k0 + nb;
      const view = Matrix.view(m - s0, n - s0, a, s0 * n + s0, n, 1);
      const rows = (w: Float64Array, len: number) => new Matrix(len - s0, nb, w.subarray(s0 * nb, len * nb));
      gemm(rows(panel.v, m), rows(panel.y, n), { transB: true, alpha: -1, beta: 1, c: view });
      gemm(rows(panel.x, m), rows(panel.u, n), { transB: true, alpha: -1, beta: 1, c: view });
    }
  }
  reduceUnblocked(a, m, n, k0, d, e, tauq, taup);
  return { d, e, tauq, taup };
}

/**
 * Reduces columns and rows k0..k0+nb−1 (dlabrd, m ≥ n). V (m×nb) and U (n×nb) receive the left
 * and right reflectors (indexed by global row and column), X (m×nb) and Y (n×nb) the products that
 * make the deferred update A − V·Yᵀ − X·Uᵀ; every product with A reads the trailing block
 * A(k0.., k0+1..) as it was at the panel's start (rows and columns the panel updates are not read
 * again).
 */
function reducePanel(
  a: Float64Array,
  m: number,
  n: number,
  k0: number,
  nb: number,
  d: Float64Array,
  e: Float64Array,
  tauq: Float64Array,
  taup: Float64Array,
  { v, x, u, y }: { v: Float64Array; x: Float64Array; u: Float64Array; y: Float64Array },
): void {
  const t1 = new Float64Array(nb);
  const t2 = new Float64Array(nb);
  const work = new Float64Array(Math.max(m, n));
  const column = new Float64Array(m);
  const trailing = new ResidentRows(a, k0 * n + k0 + 1, m - k0, n - k0 - 1, n);
  for (let i = 0; i < nb; i++) {
    const j = k0 + i;
    const diag = j * n + j;
    // Column j (rows ≥ j) −= V(r, 0:i)·Y(j, 0:i) + X(r, 0:i)·U(j, 0:i).
    for (let r = j; r < m; r++) {
      let sum = 0;
      for (let q = 0; q < i; q++) sum += v[r * nb + q]! * y[j * nb + q]! + x[r * nb + q]! * u[j * nb + q]!;
      a[r * n + j] = a[r * n + j]! - sum;
    }
    const left = makeReflector(a[diag]!, m - j, a, diag + n, n);
    d[j] = left.beta;
    tauq[j] = left.tau;
    a[diag] = 1;
    for (let r = j; r < m; r++) {
      v[r * nb + i] = a[r * n + j]!;
      column[r - j] = a[r * n + j]!;
    }
    const nc = n - j - 1;
    // Y(j+1.., i) = τq·(A(j.., j+1..)ᵀ·v − Y·(Vᵀv) − U·(Xᵀv)).
    trailing.multiplyTransposed(i, i, m - j, nc, column, 0, work);
    t1.fill(0, 0, i);
    t2.fill(0, 0, i);
    for (let r = j; r < m; r++) {
      const vr = v[r * nb + i]!;
      for (let q = 0; q < i; q++) {
        t1[q] = t1[q]! + v[r * nb + q]! * vr;
        t2[q] = t2[q]! + x[r * nb + q]! * vr;
      }
    }
    for (let c = j + 1; c < n; c++) {
      let sum = work[c - j - 1]!;
      for (let q = 0; q < i; q++) sum -= y[c * nb + q]! * t1[q]! + u[c * nb + q]! * t2[q]!;
      y[c * nb + i] = left.tau * sum;
    }
    a[diag] = d[j]!;
    // Row j (columns > j) −= Y(c, 0:i+1)·V(j, 0:i+1) + U(c, 0:i)·X(j, 0:i).
    for (let c = j + 1; c < n; c++) {
      let sum = 0;
      for (let q = 0; q <= i; q++) sum += y[c * nb + q]! * v[j * nb + q]!;
      for (let q = 0; q < i; q++) sum += u[c * nb + q]! * x[j * nb + q]!;
      a[j * n + c] = a[j * n + c]! - sum;
    }
    const right = makeReflector(a[diag + 1]!, nc, a, diag + 2, 1);
    e[j] = right.beta;
    taup[j] = right.tau;
    a[diag + 1] = 1;
    for (let c = j + 1; c < n; c++) u[c * nb + i] = a[j * n + c]!;
    // X(j+1.., i) = τp·(A(j+1.., j+1..)·u − V·(Yᵀu) − X·(Uᵀu)).
    trailing.multiply(i + 1, i, m - j - 1, nc, a, diag + 1, work);
    t1.fill(0, 0, i + 1);
    t2.fill(0, 0, i);
    for (let c = j + 1; c < n; c++) {
      const uc = u[c * nb + i]!;
      for (let q = 0; q <= i; q++) t1[q] = t1[q]! + y[c * nb + q]! * uc;
      for (let q = 0; q < i; q++) t2[q] = t2[q]! + u[c * nb + q]! * uc;
    }
    for (let r = j + 1; r < m; r++) {
      let sum = work[r - j - 1]!;
      for (let q = 0; q <= i; q++) sum -= v[r * nb + q]! * t1[q]!;
      for (let q = 0; q < i; q++) sum -= x[r * nb + q]! * t2[q]!;
      x[r * nb + i] = right.tau * sum;
    }
    a[diag + 1] = e[j]!;
  }
}

/** The unblocked reduction (dgebd2) from column k0 on, updating the trailing matrix after each. */
function reduceUnblocked(
  a: Float64Array,
  m: number,
  n: number,
  k0: number,
  d: Float64Array,
  e: Float64Array,
  tauq: Float64Array,
  taup: Float64Array,
): void {
  const w = new Float64Array(n);
  const y = new Float64Array(m);
  for (let k = k0; k < n; k++) {
    const diag = k * n + k;
    // Left reflector: column k, rows k..m−1.
    const left = makeReflector(a[diag]!, m - k, a, diag + n, n);
    d[k] = left.beta;
    tauq[k] = left.tau;
    a[diag] = 1; // v₀ = 1 stored in place while the reflector is applied
    const nc = n - k - 1;
    if (left.tau !== 0 && nc > 0) {
      // w = τ·vᵀ·A(k.., k+1..), then A(k.., k+1..) −= v·wᵀ.
      w.fill(0, 0, nc);
      accumulateRows(nc, m - k, a, diag, n, a, diag + 1, n, w);
      for (let c = 0; c < nc; c++) w[c] = left.tau * w[c]!;
      subtractOuter(nc, m - k, a, diag, n, w, a, diag + 1, n);
    }
    a[diag] = d[k]!;
    if (nc <= 0) continue;
    // Right reflector: row k, columns k+1..n−1 (contiguous).
    const right = makeReflector(a[diag + 1]!, nc, a, diag + 2, 1);
    e[k] = right.beta;
    taup[k] = right.tau;
    if (right.tau === 0) continue;
    // Rows k+1..m−1: row ← row − τ·(row·u)·uᵀ with u = (1, a[k, k+2..]).
    const beta = a[diag + 1]!;
    a[diag + 1] = 1;
    const rows = m - k - 1;
    new ResidentRows(a, diag + n + 1, rows, nc, n, { inPlace: true }).multiply(
      0,
      0,
      rows,
      nc,
      a,
      diag + 1,
      y,
    );
    for (let i = 0; i < rows; i++) y[i] = right.tau * y[i]!;
    subtractOuter(nc, rows, y, 0, 1, a.subarray(diag + 1, diag + 1 + nc), a, diag + n + 1, n);
    a[diag + 1] = beta;
  }
}

/** Uᵀ (q×m, rows are the first q columns of Q) from the left reflectors of {@link bidiagonalize}. */
export function bidiagonalUTransposed(
  a: Float64Array,
  m: number,
  n: number,
  tauq: Float64Array,
  q: number,
): Matrix {
  const u = qrFormQ(a, m, n, tauq, q);
  const ut = new Matrix(q, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < q; j++) ut.data[j * m + i] = u.data[i * q + j]!;
  return ut;
}

/** Applies the plane rotation [c s; −s c] to rows i and j (length len) of a row-major array. */
function rotateRows(x: Float64Array, len: number, i: number, j: number, c: number, s: number): void {
  const ri = i * len;
  const rj = j * len;
  for (let k = 0; k < len; k++) {
    const xi = x[ri + k]!;
    const xj = x[rj + k]!;
    x[ri + k] = c * xi + s * xj;
    x[rj + k] = -s * xi + c * xj;
  }
}

/**
 * Singular values of the upper bidiagonal (d, e) by implicit-shift QR; on return d holds them in
 * descending order, all ≥ 0. The rotations are applied to the rows of `ut` (n×um, left vectors)
 * and `vt` (n×vn, right vectors) when they are given.
 *
 * @throws ConvergenceError when a singular value needs more than 75 QR sweeps
 */
export function bidiagonalQr(
  d: Float64Array,
  e: Float64Array,
  ut: Float64Array | null,
  um: number,
  vt: Float64Array | null,
  vn: number,
  maxSweeps = 75,
): void {
  const n = d.length;
  const s = d;
  const tiny = 2 ** -966;
  let p = n;
  const pp = n - 1;
  let iter = 0;
  let total = 0;
  const uRotations = new RotationSequence();
  const vRotations = new RotationSequence();
  while (p > 0) {
    let k: number;
    let kase: number;
    for (k = p - 2; k >= 0; k--) {
      if (Math.abs(e[k]!) <= tiny + EPS * (Math.abs(s[k]!) + Math.abs(s[k + 1]!))) {
        e[k] = 0;
        break;
      }
    }
    if (k === p - 2) {
      kase = 4;
    } else {
      let ks: number;
      for (ks = p - 1; ks > k; ks--) {
        const t = (ks !== p ? Math.abs(e[ks]!) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]!) : 0);
        if (Math.abs(s[ks]!) <= tiny + EPS * t) {
          s[ks] = 0;
          break;
        }
      }
      if (ks === k) kase = 3;
      else if (ks === p - 1) kase = 1;
      else {
        kase = 2;
        k = ks;
      }
    }
    k++;
    switch (kase) {
      case 1: {
        // s[p−1] is negligible: chase e[p−2] out with rotations from the right.
        let f = e[p - 2]!;
        e[p - 2] = 0;
        for (let j = p - 2; j >= k; j--) {
          const t = hypot2(s[j]!, f);
          const cs = s[j]! / t;
          const sn = f / t;
          s[j] = t;
          if (j !== k) {
            f = -sn * e[j - 1]!;
            e[j - 1] = cs * e[j - 1]!;
          }
          if (vt) rotateRows(vt, vn, j, p - 1, cs, sn);
        }
        break;
      }
      case 2: {
        // s[k−1] is negligible: split, chasing e[k−1] with rotations from the left.
        let f = e[k - 1]!;
        e[k - 1] = 0;
        for (let j = k; j < p; j++) {
          const t = hypot2(s[j]!, f);
          const cs = s[j]! / t;
          const sn = f / t;
          s[j] = t;
          f = -sn * e[j]!;
          e[j] = cs * e[j]!;
          if (ut) rotateRows(ut, um, j, k - 1, cs, sn);
        }
        break;
      }
      case 3: {
        if (++iter > maxSweeps) {
          throw new ConvergenceError(
            `svd: the bidiagonal QR iteration did not converge for singular value ${p - 1} after ${maxSweeps} sweeps`,
            total,
          );
        }
        total++;
        const scale = Math.max(
          Math.abs(s[p - 1]!),
          Math.abs(s[p - 2]!),
          Math.abs(e[p - 2]!),
          Math.abs(s[k]!),
          Math.abs(e[k]!),
        );
        const sp = s[p - 1]! / scale;
        const spm1 = s[p - 2]! / scale;
        const epm1 = e[p - 2]! / scale;
        const sk = s[k]! / scale;
        const ek = e[k]! / scale;
        const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
        const c = sp * epm1 * (sp * epm1);
        let shift = 0;
        if (b !== 0 || c !== 0) {
          shift = Math.sqrt(b * b + c);
          if (b < 0) shift = -shift;
          shift = c / (b + shift);
        }
        let f = (sk + sp) * (sk - sp) + shift;
        let g = sk * ek;
        for (let j = k; j < p - 1; j++) {
          let t = hypot2(f, g);
          let cs = f / t;
          let sn = g / t;
          if (j !== k) e[j - 1] = t;
          f = cs * s[j]! + sn * e[j]!;
          e[j] = cs * e[j]! - sn * s[j]!;
          g = sn * s[j + 1]!;
          s[j + 1] = cs * s[j + 1]!;
          if (vt) vRotations.push(j, cs, sn);
          t = hypot2(f, g);
          cs = f / t;
          sn = g / t;
          s[j] = t;
          f = cs * e[j]! + sn * s[j + 1]!;
          s[j + 1] = -sn * e[j]! + cs * s[j + 1]!;
          g = sn * e[j + 1]!;
          e[j + 1] = cs * e[j + 1]!;
          if (ut) uRotations.push(j, cs, sn);
        }
        if (vt) vRotations.applyTo(vt, vn);
        if (ut) uRotations.applyTo(ut, um);
        e[p - 2] = f;
        break;
      }
      default: {
        // Convergence of s[k]: make it non-negative, then move it into descending order.
        if (s[k]! <= 0) {
          s[k] = s[k] === 0 ? 0 : -s[k]!;
          if (vt) for (let i = 0, r = k * vn; i < vn; i++) vt[r + i] = -vt[r + i]!;
        }
        while (k < pp && s[k]! < s[k + 1]!) {
          const t = s[k]!;
          s[k] = s[k + 1]!;
          s[k + 1] = t;
          if (vt) swapRows(vt, vn, k, k + 1);
          if (ut) swapRows(ut, um, k, k + 1);
          k++;
        }
        iter = 0;
        p--;
      }
    }
  }
}
