/**
 * Matrix norms: Frobenius, 1 (max column sum), ∞ (max row sum), max |aᵢⱼ|.
 *
 * Every norm returns NaN when the matrix holds a NaN and Infinity when it holds ±Infinity (and no
 * NaN); an empty matrix has norm 0.
 *
 * @module
 */
import { DomainError } from './errors.js';
import { maxAbsKernel, norm2Kernel } from './level1.js';
import { Matrix } from './matrix.js';

/** Which norm {@link norm} computes. */
export type NormKind = 'fro' | '1' | 'inf' | 'max';

function assertMatrix(fn: string, a: unknown): asserts a is Matrix {
  if (!(a instanceof Matrix)) throw new TypeError(`${fn}: a must be a Matrix`);
}

/** ‖A‖_F = √Σaᵢⱼ², computed without overflow or underflow. */
export function normFrobenius(a: Matrix): number {
  assertMatrix('normFrobenius', a);
  if (a.isContiguous) return norm2Kernel(a.size, a.data, a.offset, 1);
  // Strided: scale by the overall max so that per-row partial norms combine exactly like one pass.
  const m = normMax(a);
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < a.rows; i++) {
    const r = norm2Kernel(a.cols, a.data, a.offset + i * a.rowStride, a.colStride) / m;
    s += r * r;
  }
  return m * Math.sqrt(s);
}

/** max |aᵢⱼ|. */
export function normMax(a: Matrix): number {
  assertMatrix('normMax', a);
  let m = 0;
  for (let i = 0; i < a.rows; i++) {
    const r = maxAbsKernel(a.cols, a.data, a.offset + i * a.rowStride, a.colStride);
    if (Number.isNaN(r)) return Number.NaN;
    if (r > m) m = r;
  }
  return m;
}

/** Largest of the absolute line sums along rows (`byRow`) or columns. */
function maxAbsLineSum(a: Matrix, byRow: boolean): number {
  const lines = byRow ? a.rows : a.cols;
  const len = byRow ? a.cols : a.rows;
  const lineStride = byRow ? a.rowStride : a.colStride;
  const step = byRow ? a.colStride : a.rowStride;
  let best = 0;
  for (let l = 0; l < lines; l++) {
    let s = 0;
    for (let t = 0, p = a.offset + l * lineStride; t < len; t++, p += step) s += Math.abs(a.data[p]!);
    if (Number.isNaN(s)) return Number.NaN;
    if (s > best) best = s;
  }
  return best;
}

/** ‖A‖₁ = maxⱼ Σᵢ |aᵢⱼ| (largest column sum). */
export function norm1(a: Matrix): number {
  assertMatrix('norm1', a);
  return maxAbsLineSum(a, false);
}

/** ‖A‖∞ = maxᵢ Σⱼ |aᵢⱼ| (largest row sum). */
export function normInf(a: Matrix): number {
  assertMatrix('normInf', a);
  return maxAbsLineSum(a, true);
}

/**
 * A matrix norm by name.
 * @throws DomainError for an unknown kind
 */
export function norm(a: Matrix, kind: NormKind = 'fro'): number {
  switch (kind) {
    case 'fro':
      return normFrobenius(a);
    case '1':
      return norm1(a);
    case 'inf':
      return normInf(a);
    case 'max':
      return normMax(a);
    default:
      throw new DomainError(
        `norm: kind must be one of "fro", "1", "inf", "max" (got ${JSON.stringify(kind)})`,
      );
  }
}
