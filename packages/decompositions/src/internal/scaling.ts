/**
 * Exact power-of-two scaling of a matrix so that its largest magnitude is near 1, which keeps the
 * iterations of eigh and svd clear of overflow and underflow for entries between 1e−300 and 1e300.
 *
 * @module
 */

/**
 * The power of two s with s·max|aᵢⱼ| in [0.5, 1), clamped to [2⁻¹⁰⁰⁰, 2¹⁰⁰⁰] so that s itself and
 * 1/s stay finite (a matrix of subnormals is brought up to about 2⁻⁷⁴, far from underflow); 1 for a
 * zero matrix.
 */
export function powerOfTwoScale(data: Float64Array): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i]!);
    if (v > m) m = v;
  }
  if (m === 0) return 1;
  let s = 1;
  // Bring m into [0.5, 1) with exact power-of-two steps.
  while (m * s >= 1 && s > 2 ** -1000) s *= 0.5;
  while (m * s < 0.5 && s < 2 ** 1000) s *= 2;
  return s;
}

/**
 * Like {@link powerOfTwoScale}, but s = 2^(k·e) for an integer e, so that s^(1/k) = 2^e is exact:
 * the inverse scaling can be spread evenly over k factors (CP).
 */
export function powerOfTwoScaleSplit(data: Float64Array, k: number): number {
  const e = Math.round(Math.log2(powerOfTwoScale(data)) / k);
  return 2 ** (k * Math.max(-Math.floor(1000 / k), Math.min(Math.floor(1000 / k), e)));
}

/** Multiplies every element by s in place. */
export function scaleInPlace(data: Float64Array, s: number): void {
  if (s === 1) return;
  for (let i = 0; i < data.length; i++) data[i] = data[i]! * s;
}
