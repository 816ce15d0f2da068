import { DifflowError, checkTime } from '../validate.js';

/**
 * A noise schedule: the forward process z_t = α_t x + σ_t ε on t ∈ [0, 1] (t = 0 data, t = 1 noise),
 * its derivatives, the log signal-to-noise ratio λ_t = log(α_t²/σ_t²) and the inverse t(λ).
 *
 * End points: λ decreases in t and `lambdaRange = [λ(1), λ(0)]`; an end where σ or α vanishes has
 * λ = +∞ or −∞ exactly (flow matching: λ(0) = +∞, λ(1) = −∞), and dλ/dt is ±∞ there too. σ'(0) is +∞ for
 * schedules whose σ² grows linearly from 0 (linear-β VP, the DDPM tables). Nothing returns NaN.
 * `tOfLambda` maps λ outside `lambdaRange` to the nearest end (t = 0 above the range, t = 1 below).
 */
export interface Schedule {
  readonly name: string;
  /** [λ(1), λ(0)]; entries may be ∓Infinity. */
  readonly lambdaRange: readonly [number, number];
  alpha(t: number): number;
  sigma(t: number): number;
  /** dα/dt */
  dAlpha(t: number): number;
  /** dσ/dt */
  dSigma(t: number): number;
  /** λ_t = log(α_t²/σ_t²) */
  lambda(t: number): number;
  /** dλ/dt (≤ 0) */
  dLambda(t: number): number;
  /** The t with λ(t) = lambda, clamped to [0, 1]. */
  tOfLambda(lambda: number): number;
}

/** The raw functions of a schedule; λ and dλ/dt default to 2 log(α/σ) and 2(α'/α − σ'/σ). */
export interface ScheduleSpec {
  readonly name: string;
  alpha(t: number): number;
  sigma(t: number): number;
  dAlpha(t: number): number;
  dSigma(t: number): number;
  lambda?(t: number): number;
  dLambda?(t: number): number;
  tOfLambda(lambda: number): number;
}

/**
 * Builds a validated, frozen schedule: every function rejects t ∉ [0, 1] and λ = NaN with a named error.
 * @example
 * ```ts
 * import { defineSchedule } from 'difflow';
 * const fm = defineSchedule({
 *   name: 'my-fm', alpha: (t) => 1 - t, sigma: (t) => t, dAlpha: () => -1, dSigma: () => 1,
 *   tOfLambda: (l) => 1 / (1 + Math.exp(l / 2)),
 * });
 * fm.lambda(0.5); // → 0
 * fm.alpha(2); // throws
 * ```
 */
export function defineSchedule(spec: ScheduleSpec): Schedule {
  const lambda = spec.lambda ?? ((t: number) => 2 * (Math.log(spec.alpha(t)) - Math.log(spec.sigma(t))));
  const dLambda = spec.dLambda ?? ((t: number) => 2 * (spec.dAlpha(t) / spec.alpha(t) - spec.dSigma(t) / spec.sigma(t)));
  const lambdaRange = [lambda(1), lambda(0)] as const;
  const timed = (f: (t: number) => number) => (t: number) => {
    checkTime('t', t);
    return f(t);
  };
  return Object.freeze({
    name: spec.name,
    lambdaRange,
    alpha: timed(spec.alpha),
    sigma: timed(spec.sigma),
    dAlpha: timed(spec.dAlpha),
    dSigma: timed(spec.dSigma),
    lambda: timed(lambda),
    dLambda: timed(dLambda),
    tOfLambda(l: number): number {
      if (Number.isNaN(l)) throw new DifflowError('lambda must not be NaN');
      if (l >= lambdaRange[1]) return 0;
      if (l <= lambdaRange[0]) return 1;
      return Math.min(1, Math.max(0, spec.tOfLambda(l)));
    },
  });
}

/**
 * The one-sided limit of a derivative-like quantity at an end point where its formula gives NaN
 * (a 0·∞ product): evaluated `1e-9` inside [0, 1]. Used only for quantities whose limit is finite.
 */
export function nudged(f: (t: number) => number): (t: number) => number {
  return (t) => {
    const v = f(t);
    return Number.isNaN(v) ? f(Math.min(1 - 1e-9, Math.max(1e-9, t))) : v;
  };
}
