import { logSigmoid } from '../math.js';
import { DifflowError, checkFinite, checkPositive } from '../validate.js';
import { defineSchedule, nudged, type Schedule } from './schedule.js';

/**
 * Multiplies α and σ by the same c(t) > 0: λ and t(λ) are unchanged (FRAMEWORK.md §2).
 * @param c the scale c(t); @param dc its derivative.
 * @example
 * ```ts
 * import { flowMatching, rescale } from 'difflow';
 * const fm = flowMatching();
 * const doubled = rescale(fm, () => 2, () => 0, 'fm-doubled');
 * [doubled.sigma(0.5), doubled.lambda(0.5) === fm.lambda(0.5)]; // → [1, true]
 * ```
 */
export function rescale(base: Schedule, c: (t: number) => number, dc: (t: number) => number, name?: string): Schedule {
  const dcLimit = nudged(dc);
  return defineSchedule({
    name: name ?? `rescaled(${base.name})`,
    alpha: (t) => c(t) * base.alpha(t),
    sigma: (t) => c(t) * base.sigma(t),
    dAlpha: (t) => dcLimit(t) * base.alpha(t) + c(t) * base.dAlpha(t),
    dSigma: (t) => dcLimit(t) * base.sigma(t) + c(t) * base.dSigma(t),
    lambda: base.lambda,
    dLambda: base.dLambda,
    tOfLambda: base.tOfLambda,
  });
}

/** n(t) = sqrt(α² + σ²) of a schedule and its derivative n' = (αα' + σσ')/n. */
function norm(base: Schedule) {
  const n = (t: number) => Math.hypot(base.alpha(t), base.sigma(t));
  const dn = (t: number) => (base.alpha(t) * base.dAlpha(t) + base.sigma(t) * base.dSigma(t)) / n(t);
  return { n, dn };
}

/**
 * The schedule part-way to its variance-preserving version: c(t) = n(t)^{−θ}, n = sqrt(α² + σ²).
 * θ = 0 is the schedule itself, θ = 1 its VP version (for flow matching: α = (1−t)/n, σ = t/n).
 * @example
 * ```ts
 * import { flowMatching, rescaleToward } from 'difflow';
 * const halfway = rescaleToward(flowMatching(), 0.5);
 * halfway.sigma(0.5); // → 0.5946
 * ```
 */
export function rescaleToward(base: Schedule, theta: number): Schedule {
  checkFinite('theta', theta, 0, 1);
  const { n, dn } = norm(base);
  return rescale(
    base,
    (t) => n(t) ** -theta,
    (t) => -theta * n(t) ** (-theta - 1) * dn(t),
    theta === 1 ? `vp(${base.name})` : `rescaled(${base.name}, θ=${theta})`,
  );
}

/**
 * The variance-preserving version of any schedule: α/n, σ/n with n = sqrt(α² + σ²).
 * @example
 * ```ts
 * import { flowMatching, vpRescaled } from 'difflow';
 * const s = vpRescaled(flowMatching());
 * s.alpha(0.3) ** 2 + s.sigma(0.3) ** 2; // → 1
 * ```
 */
export function vpRescaled(base: Schedule): Schedule {
  return rescaleToward(base, 1);
}

/**
 * Log-SNR shift (resolution shift): λ'(t) = λ(t) − 2 log s, i.e. σ/α multiplied by s at every t. The base
 * schedule's family is kept:
 * - a variance-preserving base (α² + σ² = 1) stays VP: α' = α/m, σ' = sσ/m, m = sqrt(α² + s²σ²)
 *   (Hoogeboom et al. 2023's shifted cosine);
 * - a base whose λ range holds every shifted λ (λ(1) = −∞ for s > 1, λ(0) = +∞ for s < 1) is read at the time
 *   τ(t) = t_base(λ(t) − 2 log s), dτ/dt = λ'(t)/λ'(τ) (flow matching stays α + σ = 1 and gives SD3's
 *   σ' = sσ/(1 + (s−1)σ));
 * - any other base (a finite λ end that the shift crosses: VE, EDM) keeps α and scales σ: σ' = sσ.
 * @example
 * ```ts
 * import { flowMatching, shifted } from 'difflow';
 * const fm = flowMatching();
 * const s3 = shifted(fm, 3);
 * s3.sigma(0.5) / s3.alpha(0.5); // → 3
 * ```
 */
export function shifted(base: Schedule, s: number): Schedule {
  checkPositive('shift', s);
  const offset = 2 * Math.log(s);
  const name = `shifted(${base.name}, ${s})`;
  // σ/α times s with α kept: the shift itself, and the result for bases that are neither VP nor covered.
  const sigmaScaled = defineSchedule({
    name,
    alpha: base.alpha,
    sigma: (t) => s * base.sigma(t),
    dAlpha: base.dAlpha,
    dSigma: (t) => s * base.dSigma(t),
    lambda: (t) => base.lambda(t) - offset,
    dLambda: base.dLambda,
    tOfLambda: (l) => base.tOfLambda(l + offset),
  });
  if (isVariancePreserving(base)) {
    const m = (t: number) => Math.hypot(base.alpha(t), s * base.sigma(t));
    // m' = (αα' + s²σσ')/m with σσ' = −αα' (VP): finite even where σ' is not.
    const dm = (t: number) => ((1 - s * s) * base.alpha(t) * base.dAlpha(t)) / m(t);
    return rescale(
      sigmaScaled,
      (t) => 1 / m(t),
      (t) => -dm(t) / m(t) ** 2,
      name,
    );
  }
  const [lambdaMin, lambdaMax] = base.lambdaRange;
  const covered = s === 1 || (s > 1 ? lambdaMin === -Infinity : lambdaMax === Infinity);
  return covered ? atShiftedTime(base, sigmaScaled) : sigmaScaled;
}

/**
 * The base read at τ(t) = t_base(λ(t)), λ the shifted schedule's (`shifted`), dτ/dt = λ'(t)/λ'_base(τ). The
 * smaller of α, σ is the larger times the exact ratio at t, and λ'_base(τ) is 2(α'/α − σ'/σ) with those values:
 * both stay accurate where τ rounds to an end (at the last double below t = 1 on shifted(fm, 2), α = 5.6e-17
 * and α' = −½, not 0 and 0).
 */
function atShiftedTime(base: Schedule, shifted: Schedule): Schedule {
  const tau = (t: number) => base.tOfLambda(shifted.lambda(t));
  const sigmaLarger = (t: number) => base.sigma(tau(t)) >= base.alpha(tau(t));
  const alpha = (t: number) => (sigmaLarger(t) ? (base.sigma(tau(t)) * shifted.alpha(t)) / shifted.sigma(t) : base.alpha(tau(t)));
  const sigma = (t: number) => (sigmaLarger(t) ? base.sigma(tau(t)) : (base.alpha(tau(t)) * shifted.sigma(t)) / shifted.alpha(t));
  const dTau = nudged((t) => {
    const r = base.dLambda(t) / (2 * (base.dAlpha(tau(t)) / alpha(t) - base.dSigma(tau(t)) / sigma(t)));
    return Number.isFinite(r) ? r : NaN;
  });
  return defineSchedule({
    name: shifted.name,
    alpha,
    sigma,
    dAlpha: (t) => base.dAlpha(tau(t)) * dTau(t),
    dSigma: (t) => base.dSigma(tau(t)) * dTau(t),
    lambda: shifted.lambda,
    dLambda: shifted.dLambda,
    tOfLambda: shifted.tOfLambda,
  });
}

/** Whether α² + σ² = 1 (to rounding) on a spread of times, end points included. */
function isVariancePreserving(base: Schedule): boolean {
  return [0, 1e-6, 0.1, 0.3, 0.5, 0.7, 0.9, 1 - 1e-6, 1].every((t) => Math.abs(base.alpha(t) ** 2 + base.sigma(t) ** 2 - 1) < 1e-12);
}

/**
 * A variance-preserving schedule from any decreasing λ(t): α = sqrt(sigmoid(λ)), σ = sqrt(sigmoid(−λ)),
 * α' = ½ασ²λ', σ' = −½σα²λ'. Without `dLambda` the derivative is a central difference with step
 * h = min(1e-6, d/100), d the distance to an end where λ is infinite, so that the stencil never reaches that
 * end and (h/d)² bounds the relative error; h is at least 4 ulps of t (one-sided within those of t = 1), the
 * difference one-sided at an end where λ is finite, and dλ/dt = −∞ at an end where λ is infinite. Without
 * `tOfLambda` the inverse is found by bisection. 0·∞ products at the ends use the 1e-9-inside limit.
 * @example
 * ```ts
 * import { fromLambda } from 'difflow';
 * const s = fromLambda({ name: 'linear-lambda', lambda: (t) => 10 - 20 * t, tOfLambda: (l) => (10 - l) / 20 });
 * [s.lambda(0.5), s.alpha(0.5)]; // → [0, 0.7071]
 * ```
 */
export function fromLambda(spec: {
  name?: string;
  lambda: (t: number) => number;
  dLambda?: (t: number) => number;
  tOfLambda?: (lambda: number) => number;
}): Schedule {
  const { lambda } = spec;
  if (!(lambda(0.25) > lambda(0.75))) throw new DifflowError('lambda(t) must decrease in t');
  const dLambda = spec.dLambda ?? centralDifference(lambda);
  const tOfLambda = spec.tOfLambda ?? ((l: number) => bisect((t) => lambda(t) - l));
  // exp(½ log sigmoid(±λ)): σ stays representable (1e-300 at λ = 1381) where sigmoid(−λ) underflows.
  const alpha = (t: number) => Math.exp(0.5 * logSigmoid(lambda(t)));
  const sigma = (t: number) => Math.exp(0.5 * logSigmoid(-lambda(t)));
  return defineSchedule({
    name: spec.name ?? 'from-lambda',
    alpha,
    sigma,
    dAlpha: nudged((t) => 0.5 * alpha(t) * sigma(t) ** 2 * dLambda(t)),
    dSigma: nudged((t) => -0.5 * sigma(t) * alpha(t) ** 2 * dLambda(t)),
    lambda,
    dLambda,
    tOfLambda,
  });
}

/** dλ/dt by central differences that stay clear of an infinite end value (see `fromLambda`). */
function centralDifference(lambda: (t: number) => number): (t: number) => number {
  const infiniteAt0 = !Number.isFinite(lambda(0));
  const infiniteAt1 = !Number.isFinite(lambda(1));
  return (t) => {
    if ((t === 0 && infiniteAt0) || (t === 1 && infiniteAt1)) return -Infinity;
    const room = Math.min(infiniteAt0 ? t : Infinity, infiniteAt1 ? 1 - t : Infinity);
    // At least 4 ulps of t; within those of an infinite λ(1) the difference is one-sided.
    const h = Math.max(Math.min(1e-6, room / 100), 4 * Number.EPSILON * t);
    const lo = Math.max(0, t - h);
    const hi = t + h >= 1 && infiniteAt1 ? t : Math.min(1, t + h);
    return (lambda(hi) - lambda(lo)) / (hi - lo);
  };
}

/** The root in [0, 1] of a decreasing function, by bisection to double precision. */
function bisect(f: (t: number) => number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
