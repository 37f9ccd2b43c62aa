/**
 * Shared pieces of the secular-equation solvers of divide and conquer: the deflation tolerance of
 * a merge and the root-finding step.
 *
 * The step is Li's "middle way" (as LAPACK's dlaed4 and dlasd4 take it): at the current point,
 * with Δ_L and Δ_R the distances to the poles left and right of the root and ψ′, φ′ the slopes of
 * the sums over the poles on each side, model
 * f by c + Δ_L²ψ′/(Δ_L − η) + Δ_R²φ′/(Δ_R − η) — each side one pole plus a constant, matching f
 * and f′ — and return the η that zeroes the model. For the last root there is no pole on the
 * right: the model is c + Δ_L²ψ′/(Δ_L − η). The caller keeps η inside its bracket.
 *
 * @module
 */
import { EPS } from './input.js';

/** LAPACK's deflation tolerance of a merge (dlaed2, dlasd2): 8ε·max(maxⱼ|dⱼ|, maxⱼ|zⱼ|). */
export function deflationTolerance(d: Float64Array, z: Float64Array): number {
  let dmax = 0;
  let zmax = 0;
  for (let j = 0; j < d.length; j++) {
    dmax = Math.max(dmax, Math.abs(d[j]!));
    zmax = Math.max(zmax, Math.abs(z[j]!));
  }
  return 8 * EPS * Math.max(dmax, zmax);
}

/** The step η (NaN when the model has no root; the caller then bisects). */
export function twoPoleStep(f: number, dl: number, dpsi: number, dr?: number, dphi = 0): number {
  if (dr === undefined) {
    const c = f - dl * dpsi;
    return c === 0 ? Number.NaN : dl + (dl * dl * dpsi) / c;
  }
  const s = dl * dl * dpsi;
  const S = dr * dr * dphi;
  const c = f - dl * dpsi - dr * dphi;
  const a = c * (dl + dr) + s + S;
  const b = c * dl * dr + s * dr + S * dl;
  if (c === 0) return b / a;
  const disc = Math.sqrt(Math.max(0, a * a - 4 * b * c));
  return a <= 0 ? (a - disc) / (2 * c) : (2 * b) / (a + disc);
}
