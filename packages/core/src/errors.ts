/**
 * Error classes shared by every numts package.
 *
 * Every message has the form `function: argument rule (actual value)`, for example
 * `gemm: inner dimensions differ (a is 3x4, b is 5x2)`, so that a user can see what was
 * passed and what was expected without a debugger.
 *
 * @module
 */

/** A shape, size, index or stride that does not fit the rule of the function. */
export class ShapeError extends RangeError {
  override name = 'ShapeError';
}

/** A NaN or ±Infinity where the function documents that it rejects them. */
export class NonFiniteError extends RangeError {
  override name = 'NonFiniteError';
  /** Flat position (in logical row-major order) of the first offending element, when known. */
  readonly index: number | undefined;
  constructor(message: string, index?: number) {
    super(message);
    this.index = index;
  }
}

/** An iterative method did not reach its tolerance within its iteration budget. */
export class ConvergenceError extends Error {
  override name = 'ConvergenceError';
  /** Number of iterations performed before giving up. */
  readonly iterations: number;
  constructor(message: string, iterations: number) {
    super(message);
    this.iterations = iterations;
  }
}

/**
 * An argument outside the mathematical domain of the function: a matrix that is not positive
 * definite for Cholesky, a negative standard deviation, an unknown option value.
 */
export class DomainError extends RangeError {
  override name = 'DomainError';
}

/** A learner or model used before `fit` (or before a model was loaded into it). */
export class NotFittedError extends Error {
  override name = 'NotFittedError';
}

/**
 * A malformed file or byte stream: a truncated file, a lying length or offset, an unknown type
 * code, a bad row. Carries the byte offset or the line number where the problem was found.
 */
export class FormatError extends Error {
  override name = 'FormatError';
  /** Byte offset of the problem, when the input is binary. */
  readonly offset: number | undefined;
  /** 1-based line number of the problem, when the input is text. */
  readonly line: number | undefined;
  constructor(message: string, where: { offset?: number; line?: number } = {}) {
    super(message);
    this.offset = where.offset;
    this.line = where.line;
  }
}
