/**
 * The seeded synthetic sparse multi-label problem of the multilabel benchmark: 7400 rows × 1836
 * binary features at 1.5 % density and 159 labels (the shape of a 7395-row text set), each label
 * present when one of two fixed features is, or with probability 0.05 (smoke: a tenth of each size).
 */
import { Matrix, Rng } from '@numts/core';

/** The problem's sizes: full or smoke. */
export function sparseShape(smoke: boolean): { n: number; d: number; q: number; density: number } {
  const [n, d, q] = smoke ? [740, 184, 16] : [7400, 1836, 159];
  return { n, d, q, density: 0.015 };
}

/** Features x (n×d, 0/1) and labels y (n×q, 0/1), from a fixed seed. */
export function sparseMultiLabel(smoke: boolean): { x: Matrix; y: Matrix } {
  const { n, d, q, density } = sparseShape(smoke);
  const rng = new Rng(20261202);
  const x = new Matrix(n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform() < density ? 1 : 0;
  const y = new Matrix(n, q);
  for (let i = 0; i < n; i++)
    for (let l = 0; l < q; l++)
      y.data[i * q + l] =
        x.get(i, l % d) + x.get(i, (3 * l + 1) % d) + (rng.uniform() < 0.05 ? 1 : 0) > 0 ? 1 : 0;
  return { x, y };
}
