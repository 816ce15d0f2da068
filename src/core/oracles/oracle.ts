import type { Denoised, Denoiser } from '../denoiser.js';
import { fromXEps, type OutputKind } from '../outputs.js';
import type { Rng } from '../rng.js';
import type { Schedule } from '../schedule/index.js';
import { checkArrayFinite, checkBatch, checkTime } from '../validate.js';

/**
 * An exact denoiser E[x | z_t] for known data, usable wherever a trained network would be. It answers
 * synchronously, so `oracle.denoise(z, t).x` needs no await.
 */
export interface Oracle extends Denoiser {
  readonly dim: number;
  denoise(z: Float64Array, t: number): Denoised;
  /**
   * The exact model output of any kind (what a perfectly trained network of that kind returns); a
   * synchronous `ModelFn`.
   */
  model(kind: OutputKind): (z: Float64Array, t: number) => Float64Array;
  /** log p_t(z) per row of z [batch·dim] → [batch]. */
  logDensity(z: Float64Array, t: number): Float64Array;
  /** n samples of the data distribution, [n·dim]. */
  sample(n: number, rng: Rng): Float64Array;
}

/**
 * Adds the shared checks and the `model(kind)` view to an oracle's core functions.
 * @example
 * ```ts
 * import { flowMatching, makeOracle, normalPdf } from 'difflow';
 * // The exact oracle of 1-D data that is always 0: x̂ = 0, ε̂ = z/σ, p_t = N(0, σ²).
 * const zero = makeOracle(flowMatching(), 1, {
 *   denoise: (z, t, alpha, sigma) => ({ x: z.map(() => 0), eps: z.map((v) => v / sigma) }),
 *   logDensity: (z, t, alpha, sigma) => z.map((v) => Math.log(normalPdf(v, 0, sigma))),
 *   sample: (n) => new Float64Array(n),
 * });
 * zero.model('u')(Float64Array.of(0.5), 0.5); // → [1]
 * ```
 */
export function makeOracle(
  schedule: Schedule,
  dim: number,
  core: {
    denoise(z: Float64Array, t: number, alpha: number, sigma: number): Denoised;
    logDensity(z: Float64Array, t: number, alpha: number, sigma: number): Float64Array;
    sample(n: number, rng: Rng): Float64Array;
  },
): Oracle {
  const denoise = (z: Float64Array, t: number): Denoised => {
    checkTime('t', t);
    checkBatch('z', z, dim);
    checkArrayFinite('z', z);
    return core.denoise(z, t, schedule.alpha(t), schedule.sigma(t));
  };
  return {
    schedule,
    dim,
    denoise,
    model: (kind) => (z, t) => {
      const { x, eps } = denoise(z, t);
      return fromXEps(kind, x, eps, schedule.alpha(t), schedule.sigma(t));
    },
    logDensity(z, t) {
      checkTime('t', t);
      checkBatch('z', z, dim);
      return core.logDensity(z, t, schedule.alpha(t), schedule.sigma(t));
    },
    sample: core.sample,
  };
}
