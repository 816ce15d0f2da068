/**
 * How a diffusers class limits x̂ before its step: clip_sample (x̂ clipped to ±range) or Imagen's dynamic
 * thresholding (Saharia et al. 2022: per sample, s = the `ratio` quantile of |x̂| clamped to
 * [1, sample_max_value], x̂ → clip(x̂, −s, s)/s), and whether ε̂ is then kept (DDIM:
 * use_clipped_model_output = false) or recomputed from the limited x̂ (DDPM's posterior mean, Heun).
 */
import type { Denoised } from '../denoiser.js';
import { DifflowError, checkInteger } from '../validate.js';
import { bool, num } from './config.js';

export type XLimit = (x: Float64Array) => Float64Array;

export const clipKeys = (clipByDefault: boolean) => ({
  clip_sample: bool(clipByDefault, 'clip x̂ to [−clip_sample_range, clip_sample_range]'),
  clip_sample_range: num(1, 'the clipping range of x̂'),
});

export const thresholdingKeys = {
  thresholding: bool(false, 'dynamic thresholding of x̂ (needs the per-sample size: fromDiffusersConfig(…, { sampleSize }))'),
  dynamic_thresholding_ratio: num(0.995, 'the quantile of abs(x̂) that sets the threshold'),
  sample_max_value: num(1, 'the largest threshold'),
} as const;

/** x̂ clipped to ±range. */
export const clipX =
  (range: number): XLimit =>
  (x) =>
    x.map((v) => Math.min(range, Math.max(-range, v)));

/** torch.quantile (linear interpolation) of sorted values at q ∈ [0, 1]. */
function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}

/** Dynamic thresholding of each sample of `sampleSize` values; torch.clamp(s, 1, max) gives max where max < 1. */
export function dynamicThreshold(ratio: number, maxValue: number, sampleSize: number): XLimit {
  return (x) => {
    if (x.length % sampleSize !== 0)
      throw new DifflowError(`thresholding: ${x.length} values are not a whole number of samples of ${sampleSize}`);
    const out = new Float64Array(x.length);
    for (let b = 0; b < x.length; b += sampleSize) {
      const sample = x.subarray(b, b + sampleSize);
      const s = Math.min(Math.max(quantile(sample.map(Math.abs).sort(), ratio), 1), maxValue);
      for (let k = 0; k < sampleSize; k++) out[b + k] = Math.min(s, Math.max(-s, sample[k])) / s;
    }
    return out;
  };
}

interface LimitConfig {
  readonly thresholding: boolean;
  readonly dynamic_thresholding_ratio: number;
  readonly sample_max_value: number;
  readonly clip_sample?: boolean;
  readonly clip_sample_range?: number;
}

/** The class's x̂ limit (thresholding before clip_sample, as in diffusers), or none. */
export function xLimit(className: string, c: LimitConfig, sampleSize: number | undefined): XLimit | undefined {
  if (c.thresholding) {
    if (sampleSize === undefined)
      throw new DifflowError(`${className} with thresholding needs options.sampleSize (the values per sample, e.g. C·H·W)`);
    checkInteger('sampleSize', sampleSize, 1);
    return dynamicThreshold(c.dynamic_thresholding_ratio, c.sample_max_value, sampleSize);
  }
  return c.clip_sample ? clipX(c.clip_sample_range ?? 1) : undefined;
}

/** x̂ limited; ε̂ kept or recomputed from the limited x̂ (where σ > 0). */
export function limited(d: Denoised, z: Float64Array, alpha: number, sigma: number, limit: XLimit, recomputeEps: boolean): Denoised {
  const x = limit(d.x);
  const eps = recomputeEps && sigma > 0 ? z.map((zk, k) => (zk - alpha * x[k]) / sigma) : d.eps;
  return { x, eps };
}
