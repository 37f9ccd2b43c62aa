/** Row selection of image sets stored as flat Float32Arrays, `width` features per image. */

/** Images with their labels. */
export interface ImageRows {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** The given rows of a set, as a new set. */
export function takeRows(
  src: { x: Float32Array; y: Int32Array },
  idx: ArrayLike<number>,
  width: number,
): ImageRows {
  const n = idx.length;
  const x = new Float32Array(n * width);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(src.x.subarray(idx[i]! * width, idx[i]! * width + width), i * width);
    y[i] = src.y[idx[i]!]!;
  }
  return { x, y, n };
}
