import { sampleLoop, type Sampler } from './sampler.js';

/**
 * Euler on the probability-flow ODE in the schedule's own coordinates (FRAMEWORK.md §4):
 * z_s = z_t + (s − t)(α'_t x̂ + σ'_t ε̂). Unlike DDIM it changes when the schedule is rescaled.
 * @example
 * ```ts
 * import { cosine, gaussian, mixtureOracle, pfEuler, priorSample, rng, uniformT } from 'difflow';
 * const s = cosine();
 * const oracle = mixtureOracle(gaussian([3], 0), s); // every data point is x = 3
 * await pfEuler(oracle, priorSample(s, 1, 1, rng(0)), uniformT(50)); // → [3.001]
 * ```
 */
export const pfEuler: Sampler = async (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  return sampleLoop(denoiser, z0, grid, options, ({ t, s, z, denoised }) => {
    const cX = (s - t) * schedule.dAlpha(t);
    const cEps = (s - t) * schedule.dSigma(t);
    const next = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) next[k] = z[k] + cX * denoised.x[k] + cEps * denoised.eps[k];
    return next;
  });
};
