import { checkFinite } from '../validate.js';
import { checkStep, needRng, start, type Sampler, type SamplerOptions } from './sampler.js';

export interface DdimOptions extends SamplerOptions {
  /** 0 = deterministic DDIM, 1 = DDPM ancestral sampling. */
  readonly eta?: number;
}

/**
 * DDIM with η (Song et al. 2021; FRAMEWORK.md §4–5): z_s = α_s x̂ + sqrt(σ_s² − σ̃²) ε̂ + σ̃ ξ,
 * σ̃² = η² σ_s² (1 − e^{λ_t − λ_s}).
 */
export const ddim: Sampler<DdimOptions> = (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  const eta = options.eta ?? 0;
  checkFinite('eta', eta, 0, 1);
  const rng = eta > 0 ? needRng('DDIM with eta > 0', options.rng) : undefined;
  let z = start(z0, grid);
  const steps = grid.length - 1;
  for (let i = 0; i < steps; i++) {
    const t = grid[i];
    const s = grid[i + 1];
    const denoised = denoiser.denoise(z, t);
    const alphaS = schedule.alpha(s);
    const sigmaS = schedule.sigma(s);
    // σ̃²/σ_s², with −expm1 for accuracy on small steps.
    const noise2 = eta === 0 ? 0 : eta * eta * -Math.expm1(schedule.lambda(t) - schedule.lambda(s));
    const cEps = sigmaS * Math.sqrt(1 - noise2);
    const cNoise = sigmaS * Math.sqrt(noise2);
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
