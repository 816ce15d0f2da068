import { checkFinite } from '../validate.js';
import { ancestralStep, needRng, sampleLoop, type Sampler, type SamplerOptions } from './sampler.js';

export interface ChurnOptions extends SamplerOptions {
  /** Fraction c ∈ [0, 1) of each DDIM step undone by re-noising: 0 = DDIM, ½ = DDPM. */
  readonly churn?: number;
}

/**
 * The churn sampler (FRAMEWORK.md §5): a DDIM step from λ_t to λ' = λ_t + Δλ/(1 − c), then forward
 * re-noising back to λ_s = λ_t + Δλ. In closed form, with δ = λ' − λ_s = c/(1 − c)·Δλ:
 * z_s = α_s x̂ + σ_s (e^{−δ/2} ε̂ + sqrt(1 − e^{−δ}) ξ).
 * @example
 * ```ts
 * import { churnSampler, flowMatching, gaussian, mixtureOracle, priorSample, rng, uniformT } from 'difflow';
 * const fm = flowMatching();
 * const oracle = mixtureOracle(gaussian([3], 0), fm); // every data point is x = 3
 * const z1 = priorSample(fm, 1, 1, rng(0));
 * await churnSampler(oracle, z1, uniformT(10), { churn: 0.5, rng: rng(1) }); // → [3]
 * ```
 */
export const churnSampler: Sampler<ChurnOptions> = async (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  const churn = options.churn ?? 0.5;
  checkFinite('churn', churn, 0, 0.999999);
  const rng = churn > 0 ? needRng('the churn sampler with churn > 0', options.rng) : undefined;
  return sampleLoop(denoiser, z0, grid, options, ({ t, s, denoised }) => {
    const delta = churn === 0 ? 0 : (churn / (1 - churn)) * (schedule.lambda(s) - schedule.lambda(t));
    const sigmaS = schedule.sigma(s);
    return ancestralStep(denoised, schedule.alpha(s), sigmaS * Math.exp(-delta / 2), sigmaS * Math.sqrt(-Math.expm1(-delta)), rng);
  });
};
