import { logSigmoid } from '../math.js';
import { defineSchedule, type Schedule } from './schedule.js';
import { checkPositive } from '../validate.js';

/**
 * Linear-β VP (continuous-time DDPM, Song et al. 2021): β(t) = β₀ + (β₁ − β₀)t,
 * log α = −½∫₀ᵗ β = −½(β₀t + ½(β₁ − β₀)t²), σ = sqrt(1 − α²); dλ/dt = −β/σ².
 * σ'(0) = +∞ (σ ≈ sqrt(β₀ t) near 0).
 * @example
 * ```ts
 * import { linearVP } from 'difflow';
 * const s = linearVP({ beta0: 0.1, beta1: 20 });
 * s.alpha(1); // → 0.006572
 * s.alpha(0.5) ** 2 + s.sigma(0.5) ** 2; // → 1
 * ```
 */
export function linearVP(options: { beta0?: number; beta1?: number } = {}): Schedule {
  const beta0 = options.beta0 ?? 0.1;
  const beta1 = options.beta1 ?? 20;
  checkPositive('beta0', beta0);
  checkPositive('beta1', beta1);
  const delta = beta1 - beta0;
  const beta = (t: number) => beta0 + delta * t;
  /** γ = log α² */
  const gamma = (t: number) => -(beta0 * t + 0.5 * delta * t * t);
  const alpha = (t: number) => Math.exp(0.5 * gamma(t));
  const sigma = (t: number) => Math.sqrt(-Math.expm1(gamma(t)));
  return defineSchedule({
    name: 'linear-vp',
    alpha,
    sigma,
    dAlpha: (t) => -0.5 * beta(t) * alpha(t),
    dSigma: (t) => (0.5 * beta(t) * Math.exp(gamma(t))) / sigma(t),
    lambda: (t) => gamma(t) - Math.log(-Math.expm1(gamma(t))),
    dLambda: (t) => -beta(t) / -Math.expm1(gamma(t)),
    tOfLambda: (l) => {
      // Solve ½Δt² + β₀t + γ = 0 (γ = log sigmoid(λ) ≤ 0) in the cancellation-free form.
      const g = logSigmoid(l);
      if (delta === 0) return -g / beta0;
      return (-2 * g) / (beta0 + Math.sqrt(beta0 * beta0 - 2 * delta * g));
    },
  });
}
