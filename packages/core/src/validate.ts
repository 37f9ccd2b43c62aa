/**
 * Argument checks used by the validating public functions. Each throws one of the numts error
 * classes with a message naming the function, the argument, the rule and the actual value.
 *
 * @module
 */
import { DomainError, NonFiniteError, ShapeError } from './errors.js';

/** Renders a value for an error message without flooding it. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.slice(0, 8).map(describeValue).join(', ')}${value.length > 8 ? ', …' : ''}]`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  return typeof value;
}

/** Requires a non-negative safe integer (a size or a count). */
export function assertSize(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(`${fn}: ${name} must be a non-negative integer (got ${describeValue(value)})`);
  }
}

/** Requires a safe integer (a stride or an offset may be negative). */
export function assertInteger(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ShapeError(`${fn}: ${name} must be an integer (got ${describeValue(value)})`);
  }
}

/** Requires a finite number (a scalar coefficient such as alpha). */
export function assertFiniteScalar(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NonFiniteError(`${fn}: ${name} must be a finite number (got ${describeValue(value)})`);
  }
}

/** Requires a number in a closed or open range; `DomainError` otherwise. */
export function assertInRange(
  fn: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  { minOpen = false, maxOpen = false }: { minOpen?: boolean; maxOpen?: boolean } = {},
): asserts value is number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (minOpen ? value > min : value >= min) &&
    (maxOpen ? value < max : value <= max);
  if (!ok) {
    const lo = minOpen ? '(' : '[';
    const hi = maxOpen ? ')' : ']';
    throw new DomainError(
      `${fn}: ${name} must lie in ${lo}${min}, ${max}${hi} (got ${describeValue(value)})`,
    );
  }
}

/** Requires a one of several string options. */
export function assertOneOf<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new DomainError(
      `${fn}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')} (got ${describeValue(value)})`,
    );
  }
}

/**
 * Scans `count` elements starting at `offset` with step `step` and throws `NonFiniteError` on
 * the first NaN or ±Infinity.
 */
export function assertFiniteArray(
  fn: string,
  name: string,
  data: ArrayLike<number>,
  offset = 0,
  count = data.length,
  step = 1,
): void {
  for (let i = 0, p = offset; i < count; i++, p += step) {
    const v = data[p]!;
    if (v - v !== 0) {
      throw new NonFiniteError(`${fn}: ${name} must be finite (element ${i} is ${describeValue(v)})`, i);
    }
  }
}

/**
 * Requires every entry of a matrix to be finite; `NonFiniteError` names the first bad entry as
 * `fn: name must be finite (row i, column j is v)` — the one message every learner uses.
 */
export function assertFiniteMatrix(
  fn: string,
  name: string,
  m: {
    rows: number;
    cols: number;
    data: ArrayLike<number>;
    offset: number;
    rowStride: number;
    colStride: number;
  },
): void {
  const d = m.data;
  for (let i = 0; i < m.rows; i++)
    for (let j = 0, p = m.offset + i * m.rowStride; j < m.cols; j++, p += m.colStride) {
      const v = d[p]!;
      if (v - v !== 0)
        throw new NonFiniteError(
          `${fn}: ${name} must be finite (row ${i}, column ${j} is ${describeValue(v)})`,
          i * m.cols + j,
        );
    }
}

/**
 * Requires an integer in [min, max] (an option such as k or maxIter); `DomainError` otherwise, or
 * `ShapeError` when the caller passes it (the integer sizes a result, as the rank of a truncation).
 */
export function assertIntegerInRange(
  fn: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  ErrorClass: typeof DomainError | typeof ShapeError = DomainError,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new ErrorClass(
      `${fn}: ${name} must be an integer in [${min}, ${max}] (got ${describeValue(value)})`,
    );
}

/**
 * Requires a finite number > 0 (≥ 0 with `allowZero`; an integer with `integer`); `DomainError`
 * otherwise — the check of regularisation weights, tolerances and counts.
 */
export function assertPositive(
  fn: string,
  name: string,
  value: unknown,
  { allowZero = false, integer = false }: { allowZero?: boolean; integer?: boolean } = {},
): asserts value is number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (allowZero ? value >= 0 : value > 0) &&
    (!integer || Number.isInteger(value));
  if (!ok)
    throw new DomainError(
      `${fn}: ${name} must be ${integer ? 'an integer' : 'a finite number'} ${allowZero ? '≥ 0' : '> 0'} (got ${describeValue(value)})`,
    );
}
