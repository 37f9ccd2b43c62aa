import { describe, expect, it } from 'vitest';
import { DomainError, guardAllocation, isAllocationFailure } from '../src/index.js';

describe('guardAllocation', () => {
  it("turns the runtime's refusal to allocate into a DomainError naming what and how much", () => {
    const huge = () => new Float64Array(2 ** 40); // more than any typed array may hold
    expect(huge).toThrow(RangeError);
    expect(() =>
      guardAllocation('fitX', 'the n×n kernel of 1048576 rows', 2 ** 43, 'use fewer rows', huge),
    ).toThrow(
      new DomainError(
        'fitX: not enough memory for the n×n kernel of 1048576 rows (about 8388608 MB in all); use fewer rows',
      ),
    );
    expect(isAllocationFailure(new RangeError('Array buffer allocation failed'))).toBe(true);
  });

  it('passes results and other errors through unchanged', () => {
    expect(guardAllocation('f', 'x', 8, 'a', () => 42)).toBe(42);
    const other = new RangeError('index out of range');
    expect(() =>
      guardAllocation('f', 'x', 8, 'a', () => {
        throw other;
      }),
    ).toThrow(other);
  });
});
