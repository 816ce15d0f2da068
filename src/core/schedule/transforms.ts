import { sigmoid } from '../math.js';
import { DifflowError, checkFinite, checkPositive } from '../validate.js';
import { defineSchedule, nudged, type Schedule } from './schedule.js';

/**
 * Multiplies α and σ by the same c(t) > 0: λ and t(λ) are unchanged (FRAMEWORK.md §2).
 * @param c the scale c(t); @param dc its derivative.
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

/** The variance-preserving version of any schedule: α/n, σ/n with n = sqrt(α² + σ²). */
export function vpRescaled(base: Schedule): Schedule {
  return rescaleToward(base, 1);
}

/**
 * Log-SNR shift (resolution shift): λ'(t) = λ(t) − 2 log s, realised as the base schedule at the time
 * τ(t) = t_base(λ(t) − 2 log s), so a schedule keeps its family (flow matching stays α + σ = 1 and gives
 * SD3's σ' = sσ/(1 + (s−1)σ)). dτ/dt = λ'(t)/λ'(τ), taken 1e-9 inside at the end points.
 */
export function shifted(base: Schedule, s: number): Schedule {
  checkPositive('shift', s);
  const offset = 2 * Math.log(s);
  const tau = (t: number) => (t === 0 || t === 1 ? t : base.tOfLambda(base.lambda(t) - offset));
  const dTau = nudged((t) => {
    const r = base.dLambda(t) / base.dLambda(tau(t));
    return Number.isFinite(r) ? r : NaN;
  });
  return defineSchedule({
    name: `shifted(${base.name}, ${s})`,
    alpha: (t) => base.alpha(tau(t)),
    sigma: (t) => base.sigma(tau(t)),
    dAlpha: (t) => base.dAlpha(tau(t)) * dTau(t),
    dSigma: (t) => base.dSigma(tau(t)) * dTau(t),
    lambda: (t) => base.lambda(t) - offset,
    dLambda: base.dLambda,
    tOfLambda: (l) => base.tOfLambda(l + offset),
  });
}

/**
 * A variance-preserving schedule from any decreasing λ(t): α = sqrt(sigmoid(λ)), σ = sqrt(sigmoid(−λ)),
 * α' = ½ασ²λ', σ' = −½σα²λ'. Without `dLambda` the derivative is a central difference (h = 1e-6);
 * without `tOfLambda` the inverse is found by bisection. 0·∞ products at the ends use the 1e-9-inside limit.
 */
export function fromLambda(spec: {
  name?: string;
  lambda: (t: number) => number;
  dLambda?: (t: number) => number;
  tOfLambda?: (lambda: number) => number;
}): Schedule {
  const { lambda } = spec;
  if (!(lambda(0.25) > lambda(0.75))) throw new DifflowError('lambda(t) must decrease in t');
  const dLambda =
    spec.dLambda ??
    ((t: number) => {
      const h = 1e-6;
      const lo = Math.max(0, t - h);
      const hi = Math.min(1, t + h);
      return (lambda(hi) - lambda(lo)) / (hi - lo);
    });
  const tOfLambda = spec.tOfLambda ?? ((l: number) => bisect((t) => lambda(t) - l));
  const alpha = (t: number) => Math.sqrt(sigmoid(lambda(t)));
  const sigma = (t: number) => Math.sqrt(sigmoid(-lambda(t)));
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
