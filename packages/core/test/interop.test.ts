import fc from 'fast-check';
import { Matrix as MlMatrix } from 'ml-matrix';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { matrixArb, maxAbsDiff, stridedViewArb } from '../../testing/src/index.js';
import { from2D, gemm, Tensor } from '../src/index.js';
import { fromMlMatrix, fromNdarray, matrixFromNdarray, toMlMatrix, toNdarray } from '../src/interop/index.js';

describe('ml-matrix interop', () => {
  it('round-trips through ml-matrix, including strided views', () => {
    fc.assert(
      fc.property(stridedViewArb(3, 5), (a) => {
        const ml = toMlMatrix(a);
        expect(ml).toBeInstanceOf(MlMatrix);
        expect(ml.to2DArray()).toEqual(a.toArray());
        expect(fromMlMatrix(ml).toArray()).toEqual(a.toArray());
      }),
    );
  });
  it('products agree with ml-matrix mmul', () => {
    fc.assert(
      fc.property(matrixArb(4, 3), matrixArb(3, 2), (a, b) => {
        const ours = fromMlMatrix(toMlMatrix(a).mmul(toMlMatrix(b)));
        expect(maxAbsDiff(ours.toArray(), gemm(a, b).toArray())).toBeLessThanOrEqual(1e-12);
      }),
    );
  });
});

describe('ndarray interop', () => {
  it('shares data both ways', () => {
    const nd = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const t = fromNdarray(nd);
    expect(t).toBeInstanceOf(Tensor);
    t.set(0, 0, 10);
    expect(nd.get(0, 0)).toBe(10);
    const back = toNdarray(t.transpose(1, 0));
    expect(back.get(2, 1)).toBe(6);
    const m = from2D([
      [1, 2],
      [3, 4],
    ]);
    expect(toNdarray(m.T).get(0, 1)).toBe(3);
    expect(matrixFromNdarray(nd).get(1, 2)).toBe(6);
  });
});
