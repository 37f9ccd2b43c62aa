/**
 * Householder reflectors H = I − τ·v·vᵀ with v₀ = 1 (LAPACK's dlarfg convention), on strided
 * Float64 vectors.
 *
 * @module
 */
import { EPS, SAFE_MIN } from './input.js';

/** Overflow-free √(x² + y²). */
export function hypot2(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const w = Math.max(ax, ay);
  const z = Math.min(ax, ay);
  if (z === 0 || w === Number.POSITIVE_INFINITY) return w;
  const r = z / w;
  return w * Math.sqrt(1 + r * r);
}

/** Overflow-free ‖x‖₂ of n strided elements. */
export function norm2Strided(n: number, x: Float64Array, off: number, inc: number): number {
  let scale = 0;
  let ssq = 1;
  for (let i = 0, p = off; i < n; i++, p += inc) {
    const v = x[p]!;
    if (v !== 0) {
      const a = Math.abs(v);
      if (scale < a) {
        const r = scale / a;
        ssq = 1 + ssq * r * r;
        scale = a;
      } else {
        const r = a / scale;
        ssq += r * r;
      }
    }
  }
  return scale * Math.sqrt(ssq);
}

/**
 * Generates a reflector that maps (α, x) to (β, 0): overwrites x (n−1 strided elements) with v[1..]
 * and returns { beta, tau }. τ = 0 (H = I) when x is already zero.
 */
export function makeReflector(
  alpha: number,
  n: number,
  x: Float64Array,
  off: number,
  inc: number,
): { beta: number; tau: number } {
  if (n <= 1) return { beta: alpha, tau: 0 };
  let xnorm = norm2Strided(n - 1, x, off, inc);
  if (xnorm === 0) return { beta: alpha, tau: 0 };
  let beta = -Math.sign(alpha || 1) * hypot2(alpha, xnorm);
  // Rescale when β is tiny so that 1/(α − β) cannot overflow (as dlarfg does).
  const safmin = SAFE_MIN / EPS;
  let scaleCount = 0;
  if (Math.abs(beta) < safmin) {
    const rsafmn = 1 / safmin;
    do {
      scaleCount++;
      for (let i = 0, p = off; i < n - 1; i++, p += inc) x[p] = x[p]! * rsafmn;
      beta *= rsafmn;
      alpha *= rsafmn;
    } while (Math.abs(beta) < safmin && scaleCount < 20);
    xnorm = norm2Strided(n - 1, x, off, inc);
    beta = -Math.sign(alpha || 1) * hypot2(alpha, xnorm);
  }
  const tau = (beta - alpha) / beta;
  const s = 1 / (alpha - beta);
  for (let i = 0, p = off; i < n - 1; i++, p += inc) x[p] = x[p]! * s;
  for (let j = 0; j < scaleCount; j++) beta *= safmin;
  return { beta, tau };
}
