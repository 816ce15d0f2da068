import { sampleLoop, type Sampler } from './sampler.js';

/**
 * DPM-Solver++(2M) (Lu et al. 2022) with data prediction, in half-log-SNR steps h = (λ_s − λ_t)/2:
 * z_s = (σ_s/σ_t) z_t − α_s (e^{−h} − 1) D, D = (1 + 1/(2r)) x̂_t − 1/(2r) x̂_prev, r = h_prev/h.
 * First order (D = x̂_t, which is DDIM) on the first step and on any step next to an infinite or zero h (two
 * times whose λ is equal to rounding, e.g. within 1e-100 of t = 0 on VE).
 * @example
 * ```ts
 * import { cosine, dpmpp2m, gaussian, mixtureOracle, priorSample, rng, uniformLambda } from 'difflow';
 * const s = cosine();
 * const oracle = mixtureOracle(gaussian([3], 0), s); // every data point is x = 3
 * await dpmpp2m(oracle, priorSample(s, 1, 1, rng(0)), uniformLambda(s, 10)); // → [3]
 * ```
 */
export const dpmpp2m: Sampler = async (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  let xPrev: Float64Array | undefined;
  let hPrev = Infinity;
  return sampleLoop(denoiser, z0, grid, options, ({ t, s, z, denoised }) => {
    const h = (schedule.lambda(s) - schedule.lambda(t)) / 2;
    const ratio = schedule.sigma(s) / schedule.sigma(t);
    const c = -schedule.alpha(s) * Math.expm1(-h);
    const previous = h > 0 && hPrev > 0 && Number.isFinite(h) && Number.isFinite(hPrev) ? xPrev : undefined;
    const w = previous ? 1 / (2 * (hPrev / h)) : 0;
    const next = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) {
      const d = previous ? (1 + w) * denoised.x[k] - w * previous[k] : denoised.x[k];
      next[k] = ratio * z[k] + c * d;
    }
    xPrev = denoised.x;
    hPrev = h;
    return next;
  });
};
