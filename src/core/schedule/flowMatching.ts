import { sigmoid } from '../math.js';
import { defineSchedule, type Schedule } from './schedule.js';

/**
 * Flow matching / rectified flow: α = 1 − t, σ = t, λ = 2 log((1 − t)/t), t(λ) = sigmoid(−λ/2).
 * @example
 * ```ts
 * import { flowMatching } from 'difflow';
 * const s = flowMatching();
 * [s.alpha(0.25), s.sigma(0.25)]; // → [0.75, 0.25]
 * s.tOfLambda(s.lambda(0.25)); // → 0.25
 * ```
 */
export function flowMatching(): Schedule {
  return defineSchedule({
    name: 'fm',
    alpha: (t) => 1 - t,
    sigma: (t) => t,
    dAlpha: () => -1,
    dSigma: () => 1,
    lambda: (t) => 2 * (Math.log1p(-t) - Math.log(t)),
    dLambda: (t) => -2 / (t * (1 - t)),
    tOfLambda: (l) => sigmoid(-l / 2),
  });
}
