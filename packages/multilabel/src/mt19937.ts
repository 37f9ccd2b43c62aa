/**
 * numpy's legacy random generator (MT19937 `RandomState`), for replaying random streams of
 * reference runs made with numpy (`np.random.seed`, `random`, `shuffle`). numts's own code uses
 * the seeded `Rng` of `@numts/core`; this class exists so that a result of a numpy program can be
 * reproduced bit for bit.
 *
 * @module
 */
import { DomainError } from '@numts/core';

/** The Mersenne Twister MT19937 with numpy's `random()`, `interval()` and `shuffle()` on top. */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private idx = 624;

  /** Seeds like `np.random.seed(seed)` for an integer seed (init_genrand). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
      throw new DomainError(`NumpyRandomState: seed must be an integer in [0, 2^32) (got ${seed})`);
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const p = this.mt[i - 1]!;
      this.mt[i] = (Math.imul(1812433253, p ^ (p >>> 30)) + i) >>> 0;
    }
  }

  /** The next 32 random bits (genrand_int32). */
  next32(): number {
    if (this.idx >= 624) {
      const mt = this.mt;
      for (let i = 0; i < 624; i++) {
        const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.idx = 0;
    }
    let y = this.mt[this.idx++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits, as `np.random.random()`. */
  random(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform integer in [0, m] by masked rejection, as numpy's legacy `interval`. */
  interval(m: number): number {
    if (m === 0) return 0;
    let mask = m;
    for (const s of [1, 2, 4, 8, 16]) mask |= mask >>> s;
    for (;;) {
      const v = (this.next32() & mask) >>> 0;
      if (v <= m) return v;
    }
  }

  /** Shuffles in place as `RandomState.shuffle` of a 1-d array. */
  shuffle<T>(x: T[]): T[] {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = x[i]!;
      x[i] = x[j]!;
      x[j] = t;
    }
    return x;
  }
}
