import { sampleLoop, type Sampler } from './sampler.js';

/**
 * Flow-matching Euler (Lipman et al. 2023; FRAMEWORK.md §4): z_s = z_t + û (s − t) with û = ε̂ − x̂.
 * On other schedules it is the same step in the schedule's flow-matching coordinates
 * z̃ = z/(α+σ), τ = σ/(α+σ): z̃_s = z̃_t + û (τ_s − τ_t), which on α = 1 − t, σ = t is the formula above.
 * @example
 * ```ts
 * import { flowMatching, fmEuler, gaussian, mixtureOracle, priorSample, rng, uniformT } from 'difflow';
 * const fm = flowMatching();
 * const oracle = mixtureOracle(gaussian([3], 0), fm); // every data point is x = 3
 * await fmEuler(oracle, priorSample(fm, 1, 1, rng(0)), uniformT(10)); // → [3]
 * ```
 */
export const fmEuler: Sampler = async (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  return sampleLoop(denoiser, z0, grid, options, ({ t, s, z, denoised }) => {
    const kT = schedule.alpha(t) + schedule.sigma(t);
    const kS = schedule.alpha(s) + schedule.sigma(s);
    const dTau = schedule.sigma(s) / kS - schedule.sigma(t) / kT;
    const next = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) next[k] = kS * (z[k] / kT + (denoised.eps[k] - denoised.x[k]) * dTau);
    return next;
  });
};
