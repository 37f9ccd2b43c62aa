/**
 * Matrix products: matmul and the affine map of a linear layer.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, gradOf, record, type Variable } from '../variable.js';
import { gemmBuf } from './blas.js';

/**
 * The product of two 2-d Variables, op(a)·op(b).
 * @throws ShapeError unless both are 2-d with matching inner dimensions
 */
export function matmul(
  a: Variable,
  b: Variable,
  options: { transA?: boolean; transB?: boolean } = {},
): Variable {
  assertVariable('matmul', 'a', a);
  assertVariable('matmul', 'b', b);
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new ShapeError(
      `matmul: a and b must be 2-d (got [${a.shape.join(', ')}] and [${b.shape.join(', ')}])`,
    );
  }
  const ta = options.transA ?? false;
  const tb = options.transB ?? false;
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const kb = tb ? bc : br;
  const n = tb ? br : bc;
  if (k !== kb)
    throw new ShapeError(`matmul: inner dimensions differ (op(a) is ${m}x${k}, op(b) is ${kb}x${n})`);
  const out = alloc(m * n);
  gemmBuf(m, n, k, a.data, 0, ac, ta, b.data, 0, bc, tb, out, 0, n, 0);
  return record(out, [m, n], [a, b], (g) => {
    // dA = g·op(B)ᵀ (then transposed back if transA); dB likewise.
    if (a.requiresGrad) {
      const ga = gradOf(a);
      if (!ta) gemmBuf(m, k, n, g, 0, n, false, b.data, 0, bc, !tb, ga, 0, ac, 1);
      else gemmBuf(k, m, n, b.data, 0, bc, tb, g, 0, n, true, ga, 0, ac, 1);
    }
    if (b.requiresGrad) {
      const gb = gradOf(b);
      if (!tb) gemmBuf(k, n, m, a.data, 0, ac, !ta, g, 0, n, false, gb, 0, bc, 1);
      else gemmBuf(n, k, m, g, 0, n, true, a.data, 0, ac, ta, gb, 0, bc, 1);
    }
  });
}

/**
 * y = x·Wᵀ + b for x of shape [N, in], W [out, in] and b [out] (PyTorch's layout).
 * @throws ShapeError when the shapes do not fit
 */
export function linear(x: Variable, w: Variable, b?: Variable): Variable {
  assertVariable('linear', 'x', x);
  assertVariable('linear', 'w', w);
  if (x.shape.length !== 2 || w.shape.length !== 2 || x.shape[1] !== w.shape[1]) {
    throw new ShapeError(
      `linear: x must be [N, in] and w [out, in] with the same in (got [${x.shape.join(', ')}] and [${w.shape.join(', ')}])`,
    );
  }
  const [nb, din] = x.shape as [number, number];
  const dout = w.shape[0]!;
  if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== dout)) {
    throw new ShapeError(`linear: b must be [${dout}] (got [${b.shape.join(', ')}])`);
  }
  const out = alloc(nb * dout);
  if (b) for (let i = 0; i < nb; i++) out.set(b.data, i * dout);
  gemmBuf(nb, dout, din, x.data, 0, din, false, w.data, 0, din, true, out, 0, dout, b ? 1 : 0);
  const parents = b ? [x, w, b] : [x, w];
  return record(out, [nb, dout], parents, (g) => {
    if (x.requiresGrad)
      gemmBuf(nb, din, dout, g, 0, dout, false, w.data, 0, din, false, gradOf(x), 0, din, 1);
    if (w.requiresGrad) gemmBuf(dout, din, nb, g, 0, dout, true, x.data, 0, din, false, gradOf(w), 0, din, 1);
    if (b?.requiresGrad) {
      const gbias = gradOf(b);
      for (let i = 0; i < nb; i++) for (let j = 0; j < dout; j++) gbias[j] = gbias[j]! + g[i * dout + j]!;
    }
  });
}
