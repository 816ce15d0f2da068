import { checkFinite } from '../validate.js';
import { ancestralStep, needRng, sampleLoop, type Sampler, type SamplerOptions } from './sampler.js';

export interface DdimOptions extends SamplerOptions {
  /** 0 = deterministic DDIM, 1 = DDPM ancestral sampling. */
  readonly eta?: number;
}

/**
 * DDIM with η (Song et al. 2021; FRAMEWORK.md §4–5): z_s = α_s x̂ + sqrt(σ_s² − σ̃²) ε̂ + σ̃ ξ,
 * σ̃² = η² σ_s² (1 − e^{λ_t − λ_s}).
 * @example
 * ```ts
 * import { ddim, flowMatching, gaussian, mixtureOracle, priorSample, rng, uniformT } from 'difflow';
 * const fm = flowMatching();
 * const oracle = mixtureOracle(gaussian([3], 0), fm); // every data point is x = 3
 * const z1 = priorSample(fm, 1, 1, rng(0));
 * await ddim(oracle, z1, uniformT(10)); // → [3]
 * await ddim(oracle, z1, uniformT(10), { eta: 1, rng: rng(1) }); // → [3]
 * ```
 */
export const ddim: Sampler<DdimOptions> = async (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  const eta = options.eta ?? 0;
  checkFinite('eta', eta, 0, 1);
  const rng = eta > 0 ? needRng('DDIM with eta > 0', options.rng) : undefined;
  return sampleLoop(denoiser, z0, grid, options, ({ t, s, denoised }) => {
    const sigmaS = schedule.sigma(s);
    // σ̃²/σ_s², with −expm1 for accuracy on small steps.
    const noise2 = eta === 0 ? 0 : eta * eta * -Math.expm1(schedule.lambda(t) - schedule.lambda(s));
    return ancestralStep(denoised, schedule.alpha(s), sigmaS * Math.sqrt(1 - noise2), sigmaS * Math.sqrt(noise2), rng);
  });
};
