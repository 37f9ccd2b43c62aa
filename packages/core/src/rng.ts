/**
 * A seeded, splittable random number generator that gives the same bits on every platform.
 *
 * The generator is xoshiro128** (Blackman & Vigna) on four 32-bit words, seeded through
 * SplitMix32, so it uses only 32-bit integer operations (`Math.imul`, shifts) that JavaScript
 * defines exactly. Doubles take 53 random bits. Normal variates use the Marsaglia polar method
 * with a logarithm built from +, −, ×, ÷ and √ only (IEEE-754 correctly rounded operations), so
 * they do not depend on the engine's `Math.log`.
 *
 * @module
 */
import { DomainError, ShapeError } from './errors.js';
import { Matrix } from './matrix.js';
import { assertFiniteScalar, assertSize, describeValue } from './validate.js';

/** SplitMix32 step used to expand a seed into the generator state. */
function splitMix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const SQRT_HALF = Math.SQRT1_2;

/**
 * Natural logarithm of a positive finite x using only exactly specified IEEE operations, within
 * about 2 ulp of the true value (checked against `Math.log` in the tests). Exported for tests.
 */
export function portableLog(x: number): number {
  let e = 0;
  let m = x;
  while (m < 0.5) {
    m *= 2;
    e--;
  }
  while (m >= 1) {
    m *= 0.5;
    e++;
  }
  if (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  // log(m) = 2·atanh(f) with f = (m−1)/(m+1), |f| ≤ 0.1716.
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  let t = 1 / 25;
  for (let k = 23; k >= 3; k -= 2) t = 1 / k + f2 * t;
  const logM = 2 * f + 2 * f * f2 * t;
  return e * LN2_HI + (logM + e * LN2_LO);
}

/**
 * Seeded random numbers.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform(); // same value on every machine for seed 42
 * const child = rng.split(); // an independent stream, e.g. for a worker or a sub-task
 * ```
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  /**
   * @param seed - any integer in [0, 2⁵³); the same seed gives the same sequence everywhere
   * @throws DomainError when the seed is not a non-negative safe integer
   */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
      throw new DomainError(`Rng: seed must be a non-negative safe integer (got ${describeValue(seed)})`);
    }
    const st = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x632be5ab) };
    this.a = splitMix32(st);
    this.b = splitMix32(st);
    this.c = splitMix32(st);
    this.d = splitMix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    this.spareNormal = undefined;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /**
   * A uniform double in [0, 1) with 53 random bits, or in [low, high) when bounds are given.
   * @throws DomainError when the bounds are not finite or high < low
   */
  uniform(low = 0, high = 1): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    const u = (hi * 67108864 + lo) / 9007199254740992;
    if (low === 0 && high === 1) return u;
    if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) {
      throw new DomainError(`Rng.uniform: bounds must be finite with low ≤ high (got ${low}, ${high})`);
    }
    return low + (high - low) * u;
  }

  /**
   * A normal variate N(mean, sd²).
   * @throws DomainError when sd is negative or a parameter is not finite
   */
  normal(mean = 0, sd = 1): number {
    if (!(sd >= 0) || !Number.isFinite(sd) || !Number.isFinite(mean)) {
      throw new DomainError(
        `Rng.normal: mean must be finite and sd a finite number ≥ 0 (got ${mean}, ${sd})`,
      );
    }
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * portableLog(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * (u * f);
  }

  /**
   * A uniform integer in [low, high) without modulo bias.
   * @throws DomainError when the bounds are not safe integers with low < high or span more than 2³²
   */
  int(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low || high - low > 2 ** 32) {
      throw new DomainError(
        `Rng.int: bounds must be integers with low < high and high − low ≤ 2^32 (got ${low}, ${high})`,
      );
    }
    const span = high - low;
    if (span === 2 ** 32) return low + this.nextUint32();
    const limit = 2 ** 32 - (2 ** 32 % span);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return low + (x % span);
  }

  /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    assertSize('Rng.permutation', 'n', n);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /**
   * `k` indices drawn from 0..n−1, without replacement by default (a prefix of a random
   * permutation), with replacement when `replace` is true.
   * @throws ShapeError when k > n without replacement, or when sampling from n = 0
   */
  choice(n: number, k: number, { replace = false }: { replace?: boolean } = {}): Int32Array {
    assertSize('Rng.choice', 'n', n);
    assertSize('Rng.choice', 'k', k);
    if (k > 0 && n === 0) throw new ShapeError('Rng.choice: cannot draw from an empty population (n = 0)');
    const out = new Int32Array(k);
    if (replace) {
      for (let i = 0; i < k; i++) out[i] = this.int(0, n);
      return out;
    }
    if (k > n) throw new ShapeError(`Rng.choice: k must be ≤ n without replacement (got k = ${k}, n = ${n})`);
    const pool = new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = this.int(i, n);
      out[i] = pool[j]!;
      pool[j] = pool[i]!;
    }
    return out;
  }

  /** A Float64Array of n uniform draws in [low, high). */
  uniformArray(n: number, low = 0, high = 1): Float64Array {
    assertSize('Rng.uniformArray', 'n', n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** A Float64Array of n normal draws. */
  normalArray(n: number, mean = 0, sd = 1): Float64Array {
    assertSize('Rng.normalArray', 'n', n);
    assertFiniteScalar('Rng.normalArray', 'mean', mean);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, sd);
    return out;
  }

  /** A rows×cols matrix of standard normal draws (row-major fill order). */
  normalMatrix(rows: number, cols: number, sd = 1): Matrix {
    assertSize('Rng.normalMatrix', 'rows', rows);
    assertSize('Rng.normalMatrix', 'cols', cols);
    return new Matrix(rows, cols, this.normalArray(rows * cols, 0, sd));
  }

  /** A rows×cols matrix of uniform draws in [low, high). */
  uniformMatrix(rows: number, cols: number, low = 0, high = 1): Matrix {
    assertSize('Rng.uniformMatrix', 'rows', rows);
    assertSize('Rng.uniformMatrix', 'cols', cols);
    return new Matrix(rows, cols, this.uniformArray(rows * cols, low, high));
  }

  /**
   * An independent child generator. The child starts from this generator's current state and this
   * generator jumps 2⁶⁴ steps ahead, so the two streams do not overlap for 2⁶⁴ draws.
   */
  split(): Rng {
    const child = Object.create(Rng.prototype) as Rng;
    child.a = this.a;
    child.b = this.b;
    child.c = this.c;
    child.d = this.d;
    child.spareNormal = undefined;
    this.jump();
    return child;
  }

  /** The four state words (for saving a generator). */
  getState(): [number, number, number, number] {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** A generator restored from {@link Rng.getState}. @throws DomainError for an invalid state */
  static fromState(state: readonly number[]): Rng {
    if (
      state.length !== 4 ||
      state.some((w) => !Number.isInteger(w) || w < 0 || w >= 2 ** 32) ||
      state.every((w) => w === 0)
    ) {
      throw new DomainError(
        `Rng.fromState: state must be four uint32 words, not all zero (got ${describeValue([...state])})`,
      );
    }
    const r = new Rng(0);
    r.a = state[0]! | 0;
    r.b = state[1]! | 0;
    r.c = state[2]! | 0;
    r.d = state[3]! | 0;
    return r;
  }

  /** Advances the state by 2⁶⁴ steps (the xoshiro128 jump polynomial). */
  private jump(): void {
    const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (const word of JUMP) {
      for (let bit = 0; bit < 32; bit++) {
        if ((word >>> bit) & 1) {
          s0 ^= this.a;
          s1 ^= this.b;
          s2 ^= this.c;
          s3 ^= this.d;
        }
        this.nextUint32();
      }
    }
    this.a = s0;
    this.b = s1;
    this.c = s2;
    this.d = s3;
    this.spareNormal = undefined;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
