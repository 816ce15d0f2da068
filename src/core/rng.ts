/**
 * Seeded, splittable pseudo-random numbers: xoshiro128** (Blackman & Vigna 2018) on four 32-bit words,
 * seeded through SplitMix32. Pure 32-bit integer arithmetic, so the same seed gives the same stream in
 * Node and in every browser. The library never calls Math.random.
 */
export class Rng {
  private readonly s: Uint32Array;

  private constructor(state: Uint32Array) {
    this.s = state;
  }

  /**
   * A generator from an integer seed (any finite number; its low 53 bits are used). Distinct seeds in [0, 2⁵³)
   * give distinct states: the low word fixes word 0 through a bijection, and the high word is mixed into word 2
   * through a bijection that is 0 at 0, so seeds below 2³² keep the streams they always had.
   */
  static seeded(seed: number): Rng {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    const s = Rng.fromWords(lo, 0x9e3779b9).s;
    s[2] = (s[2] ^ mix32(hi)) >>> 0;
    return new Rng(s);
  }

  /** Restores a generator from `state()`. */
  static fromState(state: ArrayLike<number>): Rng {
    if (state.length !== 4) throw new RangeError(`rng state must have 4 words, got ${state.length}`);
    const s = Uint32Array.from(state);
    if ((s[0] | s[1] | s[2] | s[3]) === 0) throw new RangeError('rng state must not be all zero');
    return new Rng(s);
  }

  private static fromWords(a: number, b: number): Rng {
    let x = (a ^ Math.imul(b, 0x85ebca6b)) >>> 0;
    const s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      // SplitMix32 step.
      x = (x + 0x9e3779b9) >>> 0;
      s[i] = mix32(x);
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
    return new Rng(s);
  }

  /** The generator's state (4 words) for checkpoints. */
  state(): Uint32Array {
    return Uint32Array.from(this.s);
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw (Box–Muller; uses two uniforms). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with independent standard normals (both Box–Muller values used) and returns it. */
  fillNormal(out: Float64Array): Float64Array {
    const n = out.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
      const a = 2 * Math.PI * this.uniform();
      out[i] = r * Math.cos(a);
      out[i + 1] = r * Math.sin(a);
    }
    if (i < n) out[i] = this.normal();
    return out;
  }

  /** `n` standard normals. */
  normals(n: number): Float64Array {
    return this.fillNormal(new Float64Array(n));
  }

  /** An independent child generator; advances this one by one draw pair. */
  split(): Rng {
    return Rng.fromWords(this.nextUint32(), this.nextUint32());
  }
}

/** SplitMix32's finaliser: a bijection of 32-bit words with mix32(0) = 0. */
function mix32(x: number): number {
  let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Shorthand for `Rng.seeded(seed)`.
 * @example
 * ```ts
 * import { Rng, rng } from 'difflow';
 * const g = rng(42);
 * const saved = g.state();
 * const z = g.normals(4); // [4] standard normals
 * Rng.fromState(saved).normals(4)[0] === z[0]; // → true
 * ```
 */
export function rng(seed: number): Rng {
  return Rng.seeded(seed);
}
