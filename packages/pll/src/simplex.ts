/**
 * Euclidean projections onto the constraint sets of partial-label learning.
 *
 * @module
 */

/**
 * Projects v (length l, in place) onto {p : Σp = 1, 0 ≤ p ≤ mask} — the probability simplex over
 * the entries where mask is 1 (entries with mask 0 become 0). Exact (sort-based, O(l log l)).
 */
export function projectCandidateSimplex(
  v: Float64Array,
  off: number,
  l: number,
  mask: ArrayLike<number>,
  maskOff: number,
): void {
  // Sort the candidate entries in descending order (insertion sort: candidate sets are small).
  if (scratch.length < l) scratch = new Float64Array(2 * l);
  const vals = scratch;
  let m = 0;
  for (let c = 0; c < l; c++) {
    if (!mask[maskOff + c]) continue;
    const x = v[off + c]!;
    let i = m++;
    while (i > 0 && vals[i - 1]! < x) {
      vals[i] = vals[i - 1]!;
      i--;
    }
    vals[i] = x;
  }
  let cum = 0;
  let theta = 0;
  for (let i = 0; i < m; i++) {
    cum += vals[i]!;
    const t = (cum - 1) / (i + 1);
    if (i === m - 1 || vals[i + 1]! <= t) {
      theta = t;
      break;
    }
  }
  for (let c = 0; c < l; c++) v[off + c] = mask[maskOff + c] ? Math.max(0, v[off + c]! - theta) : 0;
}

let scratch = new Float64Array(64);

/**
 * Projects v (length l, in place) onto the partner's constraint set of PLCP,
 * {q : Σq = l − 1, 1 − mask ≤ q ≤ 1}: non-candidates are pinned to 1 and the candidate entries
 * must sum to |S| − 1 inside [0, 1]. With r = 1 − q this is the candidate simplex, so the
 * projection is exact: q = 1 − Π_simplex(1 − v) on the candidates.
 */
export function projectComplementSimplex(
  v: Float64Array,
  off: number,
  l: number,
  mask: ArrayLike<number>,
  maskOff: number,
): void {
  for (let c = 0; c < l; c++) v[off + c] = 1 - v[off + c]!;
  projectCandidateSimplex(v, off, l, mask, maskOff);
  for (let c = 0; c < l; c++) v[off + c] = 1 - v[off + c]!;
}
