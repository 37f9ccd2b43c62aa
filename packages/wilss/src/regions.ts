/**
 * Class-agnostic region proposals, the CPU stand-in for SAM in object-based TME: Felzenszwalb &
 * Huttenlocher's graph segmentation (IJCV 2004) on the RGB image, 8-connected, with edge weight
 * the Euclidean colour distance, merge threshold k/|C| and a minimum region size.
 *
 * @module
 */
import { DomainError } from '@numts/core';

/** Options of {@link felzenszwalb}. */
export interface RegionOptions {
  /** Scale k of the merge threshold k/|C| (colour units in [0, 1]; default 0.5). */
  k?: number;
  /** Regions smaller than this are merged into a neighbour (default 4 pixels). */
  minSize?: number;
}

/**
 * Segments a [3, h, w] image into regions. Returns region ids 0…R−1 per pixel (row-major) and R.
 * @throws DomainError when the image length is not 3·h·w or an option is out of range
 */
export function felzenszwalb(
  image: ArrayLike<number>,
  h: number,
  w: number,
  options: RegionOptions = {},
): { regions: Int32Array; count: number } {
  const k = options.k ?? 0.5;
  const minSize = options.minSize ?? 4;
  if (image.length !== 3 * h * w)
    throw new DomainError(`felzenszwalb: image must have 3·h·w = ${3 * h * w} values (got ${image.length})`);
  if (!(k > 0)) throw new DomainError(`felzenszwalb: k must be positive (got ${k})`);
  if (!Number.isInteger(minSize) || minSize < 1)
    throw new DomainError(`felzenszwalb: minSize must be a positive integer (got ${minSize})`);
  const n = h * w;
  const hw = h * w;
  const edges: [number, number, number][] = [];
  const dist = (a: number, b: number) => {
    let s = 0;
    for (let c = 0; c < 3; c++) s += (image[c * hw + a]! - image[c * hw + b]!) ** 2;
    return Math.sqrt(s);
  };
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (x + 1 < w) edges.push([dist(p, p + 1), p, p + 1]);
      if (y + 1 < h) edges.push([dist(p, p + w), p, p + w]);
      if (x + 1 < w && y + 1 < h) edges.push([dist(p, p + w + 1), p, p + w + 1]);
      if (x > 0 && y + 1 < h) edges.push([dist(p, p + w - 1), p, p + w - 1]);
    }
  // Stable order: by weight, then by endpoints (deterministic across engines).
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const size = new Int32Array(n).fill(1);
  const internal = new Float64Array(n);
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const union = (a: number, b: number, wgt: number) => {
    if (size[a]! < size[b]!) [a, b] = [b, a];
    parent[b] = a;
    size[a] = size[a]! + size[b]!;
    internal[a] = wgt;
  };
  for (const [wgt, p, q] of edges) {
    const a = find(p);
    const b = find(q);
    if (a === b) continue;
    if (wgt <= Math.min(internal[a]! + k / size[a]!, internal[b]! + k / size[b]!)) union(a, b, wgt);
  }
  for (const [wgt, p, q] of edges) {
    const a = find(p);
    const b = find(q);
    if (a !== b && (size[a]! < minSize || size[b]! < minSize))
      union(a, b, Math.max(wgt, internal[a]!, internal[b]!));
  }
  const ids = new Map<number, number>();
  const regions = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const r = find(p);
    let id = ids.get(r);
    if (id === undefined) {
      id = ids.size;
      ids.set(r, id);
    }
    regions[p] = id;
  }
  return { regions, count: ids.size };
}

/**
 * Boundary recall of regions against a ground-truth mask: the share of GT boundary pixels that
 * lie within `tolerance` pixels (Chebyshev) of a region boundary.
 */
export function boundaryRecall(
  regions: Int32Array,
  mask: ArrayLike<number>,
  h: number,
  w: number,
  tolerance = 1,
): number {
  const edge = (lab: ArrayLike<number>, p: number) => {
    const x = p % w;
    const y = (p - x) / w;
    return (x + 1 < w && lab[p + 1] !== lab[p]) || (y + 1 < h && lab[p + w] !== lab[p]);
  };
  let total = 0;
  let hit = 0;
  for (let p = 0; p < h * w; p++) {
    if (!edge(mask, p)) continue;
    total++;
    const x = p % w;
    const y = (p - x) / w;
    let found = false;
    for (let dy = -tolerance; dy <= tolerance && !found; dy++)
      for (let dx = -tolerance; dx <= tolerance && !found; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h && edge(regions, yy * w + xx)) found = true;
      }
    if (found) hit++;
  }
  return total ? hit / total : 1;
}
