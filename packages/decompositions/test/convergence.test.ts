import { ConvergenceError } from '@numts/core';
import { describe, expect, it } from 'vitest';
import { bidiagonalQr } from '../src/internal/bidiagonal.js';
import { tridiagonalQl } from '../src/internal/tridiagonal.js';

// The public functions use budgets (30 QL sweeps per eigenvalue, 75 QR sweeps per singular value)
// that are never reached in practice; with a budget of zero (QL) or one (QR) sweep the kernels stop with a
// ConvergenceError that carries the iteration count instead of looping or returning garbage.
describe('non-convergence is reported, not hidden', () => {
  it('tridiagonal QL', () => {
    // The shifted QL converges so fast that one sweep per eigenvalue often suffices: budget zero.
    const d = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7));
    const e = Float64Array.from({ length: 40 }, (_, i) => (i < 39 ? 1 + Math.cos(i * 0.9) : 0));
    let error: unknown;
    try {
      tridiagonalQl(d, e, null, 0, 0);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConvergenceError);
    expect((error as ConvergenceError).message).toMatch(
      /eigh: the tridiagonal QL iteration did not converge for eigenvalue \d+ after 0 sweeps/,
    );
    expect((error as ConvergenceError).iterations).toBe(0);
  });

  it('bidiagonal QR', () => {
    const d = Float64Array.of(1, 2, 3, 4, 5);
    const e = Float64Array.of(1, 1, 1, 1, 0);
    expect(() => bidiagonalQr(d, e, null, 0, null, 0, 1)).toThrow(ConvergenceError);
    expect(() =>
      bidiagonalQr(Float64Array.of(1, 2, 3), Float64Array.of(1, 1, 0), null, 0, null, 0, 1),
    ).toThrow(/svd: the bidiagonal QR iteration did not converge for singular value \d+ after 1 sweeps/);
  });
});
