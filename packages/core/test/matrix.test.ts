import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { matrixArb, stridedViewArb } from '../../testing/src/index.js';
import {
  concat,
  diag,
  diagonal,
  eye,
  from2D,
  fromFlat,
  full,
  Matrix,
  Matrix32,
  ones,
  ShapeError,
  Tensor,
  takeRows,
  to2D,
  transpose,
  zeros,
} from '../src/index.js';

describe('Matrix', () => {
  it('stores row-major and exposes ndarray-style shape and stride', () => {
    const a = new Matrix(2, 3, Float64Array.of(1, 2, 3, 4, 5, 6));
    expect(a.get(1, 0)).toBe(4);
    expect(a.shape).toEqual([2, 3]);
    expect(a.stride).toEqual([3, 1]);
    expect(a.isContiguous).toBe(true);
    expect(a.T.get(2, 1)).toBe(6);
    expect(a.T.isContiguous).toBe(false);
  });

  it('slices are views that share data', () => {
    const a = from2D([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    const s = a.slice(1, 3, 1, 3);
    expect(s.toArray()).toEqual([
      [5, 6],
      [8, 9],
    ]);
    s.set(0, 0, 50);
    expect(a.get(1, 1)).toBe(50);
    expect(a.slice(0, 0).size).toBe(0);
  });

  it('transpose (copy) is an involution and equals the transposed view', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), (m, n) => {
        const a = new Matrix(
          m,
          n,
          Float64Array.from({ length: m * n }, (_, i) => i * 0.5 - 3),
        );
        expect(transpose(transpose(a)).toArray()).toEqual(a.toArray());
        expect(transpose(a).toArray()).toEqual(a.T.toArray());
        expect(a.T.T.toArray()).toEqual(a.toArray());
      }),
    );
  });

  it('transpose handles strided views', () => {
    fc.assert(
      fc.property(stridedViewArb(7, 5), (v) => {
        expect(transpose(v).toArray()).toEqual(v.T.toArray());
        expect(v.clone().toArray()).toEqual(v.toArray());
      }),
    );
  });

  it('converts between Float64 and Float32', () => {
    const a = from2D([
      [1.1, 2],
      [3, 4],
    ]);
    const f = a.toFloat32();
    expect(f).toBeInstanceOf(Matrix32);
    expect(f.get(0, 0)).toBe(Math.fround(1.1));
    expect(f.toFloat64().get(0, 0)).toBe(Math.fround(1.1));
  });

  it('rejects bad sizes, strides, short data and bad indices', () => {
    expect(() => new Matrix(-1, 2)).toThrow(ShapeError);
    expect(() => new Matrix(-1, 2)).toThrow('Matrix: rows must be a non-negative integer (got -1)');
    expect(() => new Matrix(2, 1.5)).toThrow('Matrix: cols must be a non-negative integer (got 1.5)');
    expect(() => new Matrix(2, 3, new Float64Array(5))).toThrow(
      'Matrix: data length must equal rows·cols = 6 (got 5)',
    );
    expect(() => new Matrix(2, 3, new Float64Array(6), { offset: 1 })).toThrow(
      'Matrix: matrix addresses flat indices 1..6 but its data has length 6 (shape [2, 3], stride [3, 1], offset 1)',
    );
    expect(() => new Matrix(2, 2, new Float64Array(4), { rowStride: 0.5 })).toThrow(
      'Matrix: matrix.stride[0] must be an integer (got 0.5)',
    );
    expect(() => new Matrix(2, 2, new Float32Array(4) as unknown as Float64Array)).toThrow(TypeError);
    expect(() => new Matrix(2, 2).get(2, 0)).toThrow('get: index (2, 0) is outside a 2x2 matrix');
    expect(() => new Matrix(2, 2).slice(0, 3)).toThrow('slice: rowEnd must be at most 2 (got 3)');
    expect(() => new Matrix(2, 2).slice(2, 1)).toThrow('slice: rowEnd must be ≥ rowStart (got 2..1)');
  });

  it('accepts negative strides that stay in bounds', () => {
    const data = Float64Array.of(1, 2, 3, 4);
    const flipped = new Matrix(2, 2, data, { offset: 3, rowStride: -2, colStride: -1 });
    expect(flipped.toArray()).toEqual([
      [4, 3],
      [2, 1],
    ]);
    expect(() => new Matrix(2, 2, data, { offset: 2, rowStride: -2, colStride: -1 })).toThrow(
      /addresses flat indices -1\.\.2/,
    );
  });
});

describe('constructors', () => {
  it('build the expected matrices', () => {
    expect(zeros(2, 1).toArray()).toEqual([[0], [0]]);
    expect(ones(1, 2).toArray()).toEqual([[1, 1]]);
    expect(full(1, 1, 7).get(0, 0)).toBe(7);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(diag([1, 2]).toArray()).toEqual([
      [1, 0],
      [0, 2],
    ]);
    expect(
      Array.from(
        diagonal(
          from2D([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
      ),
    ).toEqual([1, 5]);
    expect(fromFlat(2, 2, [1, 2, 3, 4]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(to2D(from2D([]))).toEqual([]);
  });

  it('from2D/to2D round trip', () => {
    fc.assert(
      fc.property(matrixArb(3, 4), (a) => {
        expect(from2D(to2D(a)).toArray()).toEqual(a.toArray());
      }),
    );
  });

  it('reject ragged and non-numeric input', () => {
    expect(() => from2D([[1, 2], [3]])).toThrow(
      'from2D: every row must have 2 entries like row 0 (row 1 has 1)',
    );
    expect(() => from2D([[1, 'x' as unknown as number]])).toThrow(
      'from2D: element (0, 1) must be a number (got "x")',
    );
    expect(() => fromFlat(2, 2, [1])).toThrow('fromFlat: values must have rows·cols = 4 entries (got 1)');
    expect(() => eye(-2)).toThrow(ShapeError);
  });

  it('concat stacks along either axis', () => {
    expect(concat([eye(2), from2D([[5, 6]])], 0).toArray()).toEqual([
      [1, 0],
      [0, 1],
      [5, 6],
    ]);
    expect(concat([eye(2), from2D([[5], [6]])], 1).toArray()).toEqual([
      [1, 0, 5],
      [0, 1, 6],
    ]);
    expect(() => concat([eye(2), eye(3)], 0)).toThrow(
      'concat: every matrix must have 2 columns like mats[0] (mats[1] is 3x3)',
    );
    expect(() => concat([], 0)).toThrow('concat: mats must be a non-empty array of matrices');
  });
});

describe('Tensor', () => {
  it('indexes row-major and permutes dimensions as views', () => {
    const t = new Tensor(
      Float64Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    expect(t.get(1, 2, 3)).toBe(23);
    expect(t.stride).toEqual([12, 4, 1]);
    const p = t.transpose(2, 0, 1);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.get(3, 1, 2)).toBe(23);
    expect(p.isContiguous).toBe(false);
    expect(p.clone().isContiguous).toBe(true);
    expect(p.clone().get(3, 1, 2)).toBe(23);
    expect(t.reshape(6, 4).get(5, 3)).toBe(23);
    expect(p.reshape(24).get(1)).toBe(4);
  });

  it('accepts ndarray objects as they are and validates them', () => {
    const nd = ndarray(
      new Float64Array(12).map((_, i) => i),
      [3, 4],
    );
    const t = Tensor.from(nd.transpose(1, 0));
    expect(t.shape).toEqual([4, 3]);
    expect(t.get(3, 2)).toBe(11);
    expect(t.toMatrix().get(3, 2)).toBe(11);
    const lying = ndarray(new Float64Array(3), [2, 2]);
    expect(() => Tensor.from(lying)).toThrow(
      'Tensor: tensor addresses flat indices 0..3 but its data has length 3 (shape [2, 2], stride [2, 1], offset 0)',
    );
  });

  it('rejects bad shapes, indices and permutations', () => {
    expect(() => new Tensor(new Float64Array(5), [2, 3])).toThrow(
      'Tensor: data length must equal the product of shape [2, 3] = 6 (got 5)',
    );
    expect(() => new Tensor(new Float64Array(6), [2, -3])).toThrow(
      'Tensor: tensor.shape[1] must be a non-negative integer (got -3)',
    );
    expect(() => new Tensor(new Float64Array(6), [2, 3], [3])).toThrow(
      /stride must have one entry per dimension/,
    );
    const t = new Tensor(new Float64Array(6), [2, 3]);
    expect(() => t.get(0, 3)).toThrow('Tensor.index: index 1 must lie in [0, 3) (got 3)');
    expect(() => t.get(0)).toThrow('Tensor.index: expected 2 indices (got 1)');
    expect(() => t.transpose(0, 0)).toThrow(
      'Tensor.transpose: perm must be a permutation of 0..1 (got [0, 0])',
    );
    expect(() => t.reshape(4, 2)).toThrow(
      'Tensor.reshape: new shape [4, 2] must have 6 elements like [2, 3]',
    );
  });
});

describe('takeRows', () => {
  it('selects rows in the given order, repeats allowed, from strided views', () => {
    const m = from2D([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(takeRows(m, [2, 0, 2]).toArray()).toEqual([
      [7, 8, 9],
      [1, 2, 3],
      [7, 8, 9],
    ]);
    expect(takeRows(m.T, Int32Array.of(1)).toArray()).toEqual([[2, 5, 8]]);
    expect(takeRows(m, []).rows).toBe(0);
  });

  it('rejects indices out of range', () => {
    const m = from2D([[1], [2]]);
    expect(() => takeRows(m, [0, 2])).toThrow('takeRows: rows[1] must be an integer in [0, 2), got 2');
    expect(() => takeRows(m, [0.5])).toThrow('takeRows: rows[0] must be an integer in [0, 2), got 0.5');
  });
});
