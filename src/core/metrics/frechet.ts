/**
 * The Fréchet distance between Gaussians (Dowson & Landau 1982), the quantity behind FID (Heusel et al. 2017):
 *
 *   d²(N(μ1, Σ1), N(μ2, Σ2)) = |μ1 − μ2|² + tr Σ1 + tr Σ2 − 2 tr (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2},
 *
 * with every square root the symmetric positive-semidefinite one, computed from a symmetric eigendecomposition
 * (cyclic Jacobi). Matrices are flat row-major [d·d] Float64Arrays.
 */
import { DifflowError } from '../validate.js';

/** Sample mean and covariance of features. */
export interface MeanAndCovariance {
  /** μ [d] */
  readonly mean: Float64Array;
  /** Σ [d·d], row-major, normalised by n − 1 */
  readonly covariance: Float64Array;
}

/**
 * μ = Σ_i x_i / n and the unbiased Σ = Σ_i (x_i − μ)(x_i − μ)ᵀ / (n − 1) (as numpy.cov, which FID uses).
 * @param features [n·d], row i is example i
 * @example
 * ```ts
 * import { meanAndCovariance } from 'difflow';
 * const { mean, covariance } = meanAndCovariance([1, 2, 3, 4], 2, 2); // rows (1, 2) and (3, 4)
 * mean; // → [2, 3]
 * covariance; // → [2, 2, 2, 2]
 * ```
 */
export function meanAndCovariance(features: ArrayLike<number>, n: number, d: number): MeanAndCovariance {
  if (!Number.isInteger(n) || n < 2) throw new DifflowError(`meanAndCovariance needs n ≥ 2 examples, got ${n}`);
  if (!Number.isInteger(d) || d < 1 || features.length !== n * d) {
    throw new DifflowError(`meanAndCovariance: ${features.length} values are not ${n} examples of dimension ${d}`);
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += features[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const covariance = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = features[i * d + j] - mean[j];
    for (let j = 0; j < d; j++) {
      const cj = centred[j];
      for (let k = j; k < d; k++) covariance[j * d + k] += cj * centred[k];
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const c = covariance[j * d + k] / (n - 1);
      covariance[j * d + k] = c;
      covariance[k * d + j] = c;
    }
  }
  return { mean, covariance };
}

/** A = Q Λ Qᵀ: eigenvalues λ [d] (unsorted) and orthonormal eigenvectors, column k of Q [d·d] for λ_k. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * The eigendecomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5): each
 * rotation J in the (p, q) plane with tan φ = t, t the smaller root of t² + 2θt − 1 = 0 for
 * θ = (a_qq − a_pp)/(2 a_pq), makes a_pq of JᵀAJ zero; sweeps over all p < q until the off-diagonal mass
 * Σ_{p≠q} a_pq² falls below (1e-15·d·‖A‖_F)², which moves no eigenvalue by more than 1e-15·d·‖A‖_F. Only the
 * upper triangle of `a` is read.
 * @param a [d·d] row-major
 * @example
 * ```ts
 * import { symmetricEigen } from 'difflow';
 * symmetricEigen([2, 1, 1, 2], 2).values; // → [1, 3]
 * ```
 */
export function symmetricEigen(a: ArrayLike<number>, d: number): SymmetricEigen {
  if (!Number.isInteger(d) || d < 1 || a.length !== d * d)
    throw new DifflowError(`symmetricEigen: ${a.length} values are not a ${d}×${d} matrix`);
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      A[i * d + j] = a[i * d + j];
      A[j * d + i] = a[i * d + j];
    }
  }
  const Q = new Float64Array(d * d);
  for (let i = 0; i < d; i++) Q[i * d + i] = 1;
  let frobenius2 = 0;
  for (let i = 0; i < d * d; i++) frobenius2 += A[i] * A[i];
  if (!Number.isFinite(frobenius2)) throw new DifflowError('symmetricEigen: the matrix has non-finite entries');
  const tolerance = (1e-15 * d) ** 2 * frobenius2;
  for (let sweep = 0; ; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += 2 * A[p * d + q] ** 2;
    if (off <= tolerance) break;
    if (sweep === MAX_SWEEPS) throw new DifflowError(`symmetricEigen did not converge in ${MAX_SWEEPS} sweeps`);
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q];
        if (apq === 0) continue;
        const theta = (A[q * d + q] - A[p * d + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(theta, 1));
        const c = 1 / Math.hypot(t, 1);
        const s = t * c;
        // A ← A J (columns p, q), then A ← Jᵀ A (rows p, q); Q ← Q J.
        for (let k = 0; k < d; k++) {
          const akp = A[k * d + p];
          const akq = A[k * d + q];
          A[k * d + p] = c * akp - s * akq;
          A[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = A[p * d + k];
          const aqk = A[q * d + k];
          A[p * d + k] = c * apk - s * aqk;
          A[q * d + k] = s * apk + c * aqk;
        }
        A[p * d + q] = 0;
        A[q * d + p] = 0;
        for (let k = 0; k < d; k++) {
          const qkp = Q[k * d + p];
          const qkq = Q[k * d + q];
          Q[k * d + p] = c * qkp - s * qkq;
          Q[k * d + q] = s * qkp + c * qkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = A[i * d + i];
  return { values, vectors: Q };
}

/**
 * The symmetric square root of a positive-semidefinite matrix, Q diag(√max(λ, 0)) Qᵀ: eigenvalues that
 * rounding made slightly negative count as 0. @param a [d·d] row-major, symmetric
 * @example
 * ```ts
 * import { sqrtPsd } from 'difflow';
 * sqrtPsd([4, 0, 0, 9], 2); // → [2, 0, 0, 3]
 * ```
 */
export function sqrtPsd(a: ArrayLike<number>, d: number): Float64Array {
  const { values, vectors: Q } = symmetricEigen(a, d);
  const root = values.map((l) => Math.sqrt(Math.max(l, 0)));
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += Q[i * d + k] * root[k] * Q[j * d + k];
      out[i * d + j] = sum;
      out[j * d + i] = sum;
    }
  }
  return out;
}

/** S·B·S for symmetric S and B [d·d], symmetrised against rounding. */
function sandwich(S: Float64Array, B: ArrayLike<number>, d: number): Float64Array {
  const SB = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const sik = S[i * d + k];
      if (sik === 0) continue;
      for (let j = 0; j < d; j++) SB[i * d + j] += sik * B[k * d + j];
    }
  }
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let ij = 0;
      let ji = 0;
      for (let k = 0; k < d; k++) {
        ij += SB[i * d + k] * S[k * d + j];
        ji += SB[j * d + k] * S[k * d + i];
      }
      out[i * d + j] = (ij + ji) / 2;
      out[j * d + i] = (ij + ji) / 2;
    }
  }
  return out;
}

/**
 * d² = |μ1 − μ2|² + tr Σ1 + tr Σ2 − 2 tr (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2}, the squared Fréchet (2-Wasserstein)
 * distance between N(μ1, Σ1) and N(μ2, Σ2); the last trace is Σ_k √max(λ_k, 0) over the eigenvalues of the
 * symmetric Σ1^{1/2} Σ2 Σ1^{1/2}. Zero for identical arguments up to rounding (|d²| ~ 1e-12·tr Σ).
 * @param mu1 [d] @param cov1 [d·d] @param mu2 [d] @param cov2 [d·d], covariances symmetric positive-semidefinite
 * @example
 * ```ts
 * import { frechetDistance } from 'difflow';
 * // N(0, 1) against N(1, 4) in 1-D: 1² + 1 + 4 − 2·√4
 * frechetDistance([0], [1], [1], [4]); // → 2
 * ```
 */
export function frechetDistance(mu1: ArrayLike<number>, cov1: ArrayLike<number>, mu2: ArrayLike<number>, cov2: ArrayLike<number>): number {
  const d = mu1.length;
  if (mu2.length !== d || cov1.length !== d * d || cov2.length !== d * d) {
    throw new DifflowError(
      `frechetDistance: means of length ${d} and ${mu2.length} with covariances of ${cov1.length} and ${cov2.length} values do not match`,
    );
  }
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (mu1[i] - mu2[i]) ** 2;
  let traces = 0;
  for (let i = 0; i < d; i++) traces += cov1[i * d + i] + cov2[i * d + i];
  const { values } = symmetricEigen(sandwich(sqrtPsd(cov1, d), cov2, d), d);
  let cross = 0;
  for (const l of values) cross += Math.sqrt(Math.max(l, 0));
  return meanTerm + traces - 2 * cross;
}
