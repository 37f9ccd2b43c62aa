/**
 * Dropout and embedding lookup.
 *
 * @module
 */
import { DomainError, type Rng, ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';

/**
 * Inverted dropout: in training mode each element is zeroed with probability p (drawn from the
 * seeded `rng`) and the others are scaled by 1/(1 − p); otherwise x is returned unchanged.
 * @throws DomainError when p is not in [0, 1)
 */
export function dropout(x: Variable, p: number, rng: Rng, training: boolean): Variable {
  assertVariable('dropout', 'x', x);
  if (!(p >= 0 && p < 1)) throw new DomainError(`dropout: p must lie in [0, 1) (got ${p})`);
  if (!training || p === 0) return x;
  const scale = 1 / (1 - p);
  const mask = alloc(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < p ? 0 : scale;
  const out = alloc(x.size);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i]! * mask[i]!;
  return record(out, x.shape, [x], (g) => {
    const gx = gradOf(x);
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]! * mask[i]!;
  });
}

/**
 * Rows of `weight` [V, D] at integer `indices` (any shape): the result has shape [...shape, D].
 * @throws ShapeError when an index is outside [0, V)
 */
export function embedding(indices: ArrayLike<number>, shape: readonly number[], weight: Variable): Variable {
  assertVariable('embedding', 'weight', weight);
  if (weight.shape.length !== 2)
    throw new ShapeError(`embedding: weight must be [V, D] (got [${weight.shape.join(', ')}])`);
  const [v, dim] = weight.shape as [number, number];
  const n = shape.reduce((a, b) => a * b, 1);
  if (indices.length !== n)
    throw new ShapeError(`embedding: ${indices.length} indices for shape [${shape.join(', ')}]`);
  const out = alloc(n * dim);
  for (let i = 0; i < n; i++) {
    const k = indices[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= v)
      throw new ShapeError(`embedding: index ${i} is ${k}, outside [0, ${v})`);
    out.set(weight.data.subarray(k * dim, (k + 1) * dim), i * dim);
  }
  return record(out, [...shape, dim], [weight], (g) => {
    const gw = gradOf(weight);
    for (let i = 0; i < n; i++) {
      const k = indices[i]!;
      for (let t = 0; t < dim; t++) gw[k * dim + t] = gw[k * dim + t]! + g[i * dim + t]!;
    }
  });
}
