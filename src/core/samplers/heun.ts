import { checkFinite } from '../validate.js';
import { checkStep, needRng, start, type Sampler, type SamplerOptions } from './sampler.js';

export interface HeunOptions extends SamplerOptions {
  /** Total churn S_churn (0 = deterministic); γ_i = min(S_churn/N, √2 − 1) where σ̃ ∈ [S_tmin, S_tmax]. */
  readonly sChurn?: number;
  readonly sTmin?: number;
  readonly sTmax?: number;
  readonly sNoise?: number;
}

/**
 * Heun's 2nd-order method with EDM's churn (Karras et al. 2022, Algorithm 2), in EDM's coordinates
 * x̃ = z/α, σ̃ = σ/α = e^{−λ/2}, where the ODE is dx̃/dσ̃ = ε̂. S_tmin/S_tmax are in σ̃. Two exceptions, as in
 * EDM: the step to σ = 0 is a plain Euler step, and a step from α = 0 (σ̃ = ∞, e.g. t = 1 on flow
 * matching) is taken as a DDIM step, the Euler step's finite form.
 * @example
 * ```ts
 * import { edm, edmGrid, gaussian, heun, mixtureOracle, priorSample, rng } from 'difflow';
 * const s = edm();
 * const oracle = mixtureOracle(gaussian([3], 0), s); // every data point is x = 3
 * const z1 = priorSample(s, 1, 1, rng(0));
 * await heun(oracle, z1, edmGrid(s, 18)); // → [3]
 * await heun(oracle, z1, edmGrid(s, 18), { sChurn: 40, rng: rng(1) }); // → [3]
 * ```
 */
export const heun: Sampler<HeunOptions> = async (denoiser, z0, grid, options = {}) => {
  const { schedule } = denoiser;
  const sChurn = options.sChurn ?? 0;
  const sTmin = options.sTmin ?? 0;
  const sTmax = options.sTmax ?? Infinity;
  const sNoise = options.sNoise ?? 1;
  checkFinite('sChurn', sChurn, 0);
  checkFinite('sNoise', sNoise, 0);
  const rng = sChurn > 0 ? needRng('Heun with sChurn > 0', options.rng) : undefined;
  const sigmaTilde = (t: number) => schedule.sigma(t) / schedule.alpha(t);
  let z = start(z0, grid);
  const steps = grid.length - 1;
  for (let i = 0; i < steps; i++) {
    const t = grid[i];
    const s = grid[i + 1];
    // Increase noise temporarily.
    const sigmaT = sigmaTilde(t);
    const gamma = rng && Number.isFinite(sigmaT) && sigmaT >= sTmin && sigmaT <= sTmax ? Math.min(sChurn / steps, Math.SQRT2 - 1) : 0;
    let tHat = t;
    let zHat = z;
    if (gamma > 0 && rng) {
      tHat = schedule.tOfLambda(schedule.lambda(t) - 2 * Math.log1p(gamma));
      const sigmaHat = sigmaTilde(tHat);
      const alphaHat = schedule.alpha(tHat);
      const alphaT = schedule.alpha(t);
      const noise = Math.sqrt(Math.max(0, sigmaHat * sigmaHat - sigmaT * sigmaT)) * sNoise;
      const xi = rng.normals(z.length);
      zHat = new Float64Array(z.length);
      for (let k = 0; k < z.length; k++) zHat[k] = alphaHat * (z[k] / alphaT + noise * xi[k]);
    }
    const denoised = await denoiser.denoise(zHat, tHat);
    const alphaHat = schedule.alpha(tHat);
    const alphaS = schedule.alpha(s);
    const sigmaS = schedule.sigma(s);
    const next = new Float64Array(z.length);
    if (alphaHat === 0) {
      // DDIM step from σ̃ = ∞.
      for (let k = 0; k < z.length; k++) next[k] = alphaS * denoised.x[k] + sigmaS * denoised.eps[k];
    } else {
      // Euler step.
      const h = sigmaS / alphaS - sigmaTilde(tHat);
      for (let k = 0; k < z.length; k++) next[k] = alphaS * (zHat[k] / alphaHat + h * denoised.eps[k]);
      // Apply 2nd order correction.
      if (sigmaS !== 0) {
        const dPrime = await denoiser.denoise(next, s);
        for (let k = 0; k < z.length; k++) {
          next[k] = alphaS * (zHat[k] / alphaHat + h * 0.5 * (denoised.eps[k] + dPrime.eps[k]));
        }
      }
    }
    z = next;
    checkStep(z, i, t);
    options.onStep?.({ i, steps, t, s, denoised, z });
  }
  return z;
};
