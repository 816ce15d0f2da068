/** Maximum mean discrepancy with Gaussian kernels. */
import { DifflowError, checkPositive } from '../validate.js';
import { checkPointSets } from './points.js';

export interface MmdOptions {
  /** Gaussian bandwidth h, or several (their kernels are summed); default: the median heuristic. */
  readonly bandwidth?: number | readonly number[];
}

/** Points used by the median heuristic (evenly strided through the pooled sample). */
const medianPoints = 1000;

/**
 * Unbiased squared MMD (Gretton et al. 2012, JMLR, Lemma 6: MMD²_u) with the Gaussian kernel
 * k(x, y) = Σ_h exp(−‖x−y‖² / (2h²)): the within-set means run over pairs i ≠ j, the cross mean over all n·m
 * pairs, so the result can be slightly negative when the distributions agree. O((n + m)² · bandwidths).
 * @param x [n·dim] points, flat (n ≥ 2)
 * @param y [m·dim] points, flat (m ≥ 2)
 * @example
 * ```ts
 * import { mmd } from 'difflow';
 * const x = Float64Array.of(0, 1, 2, 3);
 * // the unbiased estimate: identical samples can give a value below 0
 * mmd(x, x, 1, { bandwidth: 1 }); // → -0.3249
 * mmd(x, x.map((v) => v + 3), 1, { bandwidth: 1 }); // → 0.3674
 * ```
 */
export function mmd(x: Float64Array, y: Float64Array, dim: number, options: MmdOptions = {}): number {
  const { n, m } = checkPointSets('x', x, 'y', y, dim, 2);
  const bandwidth = options.bandwidth ?? medianHeuristicBandwidth(x, y, dim);
  const bandwidths = typeof bandwidth === 'number' ? [bandwidth] : bandwidth;
  if (bandwidths.length === 0) throw new DifflowError('bandwidth must hold at least one value, got []');
  bandwidths.forEach((h, k) => checkPositive(typeof bandwidth === 'number' ? 'bandwidth' : `bandwidth[${k}]`, h));
  const gammas = Float64Array.from(bandwidths, (h) => 1 / (2 * h * h));
  const meanXX = (2 * kernelSum(x, n, x, n, dim, gammas, true)) / (n * (n - 1));
  const meanYY = (2 * kernelSum(y, m, y, m, dim, gammas, true)) / (m * (m - 1));
  const meanXY = kernelSum(x, n, y, m, dim, gammas, false) / (n * m);
  return meanXX + meanYY - 2 * meanXY;
}

/**
 * Median heuristic (Gretton et al. 2012, §8): h = median of ‖z_i − z_j‖ over pairs i < j of the pooled sample
 * z = x ∪ y, using at most 1000 pooled points taken at even strides (deterministic); 1 if that median is 0.
 * @param x [n·dim]
 * @param y [m·dim]
 * @example
 * ```ts
 * import { medianHeuristicBandwidth } from 'difflow';
 * medianHeuristicBandwidth(Float64Array.of(0, 1), Float64Array.of(2, 3), 1); // → 1.5
 * ```
 */
export function medianHeuristicBandwidth(x: Float64Array, y: Float64Array, dim: number): number {
  const { n, m } = checkPointSets('x', x, 'y', y, dim);
  const pooled = n + m;
  const count = Math.min(pooled, medianPoints);
  const points = new Float64Array(count * dim);
  for (let s = 0; s < count; s++) {
    const index = Math.floor((s * pooled) / count);
    const source = index < n ? x.subarray(index * dim, (index + 1) * dim) : y.subarray((index - n) * dim, (index - n + 1) * dim);
    points.set(source, s * dim);
  }
  if (count < 2) return 1;
  const distances = new Float64Array((count * (count - 1)) / 2);
  let p = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) distances[p++] = Math.sqrt(squaredDistance(points, i * dim, points, j * dim, dim));
  }
  distances.sort();
  const half = distances.length >> 1;
  const median = distances.length % 2 === 1 ? distances[half] : (distances[half - 1] + distances[half]) / 2;
  return median > 0 ? median : 1;
}

/**
 * Σ_pairs Σ_γ exp(−γ‖a_i − b_j‖²) over all pairs, or over j > i when `upper` (a = b).
 * @param a [n·dim]
 * @param b [m·dim]
 * @param gammas [bandwidths] 1/(2h²)
 */
function kernelSum(a: Float64Array, n: number, b: Float64Array, m: number, dim: number, gammas: Float64Array, upper: boolean): number {
  const kernels = gammas.length;
  const gamma = gammas[0];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const ia = i * dim;
    let row = 0;
    for (let j = upper ? i + 1 : 0; j < m; j++) {
      const jb = j * dim;
      let squared = 0;
      for (let k = 0; k < dim; k++) {
        const d = a[ia + k] - b[jb + k];
        squared += d * d;
      }
      if (kernels === 1) row += Math.exp(-gamma * squared);
      else for (let k = 0; k < kernels; k++) row += Math.exp(-gammas[k] * squared);
    }
    total += row;
  }
  return total;
}

/** ‖a[ia : ia+dim] − b[jb : jb+dim]‖². */
function squaredDistance(a: Float64Array, ia: number, b: Float64Array, jb: number, dim: number): number {
  let squared = 0;
  for (let k = 0; k < dim; k++) {
    const d = a[ia + k] - b[jb + k];
    squared += d * d;
  }
  return squared;
}
