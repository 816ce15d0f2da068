import { checkFinite } from '../validate.js';
import { ancestralStep, needRng, sampleLoop, type Sampler, type SamplerOptions } from './sampler.js';

export interface SdeOptions extends SamplerOptions {
  /** Noise level η ≥ 0 of the generative SDE; 0 is the probability-flow ODE. */
  readonly eta?: number;
}

/**
 * Euler–Maruyama on the generative SDE (FRAMEWORK.md §5), backwards in time:
 * dz = [f z − ½(1 + η²) g² ∇log p_t] dt + η g dw̄, f = α'/α, g² = −σ² λ', ∇log p_t = −ε̂/σ.
 * With z = αx̂ + σε̂ the drift is α'x̂ + σ'ε̂ + ½η² g² ε̂/σ, finite wherever λ' is. A step that starts where
 * g is infinite (α = 0 or σ = 0, e.g. t = 1 on flow matching) is taken as the η-DDIM step, the exact
 * discretisation of the same SDE with x̂ held fixed.
 * @example
 * ```ts
 * import { flowMatching, gaussian, mixtureOracle, priorSample, rng, sdeEuler, uniformT } from 'difflow';
 * const fm = flowMatching();
 * const oracle = mixtureOracle(gaussian([3], 0), fm); // every data point is x = 3
 * const z1 = priorSample(fm, 1, 1, rng(0));
 * await sdeEuler(oracle, z1, uniformT(100), { eta: 1, rng: rng(1) }); // → [2.96]
 * ```
 */
export const sdeEuler: Sampler<SdeOptions> = async (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  const eta = options.eta ?? 1;
  checkFinite('eta', eta, 0);
  const rng = eta > 0 ? needRng('the SDE sampler with eta > 0', options.rng) : undefined;
  return sampleLoop(denoiser, z0, grid, options, ({ t, s, z, denoised }) => {
    const dLambda = schedule.dLambda(t);
    if (eta > 0 && !Number.isFinite(dLambda)) {
      const sigmaS = schedule.sigma(s);
      const noise2 = Math.min(1, eta * eta * -Math.expm1(schedule.lambda(t) - schedule.lambda(s)));
      return ancestralStep(denoised, schedule.alpha(s), sigmaS * Math.sqrt(1 - noise2), sigmaS * Math.sqrt(noise2), rng);
    }
    const sigmaT = schedule.sigma(t);
    const g2 = eta === 0 ? 0 : -sigmaT * sigmaT * dLambda;
    const cX = (s - t) * schedule.dAlpha(t);
    const cEps = (s - t) * (schedule.dSigma(t) + (eta === 0 ? 0 : (0.5 * eta * eta * g2) / sigmaT));
    const xi = rng ? rng.normals(z.length) : undefined;
    const cNoise = eta * Math.sqrt(g2 * (t - s));
    const next = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) next[k] = z[k] + cX * denoised.x[k] + cEps * denoised.eps[k] + (xi ? cNoise * xi[k] : 0);
    return next;
  });
};
