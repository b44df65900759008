/** splitmix32 step: spreads any 32-bit seed over the whole state so that seeds 1 and 2 give unrelated streams. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_32 = 2 ** 32;

/**
 * xoshiro128** (Blackman & Vigna): a small, fast PRNG with a 2¹²⁸ − 1 period, good enough for workload
 * generation and network simulation, and fully reproducible from its seed. Not for keys or anything secret.
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds from any safe integer (both 32-bit halves are mixed in); `stream` gives independent sub-streams. */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(stream)) {
      throw new TypeError(`SeededRandom: seed and stream must be safe integers, got ${seed} and ${stream}`);
    }
    let x = splitmix32((seed >>> 0) ^ splitmix32(Math.floor(seed / TWO_POW_32) >>> 0));
    x = splitmix32(x ^ splitmix32((stream >>> 0) ^ 0x6a09e667));
    this.s0 = x;
    this.s1 = x = splitmix32(x);
    this.s2 = x = splitmix32(x);
    this.s3 = splitmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s3 = 1;
  }

  /** A generator with the exact xoshiro128** state given (for checking against the reference outputs). */
  static fromState(state: readonly [number, number, number, number]): SeededRandom {
    const rng = new SeededRandom(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.map((v) => v >>> 0);
    if ((rng.s0 | rng.s1 | rng.s2 | rng.s3) === 0) {
      throw new RangeError("SeededRandom: the xoshiro128** state must not be all zero");
    }
    return rng;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67_108_864 + lo) / 9_007_199_254_740_992;
  }

  /** A uniform integer in [0, n), without modulo bias; `n` must be an integer in [1, 2³²]. */
  uniformInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`SeededRandom.uniformInt: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Reject the top partial block of 2³² so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform integer in [min, max] (both inclusive). */
  intBetween(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`SeededRandom.intBetween: bad integer range [${min}, ${max}]`);
    }
    return min + this.uniformInt(max - min + 1);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
