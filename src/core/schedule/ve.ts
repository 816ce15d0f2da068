import { defineSchedule, type Schedule } from './schedule.js';
import { DifflowError, checkPositive } from '../validate.js';

/**
 * EDM (Karras et al. 2022) in difflow's time: α = 1, σ = σ_max·t, so σ(0) = 0 (λ(0) = +∞) and
 * λ = −2 log(σ_max t). Its usual time grid is the Karras ρ grid (grids.ts).
 * @example
 * ```ts
 * import { edm } from 'difflow';
 * const s = edm({ sigmaMax: 80 });
 * [s.alpha(0.5), s.sigma(0.5)]; // → [1, 40]
 * s.lambda(0); // → Infinity
 * ```
 */
export function edm(options: { sigmaMax?: number } = {}): Schedule {
  const sigmaMax = options.sigmaMax ?? 80;
  checkPositive('sigmaMax', sigmaMax);
  return defineSchedule({
    name: 'edm',
    alpha: () => 1,
    sigma: (t) => sigmaMax * t,
    dAlpha: () => 0,
    dSigma: () => sigmaMax,
    lambda: (t) => -2 * Math.log(sigmaMax * t),
    dLambda: (t) => -2 / t,
    tOfLambda: (l) => Math.exp(-l / 2) / sigmaMax,
  });
}

/**
 * Variance exploding (Song et al. 2021): α = 1, σ = σ_min (σ_max/σ_min)^t. λ is finite at both ends
 * (λ(0) = −2 log σ_min).
 * @example
 * ```ts
 * import { ve } from 'difflow';
 * const s = ve({ sigmaMin: 0.01, sigmaMax: 50 });
 * [s.sigma(0), s.sigma(1)]; // → [0.01, 50]
 * ```
 */
export function ve(options: { sigmaMin?: number; sigmaMax?: number } = {}): Schedule {
  const sigmaMin = options.sigmaMin ?? 0.01;
  const sigmaMax = options.sigmaMax ?? 50;
  checkPositive('sigmaMin', sigmaMin);
  checkPositive('sigmaMax', sigmaMax);
  if (sigmaMax <= sigmaMin) throw new DifflowError(`sigmaMax must exceed sigmaMin, got ${sigmaMax} ≤ ${sigmaMin}`);
  const logRatio = Math.log(sigmaMax / sigmaMin);
  const sigma = (t: number) => sigmaMin * Math.exp(logRatio * t);
  return defineSchedule({
    name: 've',
    alpha: () => 1,
    sigma,
    dAlpha: () => 0,
    dSigma: (t) => logRatio * sigma(t),
    lambda: (t) => -2 * (Math.log(sigmaMin) + logRatio * t),
    dLambda: () => -2 * logRatio,
    tOfLambda: (l) => (-l / 2 - Math.log(sigmaMin)) / logRatio,
  });
}
