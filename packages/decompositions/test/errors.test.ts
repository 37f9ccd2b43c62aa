import { DomainError, from2D, Matrix, Rng, ShapeError } from '@numts/core';
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskySemidefinite,
  cond,
  det,
  eigh,
  inv,
  logdet,
  lstsq,
  nullspace,
  orth,
  pinv,
  qr,
  solve,
  svd,
  svdRandomized,
  svdTruncated,
} from '../src/index.js';

describe('bad input gets a clear error', () => {
  it('non-square where square is required', () => {
    expect(() => eigh(new Matrix(2, 3))).toThrow(ShapeError);
    expect(() => eigh(new Matrix(2, 3))).toThrow('eigh: a must be square (got 2x3)');
    expect(() => cholesky(new Matrix(3, 2))).toThrow('cholesky: a must be square (got 3x2)');
    expect(() => solve(new Matrix(3, 2), new Float64Array(3))).toThrow('solve: a must be square (got 3x2)');
    expect(() => det(new Matrix(1, 2))).toThrow('det: a must be square (got 1x2)');
  });
  it('right-hand sides of the wrong length', () => {
    expect(() =>
      solve(
        from2D([
          [1, 0],
          [0, 1],
        ]),
        new Float64Array(3),
      ),
    ).toThrow('solve: b must have length 2 to match a (got 3)');
    expect(() => lstsq(new Matrix(4, 2), new Matrix(3, 1))).toThrow(
      'lstsq: b must have 4 rows to match a (got 3x1)',
    );
  });
  it('singular and indefinite matrices', () => {
    expect(() =>
      solve(
        from2D([
          [1, 2],
          [2, 4],
        ]),
        Float64Array.of(1, 1),
      ),
    ).toThrow(DomainError);
    expect(() =>
      solve(
        from2D([
          [1, 2],
          [2, 4],
        ]),
        Float64Array.of(1, 1),
      ),
    ).toThrow('solve: a is singular (U(1, 1) = 0 after partial pivoting)');
    expect(() =>
      inv(
        from2D([
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toThrow('inv: a is singular (U(0, 0) = 0 after partial pivoting)');
    expect(() =>
      cholesky(
        from2D([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toThrow(
      'cholesky: a must be symmetric positive definite (pivot 1 is not positive; use choleskySemidefinite for semidefinite matrices)',
    );
    expect(() =>
      solve(
        from2D([
          [1, 2],
          [2, 1],
        ]),
        Float64Array.of(1, 1),
        { assume: 'spd' },
      ),
    ).toThrow(/solve: a must be positive definite/);
    expect(() =>
      choleskySemidefinite(
        from2D([
          [1, 0],
          [0, -1],
        ]),
      ),
    ).toThrow(/choleskySemidefinite: a must be positive semidefinite/);
    expect(
      logdet(
        from2D([
          [1, 2],
          [2, 4],
        ]),
      ),
    ).toEqual({ sign: 0, logAbsDet: Number.NEGATIVE_INFINITY });
    expect(
      cond(
        from2D([
          [1, 2],
          [2, 4],
        ]),
      ),
    ).toBe(Number.POSITIVE_INFINITY);
  });
  it('ranks out of range', () => {
    const a = new Rng(1).normalMatrix(5, 4);
    expect(() => svdTruncated(a, 5)).toThrow(ShapeError);
    expect(() => svdTruncated(a, 5)).toThrow('svdTruncated: k must be an integer in [0, 4] (got 5)');
    expect(() => svdRandomized(a, 0)).toThrow('svdRandomized: k must be an integer in [1, 4] (got 0)');
    expect(() => svdRandomized(a, 2.5)).toThrow('svdRandomized: k must be an integer in [1, 4] (got 2.5)');
    expect(() => svdRandomized(a, 2, { powerIters: -1 })).toThrow(
      'svdRandomized: powerIters must be an integer in [0, 100] (got -1)',
    );
  });
  it('unknown options', () => {
    const a = new Matrix(2, 2);
    expect(() => svd(a, { mode: 'econ' as 'thin' })).toThrow(
      'svd: mode must be one of "thin", "full", "values" (got "econ")',
    );
    expect(() => qr(a, { mode: 'economic' as 'r' })).toThrow(DomainError);
    expect(() => pinv(a, { rcond: -1 })).toThrow('pinv: rcond must be a finite number ≥ 0 (got -1)');
    expect(() => eigh(a, { uplo: 'U' as 'upper' })).toThrow(
      'eigh: uplo must be "lower" or "upper" (got "U")',
    );
    expect(() => svd([[1]] as unknown as Matrix)).toThrow('svd: a must be a Matrix (got object)');
  });
  it('null space and range bases have the right sizes', () => {
    const a = from2D([
      [1, 2, 3],
      [2, 4, 6],
    ]);
    expect(nullspace(a).cols).toBe(2);
    expect(orth(a).cols).toBe(1);
  });
});
