/**
 * How far inside [0, 1] each use of a model keeps its times, stated once. An ε-output says nothing about x̂
 * where α = 0 (t = 1 on flow matching and cosine), so sampling starts 1e-3 and the likelihood 1e-4 below
 * t = 1 there; training keeps every t 1e-5 inside [0, 1], where every output's target and weight are finite;
 * the likelihood stops 1e-5 above t = 0, where the probability-flow velocity is singular.
 */
import type { OutputKind } from './outputs.js';
import type { Schedule } from './schedule/index.js';

/** The margins, by use: `noise` below t = 1 (for sampling and the likelihood only where the model is blind there), `data` above t = 0. */
export const TIME_MARGINS = {
  sampling: { noise: 1e-3, data: 0 },
  likelihood: { noise: 1e-4, data: 1e-5 },
  training: { noise: 1e-5, data: 1e-5 },
} as const;

export type TimeUse = keyof typeof TIME_MARGINS;

/**
 * t clamped into the training range, the same for every output: [1e-5, 1 − 1e-5].
 * @example
 * ```ts
 * import { trainingTime } from 'difflow';
 * trainingTime(1); // → 0.99999
 * trainingTime(0.3); // → 0.3
 * ```
 */
export function trainingTime(t: number): number {
  const { noise, data } = TIME_MARGINS.training;
  return Math.min(1 - noise, Math.max(data, t));
}

/**
 * Whether a model of `output` has no x̂ at t = 1 on `schedule`: an ε-output where α(1) = 0.
 * @example
 * ```ts
 * import { blindAtNoise, flowMatching } from 'difflow';
 * blindAtNoise(flowMatching(), 'eps'); // → true
 * blindAtNoise(flowMatching(), 'u'); // → false
 * ```
 */
export function blindAtNoise(schedule: Schedule, output: OutputKind): boolean {
  return output === 'eps' && schedule.alpha(1) === 0;
}

/**
 * The times [tMin, tMax] a model of `output` on `schedule` is used at for `use`. Sampling and the likelihood
 * stop short of t = 1 only where the model is blind there; training stays inside at both ends for every output.
 * @example
 * ```ts
 * import { cosine, safeTimeRange } from 'difflow';
 * safeTimeRange(cosine(), 'eps', 'sampling').tMax; // → 0.999
 * safeTimeRange(cosine(), 'v', 'likelihood').tMin; // → 1e-5
 * ```
 */
export function safeTimeRange(schedule: Schedule, output: OutputKind, use: TimeUse): { readonly tMin: number; readonly tMax: number } {
  const { noise, data } = TIME_MARGINS[use];
  const tMax = use === 'training' || blindAtNoise(schedule, output) ? 1 - noise : 1;
  return { tMin: data, tMax };
}
