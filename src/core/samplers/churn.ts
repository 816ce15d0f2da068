import { checkFinite } from '../validate.js';
import { checkStep, needRng, start, type Sampler, type SamplerOptions } from './sampler.js';

export interface ChurnOptions extends SamplerOptions {
  /** Fraction c ∈ [0, 1) of each DDIM step undone by re-noising: 0 = DDIM, ½ = DDPM. */
  readonly churn?: number;
}

/**
 * The churn sampler (FRAMEWORK.md §5): a DDIM step from λ_t to λ' = λ_t + Δλ/(1 − c), then forward
 * re-noising back to λ_s = λ_t + Δλ. In closed form, with δ = λ' − λ_s = c/(1 − c)·Δλ:
 * z_s = α_s x̂ + σ_s (e^{−δ/2} ε̂ + sqrt(1 − e^{−δ}) ξ).
 */
export const churnSampler: Sampler<ChurnOptions> = (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  const churn = options.churn ?? 0.5;
  checkFinite('churn', churn, 0, 0.999999);
  const rng = churn > 0 ? needRng('the churn sampler with churn > 0', options.rng) : undefined;
  let z = start(z0, grid);
  const steps = grid.length - 1;
  for (let i = 0; i < steps; i++) {
    const t = grid[i];
    const s = grid[i + 1];
    const denoised = denoiser.denoise(z, t);
    const delta = churn === 0 ? 0 : (churn / (1 - churn)) * (schedule.lambda(s) - schedule.lambda(t));
    const alphaS = schedule.alpha(s);
    const sigmaS = schedule.sigma(s);
    const cEps = sigmaS * Math.exp(-delta / 2);
    const cNoise = sigmaS * Math.sqrt(-Math.expm1(-delta));
    const xi = rng ? rng.normals(z.length) : undefined;
    const next = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) {
      next[k] = alphaS * denoised.x[k] + cEps * denoised.eps[k] + (xi ? cNoise * xi[k] : 0);
    }
    z = next;
    checkStep(z, i, t);
    options.onStep?.({ i, steps, t, s, denoised, z });
  }
  return z;
};
