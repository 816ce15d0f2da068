import { logit, sigmoid } from '../math.js';
import type { Rng } from '../rng.js';
import type { Schedule } from '../schedule/index.js';
import { DifflowError, checkFinite, checkName, checkPositive } from '../validate.js';

/**
 * Training-time densities (FRAMEWORK.md §6): how t is drawn during training. Each gives its sampler and
 * the induced density of λ on a schedule, p(λ), so a loss can be weighted by w(λ)/p(λ).
 */
export type DensityName = 'uniform' | 'logit-normal' | 'edm' | 'cosine';
export const DENSITY_NAMES: readonly DensityName[] = ['uniform', 'logit-normal', 'edm', 'cosine'];

export interface TimeDensity {
  readonly name: DensityName;
  /** A training time t ∈ [0, 1] on `schedule`. */
  sampleT(rng: Rng, schedule: Schedule): number;
  /** The density of λ = λ(t) when t is drawn by `sampleT` on `schedule`. */
  pdfLambda(lambda: number, schedule: Schedule): number;
}

const normalPdf = (x: number, mean: number, std: number) => Math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * Math.sqrt(2 * Math.PI));

/**
 * Uniform t ~ U(0, 1): p(λ) = 1/|λ'(t(λ))|.
 * @example
 * ```ts
 * import { flowMatching, rng, uniformDensity } from 'difflow';
 * const fm = flowMatching();
 * const p = uniformDensity();
 * p.sampleT(rng(0), fm); // → 0.2864
 * p.pdfLambda(0, fm); // → 0.125
 * ```
 */
export function uniformDensity(): TimeDensity {
  return {
    name: 'uniform',
    sampleT: (rng) => rng.uniform(),
    pdfLambda: (l, s) => 1 / Math.abs(s.dLambda(s.tOfLambda(l))),
  };
}

/**
 * Logit-normal t = sigmoid(m + s·n), n ~ N(0, 1) (Esser et al. 2024, SD3; defaults m = 0, s = 1).
 * @example
 * ```ts
 * import { flowMatching, logitNormalDensity, rng } from 'difflow';
 * const fm = flowMatching();
 * const p = logitNormalDensity({ mean: 0, std: 1 });
 * p.sampleT(rng(0), fm); // → 0.681
 * p.pdfLambda(0, fm); // → 0.1995
 * ```
 */
export function logitNormalDensity(options: { mean?: number; std?: number } = {}): TimeDensity {
  const m = options.mean ?? 0;
  const sd = options.std ?? 1;
  checkFinite('mean', m);
  checkPositive('std', sd);
  return {
    name: 'logit-normal',
    sampleT: (rng) => sigmoid(m + sd * rng.normal()),
    pdfLambda: (l, s) => {
      const t = s.tOfLambda(l);
      return normalPdf(logit(t), m, sd) / (t * (1 - t) * Math.abs(s.dLambda(t)));
    },
  };
}

/** EDM's defaults of P_mean and P_std (Karras et al. 2022), read by `edmDensity` and the `edm` weighting. */
export const EDM_P_MEAN = -1.2;
export const EDM_P_STD = 1.2;

/**
 * EDM's log-normal ln σ̃ ~ N(P_mean, P_std²) (Karras et al. 2022; σ̃ = e^{−λ/2}, defaults EDM_P_MEAN, EDM_P_STD), i.e.
 * λ ~ N(−2 P_mean, (2 P_std)²), mapped to t by the schedule (λ beyond its range lands on the end).
 * @example
 * ```ts
 * import { edm, edmDensity, rng } from 'difflow';
 * const s = edm();
 * const p = edmDensity({ pMean: -1.2, pStd: 1.2 });
 * s.sigma(p.sampleT(rng(0), s)); // → 0.7483
 * p.pdfLambda(2.4, s); // → 0.1662
 * ```
 */
export function edmDensity(options: { pMean?: number; pStd?: number } = {}): TimeDensity {
  const pMean = options.pMean ?? EDM_P_MEAN;
  const pStd = options.pStd ?? EDM_P_STD;
  checkFinite('pMean', pMean);
  checkPositive('pStd', pStd);
  return {
    name: 'edm',
    sampleT: (rng, s) => s.tOfLambda(-2 * (pMean + pStd * rng.normal())),
    pdfLambda: (l) => normalPdf(l, -2 * pMean, 2 * pStd),
  };
}

/**
 * The cosine schedule's λ density, p(λ) = sech(λ/2)/(2π), truncated to [λ_min, λ_max] (defaults ±15) and
 * sampled by its inverse CDF λ = 2 log tan(πu/2).
 * @example
 * ```ts
 * import { cosine, cosineDensity } from 'difflow';
 * cosineDensity().pdfLambda(0, cosine()); // → 0.1593
 * ```
 */
export function cosineDensity(options: { lambdaMin?: number; lambdaMax?: number } = {}): TimeDensity {
  const lambdaMin = options.lambdaMin ?? -15;
  const lambdaMax = options.lambdaMax ?? 15;
  checkFinite('lambdaMin', lambdaMin);
  checkFinite('lambdaMax', lambdaMax);
  if (!(lambdaMin < lambdaMax)) throw new DifflowError(`lambdaMin must be below lambdaMax, got ${lambdaMin} ≥ ${lambdaMax}`);
  const cdf = (l: number) => (2 / Math.PI) * Math.atan(Math.exp(l / 2));
  const [lo, hi] = [cdf(lambdaMin), cdf(lambdaMax)];
  return {
    name: 'cosine',
    sampleT: (rng, s) => s.tOfLambda(2 * Math.log(Math.tan((Math.PI / 2) * (lo + (hi - lo) * rng.uniform())))),
    pdfLambda: (l) => (l < lambdaMin || l > lambdaMax ? 0 : 1 / (2 * Math.PI * Math.cosh(l / 2) * (hi - lo))),
  };
}

/**
 * A density by name with its defaults.
 * @example
 * ```ts
 * import { DENSITY_NAMES, densityByName, flowMatching } from 'difflow';
 * DENSITY_NAMES; // → ['uniform', 'logit-normal', 'edm', 'cosine']
 * densityByName('logit-normal').pdfLambda(0, flowMatching()); // → 0.1995
 * ```
 */
export function densityByName(name: string): TimeDensity {
  const checked = checkName('time density', name, DENSITY_NAMES);
  return { uniform: uniformDensity, 'logit-normal': logitNormalDensity, edm: edmDensity, cosine: cosineDensity }[checked]();
}
