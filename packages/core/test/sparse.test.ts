import { hostile, matrixArb } from '@numts/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsrMatrix, gemm, Matrix, NonFiniteError, ShapeError } from '../src/index.js';

/** A matrix with about `density` of its entries nonzero (whole rows and columns of zeros too). */
function sparseArb(entry = matrixArb(1, 1).map((m) => m.data[0]!)) {
  return fc
    .tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }))
    .chain(([m, n]) =>
      fc.tuple(
        fc.constant([m, n] as const),
        fc.array(fc.tuple(fc.boolean(), fc.boolean(), entry), { minLength: m * n, maxLength: m * n }),
      ),
    )
    .map(
      ([[m, n], cells]) =>
        new Matrix(
          m,
          n,
          Float64Array.from(cells, ([a, b, v]) => (a && b ? v : 0)),
        ),
    );
}

/** |x − y| ≤ tol·(|x| + |y|) elementwise, or both zero. */
function expectClose(x: ArrayLike<number>, y: ArrayLike<number>, tol: number): void {
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++)
    expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(tol * (Math.abs(x[i]!) + Math.abs(y[i]!)) + 0);
}

describe('CsrMatrix', () => {
  it('property: fromDense/toDense round trip, transpose and the products agree with dense arithmetic', () => {
    fc.assert(
      fc.property(sparseArb(), fc.integer({ min: 1, max: 5 }), (a, k) => {
        const s = CsrMatrix.fromDense(a);
        expect(Array.from(s.toDense().data)).toEqual(Array.from(a.data));
        expect(s.nnz).toBe(a.data.filter((v) => v !== 0).length);
        const t = s.transpose();
        expect([t.rows, t.cols]).toEqual([a.cols, a.rows]);
        expect(Array.from(t.toDense().data)).toEqual(Array.from(a.T.clone().data));
        const b = new Matrix(
          a.cols,
          k,
          Float64Array.from({ length: a.cols * k }, (_, i) => Math.sin(i + 1)),
        );
        // Same products in the same order per element when the dense path skips no term: compare to 1e-15.
        expectClose(s.matmul(b).data, gemm(a, b).data, 1e-14);
        const c = new Matrix(
          a.rows,
          k,
          Float64Array.from({ length: a.rows * k }, (_, i) => Math.cos(i)),
        );
        expectClose(s.transposeMatmul(c).data, gemm(a, c, { transA: true }).data, 1e-14);
        expectClose(s.gram().data, gemm(a, a, { transA: true }).data, 1e-14);
        const norms = s.rowNorms();
        for (let i = 0; i < a.rows; i++) {
          let sq = 0;
          for (let j = 0; j < a.cols; j++) sq += a.get(i, j) ** 2;
          expect(norms[i]!).toBeCloseTo(Math.sqrt(sq), 12);
        }
        const sums = s.columnSums();
        for (let j = 0; j < a.cols; j++) {
          let sum = 0;
          for (let i = 0; i < a.rows; i++) sum += a.get(i, j);
          expect(sums[j]!).toBeCloseTo(sum, 12);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('property: hostile values (subnormal to 1e±300, signed zeros) stay finite where the dense result is', () => {
    fc.assert(
      fc.property(sparseArb(hostile), (a) => {
        const s = CsrMatrix.fromDense(a);
        expect(Array.from(s.toDense().data, (v) => (Object.is(v, -0) ? 0 : v))).toEqual(
          Array.from(a.data, (v) => (Object.is(v, -0) ? 0 : v)),
        );
        // Norms are scaled: a row of 1e300 values has a finite norm, a row of 5e-324 a nonzero one.
        expect(s.rowNorms().every(Number.isFinite)).toBe(true);
        const t = s.transpose().transpose();
        expect(Array.from(t.values)).toEqual(Array.from(s.values));
      }),
      { numRuns: 200, seed: 8 },
    );
    const big = CsrMatrix.fromDense(new Matrix(1, 2, Float64Array.of(1e300, 1e300)));
    expect(big.rowNorms()[0]).toBeCloseTo(Math.SQRT2 * 1e300, -290);
    expect(CsrMatrix.fromDense(new Matrix(1, 1, Float64Array.of(5e-324))).rowNorms()[0]).toBe(5e-324);
  });

  it('fromTriplets sums repeated positions and sorts each row; takeRows selects and repeats rows', () => {
    const s = CsrMatrix.fromTriplets(3, 4, [2, 0, 2, 0, 2], [1, 3, 1, 0, 0], [1, 2, 3, 4, 5]);
    expect(s.toDense().toArray()).toEqual([
      [4, 0, 0, 2],
      [0, 0, 0, 0],
      [5, 4, 0, 0],
    ]);
    expect(Array.from(s.indptr)).toEqual([0, 2, 2, 4]);
    expect(s.takeRows([2, 2, 1]).toDense().toArray()).toEqual([
      [5, 4, 0, 0],
      [5, 4, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(
      new CsrMatrix(0, 3, new Int32Array(1), new Int32Array(0), new Float64Array(0)).toDense().rows,
    ).toBe(0);
  });

  it('rejects malformed arrays and bad arguments with the rule and the value', () => {
    const ok = {
      indptr: Int32Array.of(0, 1, 2),
      indices: Int32Array.of(0, 1),
      values: Float64Array.of(1, 2),
    };
    const make =
      (o: Partial<typeof ok>, rows = 2, cols = 2) =>
      () =>
        new CsrMatrix(rows, cols, o.indptr ?? ok.indptr, o.indices ?? ok.indices, o.values ?? ok.values);
    expect(make({ indptr: Int32Array.of(0, 2) })).toThrow(
      new ShapeError('CsrMatrix: indptr must have rows + 1 = 3 entries (got 2)'),
    );
    expect(make({ indptr: Int32Array.of(0, 2, 1) })).toThrow(
      'CsrMatrix: indptr must run from 0 to the number of values 2 (got 0 … 1)',
    );
    expect(make({ indptr: Int32Array.of(0, 2, 2), indices: Int32Array.of(1, 0) })).toThrow(
      'CsrMatrix: the columns of row 0 must be strictly ascending (1 then 0)',
    );
    expect(make({ indices: Int32Array.of(0, 2) })).toThrow('CsrMatrix: column 2 of row 1 is outside [0, 2)');
    expect(make({ values: Float64Array.of(1, Number.NaN) })).toThrow(
      new NonFiniteError('CsrMatrix: values must be finite (row 1, column 1 is NaN)', 1),
    );
    expect(make({ indices: Int32Array.of(0) })).toThrow(
      'CsrMatrix: indices and values must have the same length (got 1 and 2)',
    );
    expect(() => CsrMatrix.fromDense(new Matrix(1, 1, Float64Array.of(Number.POSITIVE_INFINITY)))).toThrow(
      'CsrMatrix.fromDense: a must be finite (row 0, column 0 is Infinity)',
    );
    expect(() => CsrMatrix.fromTriplets(2, 2, [0, 2], [0, 0], [1, 1])).toThrow(
      'CsrMatrix.fromTriplets: position (2, 0) of entry 1 is outside 2×2',
    );
    const s = CsrMatrix.fromDense(new Matrix(2, 3));
    expect(() => s.matmul(new Matrix(2, 1))).toThrow('CsrMatrix.matmul: b must have 3 rows (got 2×1)');
    expect(() => s.transposeMatmul(new Matrix(3, 1))).toThrow(
      'CsrMatrix.transposeMatmul: b must have 2 rows (got 3×1)',
    );
    expect(() => s.takeRows([0, 2])).toThrow(
      'CsrMatrix.takeRows: index 1 must be an integer in [0, 2) (got 2)',
    );
  });

  it('products read strided dense operands (a transposed view) correctly', () => {
    const s = CsrMatrix.fromTriplets(2, 3, [0, 1, 1], [2, 0, 1], [1, 2, 3]);
    const b = new Matrix(2, 3, Float64Array.of(1, 2, 3, 4, 5, 6)).T; // 3×2 view
    expect(s.matmul(b).toArray()).toEqual(gemm(s.toDense(), b).toArray());
  });
});
