import { mseWeight, type OutputKind } from '../outputs.js';
import type { Schedule } from '../schedule/index.js';
import type { TimeDensity } from './density.js';
import type { Weighting } from './weighting.js';

/**
 * The weight of one training example's ε-MSE when t was drawn from `density`: w(λ)/p(λ)
 * (= w(λ)·|dλ/dt| for uniform t), so that E_t[weight·‖ε̂ − ε‖²] = ∫ w(λ) E‖ε̂ − ε‖² dλ (FRAMEWORK.md §6).
 * @example
 * ```ts
 * import { epsLossWeight, flowMatching, uniformDensity, weighting } from 'difflow';
 * // flow matching's loss: w = 'fm' with t ~ U(0, 1), as an ε-MSE weight
 * epsLossWeight(weighting('fm'), uniformDensity(), flowMatching(), 0.5); // → 4
 * ```
 */
export function epsLossWeight(weighting: Weighting, density: TimeDensity, schedule: Schedule, t: number): number {
  const lambda = schedule.lambda(t);
  return weighting.w(lambda) / density.pdfLambda(lambda, schedule);
}

/**
 * The weight on the MSE of the network's own output: the ε-MSE weight divided by that output's MSE factor
 * (outputs.ts `mseWeight`), so that weight·‖ô − o‖² = epsLossWeight·‖ε̂ − ε‖².
 * @example
 * ```ts
 * import { flowMatching, outputLossWeight, uniformDensity, weighting } from 'difflow';
 * // flow matching's loss is the plain u-MSE: weight 1 at every t
 * outputLossWeight(weighting('fm'), uniformDensity(), flowMatching(), 'u', 0.5); // → 1
 * outputLossWeight(weighting('fm'), uniformDensity(), flowMatching(), 'u', 0.9); // → 1
 * ```
 */
export function outputLossWeight(weighting: Weighting, density: TimeDensity, schedule: Schedule, output: OutputKind, t: number): number {
  return epsLossWeight(weighting, density, schedule, t) / mseWeight(output, schedule.alpha(t), schedule.sigma(t));
}
