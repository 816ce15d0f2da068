/** Sliced Wasserstein distance between point clouds, and the exact 1-D Wasserstein distance. */
import { Rng } from '../rng.js';
import { DifflowError, checkFinite, checkInteger } from '../validate.js';
import { checkPointSets } from './points.js';

export interface SlicedWassersteinOptions {
  /** Number of random directions θ; default 128. */
  readonly projections?: number;
  /** Source of the directions (advanced by the call). */
  readonly rng: Rng;
  /** Order p of W_p; default 2. */
  readonly p?: 1 | 2;
}

/**
 * Sliced p-Wasserstein distance SW_p = (E_θ W_p^p(θ·X, θ·Y))^{1/p} (Bonneel et al. 2015), θ uniform on the
 * unit sphere, estimated with `projections` directions from `rng`; each 1-D term is exact (see wasserstein1d),
 * so n ≠ m is allowed. O(projections · (n log n + m log m)).
 * @param x [n·dim] points, flat
 * @param y [m·dim] points, flat
 * @example
 * ```ts
 * import { rng, slicedWasserstein } from 'difflow';
 * const x = Float64Array.of(0, 0, 1, 1), y = Float64Array.of(0, 0, 1, 1); // two points in 2-D each
 * slicedWasserstein(x, y, 2, { rng: rng(0) }); // → 0
 * slicedWasserstein(x, y.map((v) => v + 1), 2, { rng: rng(0), projections: 200 }) > 0; // → true
 * ```
 */
export function slicedWasserstein(x: Float64Array, y: Float64Array, dim: number, options: SlicedWassersteinOptions): number {
  const { n, m } = checkPointSets('x', x, 'y', y, dim);
  const projections = options.projections ?? 128;
  checkInteger('projections', projections);
  const p = options.p ?? 2;
  if (p !== 1 && p !== 2) throw new DifflowError(`p must be 1 or 2, got ${p}`);
  if (!(options.rng instanceof Rng)) throw new DifflowError('rng must be an Rng, e.g. rng(seed)');
  const theta = new Float64Array(dim);
  const projectedX = new Float64Array(n);
  const projectedY = new Float64Array(m);
  let total = 0;
  for (let l = 0; l < projections; l++) {
    randomDirection(options.rng, theta);
    project(x, dim, theta, projectedX).sort();
    project(y, dim, theta, projectedY).sort();
    total += wassersteinPowerSorted(projectedX, projectedY, p);
  }
  return (total / projections) ** (1 / p);
}

/**
 * Exact p-Wasserstein distance between the empirical measures of two 1-D samples,
 * W_p = (∫₀¹ |F⁻¹(u) − G⁻¹(u)|^p du)^{1/p}, merging the quantile breakpoints i/n and j/m (sizes may differ).
 * The inputs need not be sorted and are not modified.
 * @param a [n] sample
 * @param b [m] sample
 * @param p order, ≥ 1
 * @example
 * ```ts
 * import { wasserstein1d } from 'difflow';
 * wasserstein1d(Float64Array.of(0, 1), Float64Array.of(3, 2), 1); // → 2
 * ```
 */
export function wasserstein1d(a: Float64Array, b: Float64Array, p: number): number {
  checkPointSets('a', a, 'b', b, 1);
  checkFinite('p', p, 1);
  return wassersteinPowerSorted(a.slice().sort(), b.slice().sort(), p) ** (1 / p);
}

/**
 * W_p^p between sorted samples: F⁻¹ = a_i on (i/n, (i+1)/n], G⁻¹ = b_j on (j/m, (j+1)/m]; breakpoints are
 * kept as integers in units of 1/(n·m), so the merge is exact.
 * @param a [n] sorted
 * @param b [m] sorted
 */
function wassersteinPowerSorted(a: Float64Array, b: Float64Array, p: number): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let previous = 0;
  let total = 0;
  while (i < n && j < m) {
    const endA = (i + 1) * m;
    const endB = (j + 1) * n;
    const end = endA < endB ? endA : endB;
    const gap = Math.abs(a[i] - b[j]);
    total += (end - previous) * (p === 1 ? gap : p === 2 ? gap * gap : gap ** p);
    previous = end;
    if (endA === end) i++;
    if (endB === end) j++;
  }
  return total / (n * m);
}

/** Fills `theta` with a direction uniform on the unit sphere S^{dim−1} (a normalized Gaussian). */
function randomDirection(rng: Rng, theta: Float64Array): void {
  let norm = 0;
  while (norm === 0) {
    rng.fillNormal(theta);
    let squared = 0;
    for (let k = 0; k < theta.length; k++) squared += theta[k] * theta[k];
    norm = Math.sqrt(squared);
  }
  for (let k = 0; k < theta.length; k++) theta[k] /= norm;
}

/**
 * out_i = θ · z_i.
 * @param z [count·dim]
 * @param theta [dim]
 * @param out [count]
 */
function project(z: Float64Array, dim: number, theta: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) {
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += z[i * dim + k] * theta[k];
    out[i] = dot;
  }
  return out;
}
