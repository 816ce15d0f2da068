import { checkStep, start, type Sampler, type SamplerOptions } from './sampler.js';

/**
 * Euler on the probability-flow ODE in the schedule's own coordinates (FRAMEWORK.md §4):
 * z_s = z_t + (s − t)(α'_t x̂ + σ'_t ε̂). Unlike DDIM it changes when the schedule is rescaled.
 */
export const pfEuler: Sampler = (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  let z = start(z0, grid);
  const steps = grid.length - 1;
  for (let i = 0; i < steps; i++) {
    const t = grid[i];
    const s = grid[i + 1];
    const denoised = denoiser.denoise(z, t);
    const dAlpha = schedule.dAlpha(t);
    const dSigma = schedule.dSigma(t);
    const next = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) next[k] = z[k] + (s - t) * (dAlpha * denoised.x[k] + dSigma * denoised.eps[k]);
    z = next;
    checkStep(z, i, t);
    options.onStep?.({ i, steps, t, s, denoised, z });
  }
  return z;
};
