import { defineSchedule, type Schedule } from './schedule.js';

const HALF_PI = Math.PI / 2;

/**
 * Cosine (VP): α = cos(πt/2), σ = sin(πt/2), λ = −2 log tan(πt/2), t(λ) = (2/π) atan(e^{−λ/2}).
 * Each of α, σ is evaluated from the end where it is small, so α(1) = 0 and σ(0) = 0 exactly.
 * @example
 * ```ts
 * import { cosine } from 'difflow';
 * const s = cosine();
 * s.alpha(0.5) ** 2 + s.sigma(0.5) ** 2; // → 1
 * s.lambda(0.5); // → 0
 * ```
 */
export function cosine(): Schedule {
  const alpha = (t: number) => (t < 0.5 ? Math.cos(HALF_PI * t) : Math.sin(HALF_PI * (1 - t)));
  const sigma = (t: number) => (t > 0.5 ? Math.cos(HALF_PI * (1 - t)) : Math.sin(HALF_PI * t));
  return defineSchedule({
    name: 'cosine',
    alpha,
    sigma,
    dAlpha: (t) => -HALF_PI * sigma(t),
    dSigma: (t) => HALF_PI * alpha(t),
    dLambda: (t) => -Math.PI / (alpha(t) * sigma(t)),
    tOfLambda: (l) => (l >= 0 ? Math.atan(Math.exp(-l / 2)) / HALF_PI : 1 - Math.atan(Math.exp(l / 2)) / HALF_PI),
  });
}
