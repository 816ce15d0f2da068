import type { Schedule } from '../schedule/index.js';
import { DifflowError, checkArrayFinite, checkBatch, checkInteger } from '../validate.js';
import { makeOracle, type Oracle } from './oracle.js';

/** An isotropic Gaussian mixture Σ_k π_k N(μ_k, s_k² I); s_k = 0 components are points (a finite data set). */
export interface Mixture {
  readonly dim: number;
  /** [K] mixture weights, summing to 1. */
  readonly weights: Float64Array;
  /** [K·dim] component means. */
  readonly means: Float64Array;
  /** [K] component standard deviations (≥ 0). */
  readonly stds: Float64Array;
}

/**
 * Validates and normalises a mixture description.
 * @example
 * ```ts
 * import { mixture } from 'difflow';
 * const m = mixture({ dim: 1, means: [-1, 1], stds: 0.5, weights: [1, 3] });
 * m.weights; // → [0.25, 0.75]
 * m.stds; // → [0.5, 0.5]
 * ```
 */
export function mixture(spec: {
  dim: number;
  means: ArrayLike<number>;
  stds: ArrayLike<number> | number;
  weights?: ArrayLike<number>;
}): Mixture {
  checkInteger('dim', spec.dim);
  const K = checkBatch('means', spec.means, spec.dim);
  const stds = typeof spec.stds === 'number' ? new Float64Array(K).fill(spec.stds) : Float64Array.from(spec.stds);
  if (stds.length !== K) throw new DifflowError(`stds must have one entry per component (${K}), got ${stds.length}`);
  if (stds.some((s) => !(s >= 0) || !Number.isFinite(s))) throw new DifflowError('stds must be finite and ≥ 0');
  const weights = spec.weights ? Float64Array.from(spec.weights) : new Float64Array(K).fill(1);
  if (weights.length !== K) throw new DifflowError(`weights must have one entry per component (${K}), got ${weights.length}`);
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new DifflowError('weights must be finite and ≥ 0');
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new DifflowError('weights must not all be zero');
  checkArrayFinite('means', spec.means);
  return { dim: spec.dim, weights: weights.map((w) => w / total), means: Float64Array.from(spec.means), stds };
}

/**
 * The Gaussian N(μ, s²I) as a one-component mixture.
 * @example
 * ```ts
 * import { gaussian } from 'difflow';
 * const g = gaussian([0, 2], 0.5); // N((0, 2), 0.25 I)
 * [g.dim, g.weights.length]; // → [2, 1]
 * ```
 */
export function gaussian(mean: ArrayLike<number>, std: number): Mixture {
  return mixture({ dim: mean.length, means: mean, stds: [std] });
}

/**
 * A finite data set [N·dim] as an equal-weight mixture of points.
 * @example
 * ```ts
 * import { pointSet } from 'difflow';
 * const data = pointSet([0, 0, 1, 1, 2, 0], 2); // three points in 2-D
 * [data.weights.length, data.stds[0]]; // → [3, 0]
 * ```
 */
export function pointSet(points: ArrayLike<number>, dim: number): Mixture {
  const N = checkBatch('points', points, dim);
  return mixture({ dim, means: points, stds: new Float64Array(N) });
}

/**
 * The exact denoiser of a mixture (FRAMEWORK.md §7): responsibilities r_k ∝ π_k N(z; αμ_k, v_k I) with
 * v_k = α²s_k² + σ², then x̂ = Σ r_k (μ_k + α s_k²/v_k (z − αμ_k)) and ε̂ = Σ r_k σ/v_k (z − αμ_k), both
 * in closed form (no division by α or σ), so they are exact at every t where some v_k > 0.
 * @example
 * ```ts
 * import { flowMatching, gaussian, mixtureOracle, rng } from 'difflow';
 * const oracle = mixtureOracle(gaussian([0], 1), flowMatching());
 * oracle.denoise(Float64Array.of(1), 0.5).x; // → [1]
 * oracle.logDensity(Float64Array.of(0), 0); // → [-0.9189]
 * oracle.sample(3, rng(0)).length; // → 3
 * ```
 */
export function mixtureOracle(data: Mixture, schedule: Schedule): Oracle {
  const { dim, weights, means, stds } = data;
  const K = weights.length;
  const logWeights = weights.map(Math.log);

  /** Per-row log N(z; αμ_k, v_k I) + log π_k into `logr` [K]; returns log-sum-exp. */
  function responsibilities(z: Float64Array, row: number, alpha: number, v: Float64Array, logr: Float64Array): number {
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const d = z[row * dim + j] - alpha * means[k * dim + j];
        d2 += d * d;
      }
      logr[k] = logWeights[k] - (0.5 * d2) / v[k] - 0.5 * dim * Math.log(2 * Math.PI * v[k]);
      if (logr[k] > max) max = logr[k];
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(logr[k] - max);
    return max + Math.log(sum);
  }

  function variances(alpha: number, sigma: number): Float64Array {
    const v = stds.map((s) => alpha * alpha * s * s + sigma * sigma);
    if (v.some((vk, k) => vk === 0 && weights[k] > 0)) {
      throw new DifflowError('this mixture has point components: its denoiser is undefined where σ = 0 (t = 0)');
    }
    return v;
  }

  return makeOracle(schedule, dim, {
    denoise(z, _t, alpha, sigma) {
      const n = z.length / dim;
      const v = variances(alpha, sigma);
      const x = new Float64Array(z.length);
      const eps = new Float64Array(z.length);
      const logr = new Float64Array(K);
      for (let row = 0; row < n; row++) {
        const lse = responsibilities(z, row, alpha, v, logr);
        for (let k = 0; k < K; k++) {
          const r = Math.exp(logr[k] - lse);
          if (r === 0) continue;
          const cx = (alpha * stds[k] * stds[k]) / v[k];
          const ce = sigma / v[k];
          for (let j = 0; j < dim; j++) {
            const i = row * dim + j;
            const d = z[i] - alpha * means[k * dim + j];
            x[i] += r * (means[k * dim + j] + cx * d);
            eps[i] += r * ce * d;
          }
        }
      }
      return { x, eps };
    },
    logDensity(z, _t, alpha, sigma) {
      const n = z.length / dim;
      const v = variances(alpha, sigma);
      const out = new Float64Array(n);
      const logr = new Float64Array(K);
      for (let row = 0; row < n; row++) out[row] = responsibilities(z, row, alpha, v, logr);
      return out;
    },
    sample(n, rng) {
      checkInteger('n', n);
      const out = new Float64Array(n * dim);
      const cdf = new Float64Array(K);
      weights.reduce((acc, w, k) => (cdf[k] = acc + w), 0);
      for (let row = 0; row < n; row++) {
        const u = rng.uniform();
        let k = 0;
        while (k < K - 1 && u >= cdf[k]) k++;
        for (let j = 0; j < dim; j++) out[row * dim + j] = means[k * dim + j] + stds[k] * rng.normal();
      }
      return out;
    },
  });
}

/**
 * The exact probability-flow path of Gaussian data N(μ, s²I) through z at time t0:
 * z_t = α_t μ + sqrt(α_t² s² + σ_t²) ξ with ξ = (z_{t0} − α_{t0} μ)/sqrt(α_{t0}² s² + σ_{t0}²).
 * @example
 * ```ts
 * import { flowMatching, gaussianPath } from 'difflow';
 * // where the probability-flow ODE of N(0, 1) data takes z = 1 at t = 1, at t = 0.5 and t = 0
 * gaussianPath([0], 1, flowMatching(), Float64Array.of(1), 1, 0.5); // → [0.7071]
 * gaussianPath([0], 1, flowMatching(), Float64Array.of(1), 1, 0); // → [1]
 * ```
 */
export function gaussianPath(
  mean: ArrayLike<number>,
  std: number,
  schedule: Schedule,
  z0: Float64Array,
  t0: number,
  t: number,
): Float64Array {
  const dim = mean.length;
  checkBatch('z', z0, dim);
  const scale = (u: number) => Math.sqrt(schedule.alpha(u) ** 2 * std * std + schedule.sigma(u) ** 2);
  const a0 = schedule.alpha(t0);
  const a = schedule.alpha(t);
  const ratio = scale(t) / scale(t0);
  const out = new Float64Array(z0.length);
  for (let i = 0; i < z0.length; i++) {
    const m = mean[i % dim];
    out[i] = a * m + ratio * (z0[i] - a0 * m);
  }
  return out;
}

/**
 * A mixture of `K` equal Gaussians on a circle of radius `radius` in 2-D (the demo's data).
 * @example
 * ```ts
 * import { ringMixture } from 'difflow';
 * const ring = ringMixture(8, 2, 0.15); // the demo's data
 * [ring.dim, ring.weights.length, ring.means[0], ring.means[1]]; // → [2, 8, 2, 0]
 * ```
 */
export function ringMixture(K = 8, radius = 2, std = 0.15): Mixture {
  const means = new Float64Array(2 * K);
  for (let k = 0; k < K; k++) {
    means[2 * k] = radius * Math.cos((2 * Math.PI * k) / K);
    means[2 * k + 1] = radius * Math.sin((2 * Math.PI * k) / K);
  }
  return mixture({ dim: 2, means, stds: std });
}
