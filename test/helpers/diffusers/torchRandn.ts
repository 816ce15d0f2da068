/**
 * Test support, not library code: torch's CPU `torch.randn` after `torch.manual_seed(seed)` — MT19937
 * uniforms (24 bits each, all drawn first), then Box–Muller in blocks of 16 (u1 = 1 − data[j],
 * u2 = data[j + 8]), in float32 — so that diffusers' stochastic test loops (DDPM, Euler ancestral) can be
 * replayed with the very noise torch draws. Shaped like difflow's Rng where the samplers use it (`normals`).
 */
export interface TorchGenerator {
  /** torch.randn(n) as float32 values (n a multiple of 16, as in the diffusers fixtures). */
  normals(n: number): Float64Array;
}

export function torchGenerator(seed: number): TorchGenerator {
  const state = new Uint32Array(624);
  state[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = state[i - 1] ^ (state[i - 1] >>> 30);
    state[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  let index = 624;
  const next32 = (): number => {
    if (index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (state[i] & 0x80000000) | (state[(i + 1) % 624] & 0x7fffffff);
        state[i] = state[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    let y = state[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const f = Math.fround;
  return {
    normals(n) {
      if (n % 16 !== 0) throw new RangeError(`torchGenerator draws multiples of 16 values, got ${n}`);
      const data = Float64Array.from({ length: n }, () => (next32() & 0xffffff) / 16777216);
      for (let i = 0; i < n; i += 16) {
        for (let j = i; j < i + 8; j++) {
          const radius = f(Math.sqrt(f(-2 * f(Math.log(f(1 - data[j]))))));
          const theta = f(2 * Math.PI * data[j + 8]);
          [data[j], data[j + 8]] = [f(radius * f(Math.cos(theta))), f(radius * f(Math.sin(theta)))];
        }
      }
      return data;
    },
  };
}
