/**
 * PAMR (pixel-adaptive mask refinement, Araslanov & Roth 2020) as WILSON uses it for ℓ_SSS, and
 * WILSON's `pseudo_gtmask` cut-offs. No gradients flow through either.
 *
 * @module
 */
import { DomainError, ResidentNeighbourGraph } from '@numts/core';

/**
 * Refines class maps m [K, h, w] with the image [3, h, w]: `iterations` times
 * m_i ← Σ_n α_{i,n} m_n over the 8 neighbours at each dilation, where α_{i,n} =
 * softmax_n(−mean_RGB |x_i − x_n| / (1e-8 + 0.1·σ_i)) and σ_i is the per-channel standard
 * deviation over pixel i's neighbourhood (averaged over channels). Borders replicate.
 * @throws DomainError for mismatched sizes
 */
export function pamr(
  image: ArrayLike<number>,
  maps: ArrayLike<number>,
  k: number,
  h: number,
  w: number,
  options: { iterations?: number; dilations?: readonly number[] } = {},
): Float32Array {
  const iterations = options.iterations ?? 10;
  const dilations = options.dilations ?? [1, 2, 4];
  const hw = h * w;
  if (image.length !== 3 * hw)
    throw new DomainError(`pamr: image must have ${3 * hw} values (got ${image.length})`);
  if (maps.length !== k * hw)
    throw new DomainError(`pamr: maps must have ${k * hw} values (got ${maps.length})`);
  if (k === 0 || hw === 0) return new Float32Array(0);
  const offsets: [number, number][] = [];
  for (const d of dilations)
    for (const [dy, dx] of [
      [-1, -1],
      [-1, 0],
      [-1, 1],
      [0, -1],
      [0, 1],
      [1, -1],
      [1, 0],
      [1, 1],
    ] as const)
      offsets.push([dy * d, dx * d]);
  const nb = offsets.length;
  const idx = new Int32Array(hw * nb);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      offsets.forEach(([dy, dx], j) => {
        const yy = Math.min(h - 1, Math.max(0, y + dy));
        const xx = Math.min(w - 1, Math.max(0, x + dx));
        idx[(y * w + x) * nb + j] = yy * w + xx;
      });
  const aff = new Float32Array(hw * nb);
  for (let p = 0; p < hw; p++) {
    let sigma = 0;
    for (let c = 0; c < 3; c++) {
      let m1 = 0;
      let m2 = 0;
      for (let j = 0; j < nb; j++) {
        const v = image[c * hw + idx[p * nb + j]!]!;
        m1 += v;
        m2 += v * v;
      }
      m1 /= nb;
      sigma += Math.sqrt(Math.max(0, m2 / nb - m1 * m1));
    }
    sigma /= 3;
    let mx = -Infinity;
    for (let j = 0; j < nb; j++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d += Math.abs(image[c * hw + p]! - image[c * hw + idx[p * nb + j]!]!);
      const a = -(d / 3) / (1e-8 + 0.1 * sigma);
      aff[p * nb + j] = a;
      if (a > mx) mx = a;
    }
    let s = 0;
    for (let j = 0; j < nb; j++) {
      const e = Math.exp(aff[p * nb + j]! - mx);
      aff[p * nb + j] = e;
      s += e;
    }
    for (let j = 0; j < nb; j++) aff[p * nb + j] = aff[p * nb + j]! / s;
  }
  // The iterations are products with the sparse affinity matrix (row p: weights aff(p, ·) at the
  // neighbours idx(p, ·)) on pixel-major blocks [hw][k], a SIMD kernel on the wasm backend. Each
  // map's sum runs over the neighbours in order from 0 in double precision and is stored as float32,
  // as in the plain loop (zero affinities are skipped: adding 0·m changes no finite sum).
  const graph = new ResidentNeighbourGraph(idx, Float64Array.from(aff), nb, k);
  const cur = new Float64Array(k * hw);
  for (let c = 0; c < k; c++) for (let p = 0; p < hw; p++) cur[p * k + c] = Math.fround(maps[c * hw + p]!);
  const next = new Float64Array(k * hw);
  for (let it = 0; it < iterations; it++) {
    graph.product(cur, next);
    for (let i = 0; i < next.length; i++) cur[i] = Math.fround(next[i]!);
  }
  const out = new Float32Array(k * hw);
  for (let c = 0; c < k; c++) for (let p = 0; p < hw; p++) out[c * hw + p] = cur[p * k + c]!;
  return out;
}

/**
 * WILSON's `pseudo_gtmask` on refined maps [K, h, w] for the candidate classes `classes` (channel
 * 0 = background always a candidate): class c is on where m^c > max(0.6·max m^c, 0.2) (background
 * 0.7·max); pixels with several classes on, or none, get −1 (ignored). Returns the labels and the
 * number of classes that are on somewhere.
 */
export function pseudoGtMask(
  maps: ArrayLike<number>,
  k: number,
  hw: number,
  classes: readonly number[],
): { labels: Int32Array; classesOn: number } {
  if (maps.length !== k * hw)
    throw new DomainError(`pseudoGtMask: maps must have k·hw = ${k * hw} values (got ${maps.length})`);
  const labels = new Int32Array(hw).fill(-1);
  const onCount = new Int32Array(hw);
  const cands = [0, ...classes.filter((c) => c !== 0)];
  const seen = new Set<number>();
  for (const c of cands) {
    let mx = 0;
    for (let p = 0; p < hw; p++) mx = Math.max(mx, maps[c * hw + p]!);
    const cut = Math.max((c === 0 ? 0.7 : 0.6) * mx, 0.2);
    for (let p = 0; p < hw; p++)
      if (maps[c * hw + p]! > cut) {
        onCount[p]! += 1;
        labels[p] = c;
        seen.add(c);
      }
  }
  for (let p = 0; p < hw; p++) if (onCount[p]! !== 1) labels[p] = -1;
  return { labels, classesOn: seen.size };
}
