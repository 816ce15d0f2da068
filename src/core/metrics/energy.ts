/** Energy distance between two point clouds. */
import { checkName } from '../validate.js';
import { checkPointSets } from './points.js';

/** 'unbiased': U-statistics for the within-set terms; 'biased': the V-statistic (energy distance of the empirical measures). */
export type EnergyEstimator = 'unbiased' | 'biased';

const estimators: readonly EnergyEstimator[] = ['unbiased', 'biased'];

export interface EnergyDistanceOptions {
  /** Default 'unbiased' (needs ≥ 2 points per set). */
  readonly estimator?: EnergyEstimator;
}

/**
 * Squared energy distance D² = 2E‖X−Y‖ − E‖X−X'‖ − E‖Y−Y'‖ (Székely & Rizzo 2013, eq. 2), O(n·m + n² + m²).
 * E‖X−Y‖ is always the mean over all n·m pairs. With 'unbiased' (default) E‖X−X'‖ and E‖Y−Y'‖ are
 * U-statistics, means over the n(n−1) and m(m−1) pairs i ≠ j, so the result is unbiased for D² and can be
 * slightly negative; with 'biased' they are V-statistics (divided by n², m²), giving the energy distance of the
 * empirical measures: ≥ 0, 0 for identical sets, 2‖a−b‖ for single points, 2∫(F−G)² dx in 1-D.
 * @param x [n·dim] points, flat
 * @param y [m·dim] points, flat
 * @example
 * ```ts
 * import { energyDistance } from 'difflow';
 * const x = Float64Array.of(0, 1, 2), y = Float64Array.of(0, 1, 2);
 * energyDistance(x, y, 1, { estimator: 'biased' }); // → 0
 * energyDistance(x, y.map((v) => v + 1), 1, { estimator: 'biased' }); // → 0.6667
 * ```
 */
export function energyDistance(x: Float64Array, y: Float64Array, dim: number, options: EnergyDistanceOptions = {}): number {
  const estimator = checkName('estimator', options.estimator ?? 'unbiased', estimators);
  const { n, m } = checkPointSets('x', x, 'y', y, dim, estimator === 'unbiased' ? 2 : 1);
  const pairsX = estimator === 'unbiased' ? n * (n - 1) : n * n;
  const pairsY = estimator === 'unbiased' ? m * (m - 1) : m * m;
  const meanXY = distanceSum(x, n, y, m, dim, false) / (n * m);
  const meanXX = (2 * distanceSum(x, n, x, n, dim, true)) / pairsX;
  const meanYY = (2 * distanceSum(y, m, y, m, dim, true)) / pairsY;
  return 2 * meanXY - meanXX - meanYY;
}

/**
 * Σ‖a_i − b_j‖ over all pairs, or over j > i when `upper` (a = b). Row sums are accumulated separately
 * to keep rounding error small; dim 1 and 2 have unrolled loops.
 * @param a [n·dim]
 * @param b [m·dim]
 */
function distanceSum(a: Float64Array, n: number, b: Float64Array, m: number, dim: number, upper: boolean): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const jStart = upper ? i + 1 : 0;
    let row = 0;
    if (dim === 1) {
      const ai = a[i];
      for (let j = jStart; j < m; j++) row += Math.abs(ai - b[j]);
    } else if (dim === 2) {
      const a0 = a[2 * i];
      const a1 = a[2 * i + 1];
      for (let j = jStart; j < m; j++) {
        const d0 = a0 - b[2 * j];
        const d1 = a1 - b[2 * j + 1];
        row += Math.sqrt(d0 * d0 + d1 * d1);
      }
    } else {
      const ia = i * dim;
      for (let j = jStart; j < m; j++) {
        const jb = j * dim;
        let squared = 0;
        for (let k = 0; k < dim; k++) {
          const d = a[ia + k] - b[jb + k];
          squared += d * d;
        }
        row += Math.sqrt(squared);
      }
    }
    total += row;
  }
  return total;
}
