import { sigmoid } from '../math.js';
import { checkFinite, checkName } from '../validate.js';
import { EDM_P_MEAN, EDM_P_STD } from './density.js';

/**
 * Weightings w(λ) of the ε-MSE (FRAMEWORK.md §6, Kingma & Gao 2023): the loss is
 * E_{t~U}[w(λ_t)·(−dλ/dt)·‖ε̂ − ε‖²]. Each is given up to a constant, as in the original post.
 */
export type WeightingName = 'fm' | 'eps-cosine' | 'v-cosine' | 'edm' | 'sd3' | 'sigmoid' | 'elbo';
export const WEIGHTING_NAMES: readonly WeightingName[] = ['fm', 'eps-cosine', 'v-cosine', 'edm', 'sd3', 'sigmoid', 'elbo'];

/** A weighting: w(λ) ≥ 0, with its name. */
export interface Weighting {
  readonly name: WeightingName;
  w(lambda: number): number;
}

/** EDM's σ_data, the data's standard deviation its preconditioning assumes. */
const EDM_SIGMA_DATA = 0.5;

const gaussianPdf = (x: number, mean: number, std: number) => Math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * Math.sqrt(2 * Math.PI));

/**
 * The weighting `name`; `bias` is the b of sigmoid(b − λ) (default 0).
 * @example
 * ```ts
 * import { WEIGHTING_NAMES, weighting } from 'difflow';
 * WEIGHTING_NAMES.length; // → 7
 * weighting('sigmoid', { bias: 2 }).w(2); // → 0.5
 * weighting('fm').w(0); // → 0.5
 * ```
 */
export function weighting(name: string, options: { bias?: number } = {}): Weighting {
  const checked = checkName('weighting', name, WEIGHTING_NAMES);
  const b = options.bias ?? 0;
  checkFinite('bias', b);
  const w: Record<WeightingName, (lambda: number) => number> = {
    // û-MSE with t ~ U on flow matching; equals v-MSE on cosine up to 2/π.
    fm: (l) => 0.5 * Math.exp(-l / 2),
    // ε-MSE with t ~ U on cosine: 1/(−dλ/dt) = ασ/π.
    'eps-cosine': (l) => 1 / (2 * Math.PI * Math.cosh(l / 2)),
    // v-MSE with t ~ U on cosine.
    'v-cosine': (l) => Math.exp(-l / 2) / Math.PI,
    // EDM: ln σ ~ N(P_mean, P_std²) (so λ ~ N(−2 P_mean, (2 P_std)²), as edmDensity) and x-MSE weight (σ² + σ_data²)/(σ σ_data)².
    edm: (l) => gaussianPdf(l, -2 * EDM_P_MEAN, 2 * EDM_P_STD) * (Math.exp(-l) + EDM_SIGMA_DATA ** 2),
    // SD3: logit-normal t on flow matching (λ ~ N(0, 2²)) with û-MSE.
    sd3: (l) => gaussianPdf(l, 0, 2) * (1 + Math.exp(-l / 2)) ** 2,
    sigmoid: (l) => sigmoid(b - l),
    elbo: () => 1,
  };
  return { name: checked, w: w[checked] };
}
