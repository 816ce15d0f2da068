import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frechetDistance, meanAndCovariance, sqrtPsd, symmetricEigen } from './frechet.js';
import { rng } from '../rng.js';
import { DifflowError } from '../validate.js';

const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected} (tolerance ${tolerance})`);

/** A·B for d×d row-major matrices. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) out[i * d + j] += a[i * d + k] * b[k * d + j];
  return out;
}

const transpose = (a: ArrayLike<number>, d: number) => Float64Array.from({ length: d * d }, (_, i) => a[(i % d) * d + Math.floor(i / d)]);
const diag = (values: readonly number[]) =>
  Float64Array.from({ length: values.length ** 2 }, (_, i) => (i % (values.length + 1) === 0 ? values[i / (values.length + 1)] : 0));

/** R diag(λ) Rᵀ. */
const rotated = (R: Float64Array, values: readonly number[]) =>
  matmul(matmul(R, diag(values), values.length), transpose(R, values.length), values.length);

/** A 3-D rotation: about z by a, then about x by b. */
function rotation3(a: number, b: number): Float64Array {
  const z = Float64Array.of(Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1);
  const x = Float64Array.of(1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b));
  return matmul(x, z, 3);
}

/** A random symmetric d×d matrix with entries ~ N(0, 1). */
function randomSymmetric(seed: number, d: number): Float64Array {
  const g = rng(seed).normals(d * d);
  return Float64Array.from({ length: d * d }, (_, i) => (g[i] + g[(i % d) * d + Math.floor(i / d)]) / 2);
}

/** The sample covariance of n correlated Gaussian points in d dimensions (full rank for n > d). */
function sampleStatistics(seed: number, n: number, d: number) {
  const x = rng(seed).normals(n * d);
  for (let i = 0; i < n; i++) for (let j = 1; j < d; j++) x[i * d + j] += 0.7 * x[i * d + j - 1];
  return meanAndCovariance(x, n, d);
}

test('meanAndCovariance gives the mean and the (n − 1)-normalised covariance', () => {
  // (0, 0), (2, 0), (0, 2), (2, 2): mean (1, 1), variances 4/3, no correlation.
  const square = meanAndCovariance(Float64Array.of(0, 0, 2, 0, 0, 2, 2, 2), 4, 2);
  assert.deepEqual(Array.from(square.mean), [1, 1]);
  assert.deepEqual(Array.from(square.covariance), [4 / 3, 0, 0, 4 / 3]);
  // (0, 0, 1), (1, 2, 1), (2, 4, 1): on a line, so Σ = [1 2 0; 2 4 0; 0 0 0].
  const line = meanAndCovariance(Float64Array.of(0, 0, 1, 1, 2, 1, 2, 4, 1), 3, 3);
  assert.deepEqual(Array.from(line.mean), [1, 2, 1]);
  assert.deepEqual(Array.from(line.covariance), [1, 2, 0, 2, 4, 0, 0, 0, 0]);
});

test('symmetricEigen finds the eigenvalues 1 and 3 of [2 1; 1 2] with eigenvectors (1, ∓1)/√2', () => {
  const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
  const order = values[0] < values[1] ? [0, 1] : [1, 0];
  close(values[order[0]], 1, 1e-15);
  close(values[order[1]], 3, 1e-15);
  const [k1, k3] = order;
  close(Math.abs(vectors[k1] + vectors[2 + k1]), 0, 1e-15);
  close(Math.abs(vectors[k3] - vectors[2 + k3]), 0, 1e-15);
});

test('symmetricEigen reconstructs A = QΛQᵀ with orthonormal Q, for indefinite and repeated spectra', () => {
  const repeated = rotated(rotation3(0.3, 1.1), [2, 2, -1]);
  for (const [a, d] of [
    [randomSymmetric(1, 10), 10],
    [randomSymmetric(2, 40), 40],
    [repeated, 3],
  ] as const) {
    const { values, vectors: Q } = symmetricEigen(a, d);
    const back = matmul(matmul(Q, diag(Array.from(values)), d), transpose(Q, d), d);
    const gram = matmul(transpose(Q, d), Q, d);
    for (let i = 0; i < d * d; i++) {
      close(back[i], a[i], 1e-12);
      close(gram[i], i % (d + 1) === 0 ? 1 : 0, 1e-13);
    }
  }
  assert.deepEqual(
    Array.from(symmetricEigen(repeated, 3).values, (l) => Math.round(l * 1e12) / 1e12).sort((x, y) => x - y),
    [-1, 2, 2],
  );
});

test('sqrtPsd squares back to the matrix and clips a rank-deficient one at 0', () => {
  const { covariance } = sampleStatistics(3, 200, 8);
  const root = sqrtPsd(covariance, 8);
  matmul(root, root, 8).forEach((v, i) => close(v, covariance[i], 1e-12));
  // u uᵀ has eigenvalues |u|², 0, 0 (the zeros may round below 0); its root is u uᵀ/|u|.
  const u = [1, 2, 2];
  const outer = Float64Array.from({ length: 9 }, (_, i) => u[Math.floor(i / 3)] * u[i % 3]);
  sqrtPsd(outer, 3).forEach((v, i) => close(v, outer[i] / 3, 1e-7));
});

test('in one dimension the distance is (μ1 − μ2)² + (s1 − s2)²', () => {
  // N(1, 2²) vs N(−0.5, 0.5²): 1.5² + 1.5² = 4.5.
  close(frechetDistance([1], [4], [-0.5], [0.25]), 4.5, 1e-14);
});

test('for diagonal covariances the distance is |μ1 − μ2|² + Σ_i (√a_i − √b_i)²', () => {
  const a = [4, 1, 0.25, 9];
  const b = [1, 1, 4, 0.01];
  const mu1 = [0, 1, 2, 3];
  const mu2 = [1, 1, 0, 3];
  const expected = 1 + 0 + 4 + 0 + a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0);
  close(frechetDistance(mu1, diag(a), mu2, diag(b)), expected, 1e-13);
});

test('for commuting covariances R diag(a) Rᵀ and R diag(b) Rᵀ the distance is as for diag(a) and diag(b)', () => {
  const R = rotation3(0.7, -0.4);
  const a = [3, 0.5, 1.2];
  const b = [0.2, 2, 1.2];
  const expected = 0.25 + a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0);
  close(frechetDistance([0, 0, 0], rotated(R, a), [0.5, 0, 0], rotated(R, b)), expected, 1e-13);
});

test('for rank-one covariances u uᵀ and v vᵀ the distance is |u|² + |v|² − 2|u·v|', () => {
  const u = [1, 2, 2];
  const v = [0, -3, 4];
  const outer = (w: number[]) => Float64Array.from({ length: 9 }, (_, i) => w[Math.floor(i / 3)] * w[i % 3]);
  close(frechetDistance([0, 0, 0], outer(u), [0, 0, 0], outer(v)), 9 + 25 - 2 * 2, 1e-6);
});

test('a non-commuting 3×3 case matches the PyTorch/NumPy value of scripts/frechet_reference.py', () => {
  const cov1 = Float64Array.of(2, 0.5, 0.1, 0.5, 1, 0.3, 0.1, 0.3, 0.5);
  const cov2 = Float64Array.of(1, -0.4, 0.2, -0.4, 1.5, 0, 0.2, 0, 0.8);
  const mu1 = [0, 1, 2];
  const mu2 = [0.5, -1, 2.5];
  close(frechetDistance(mu1, cov1, mu2, cov2), 5.151292278273019, 1e-12);
  close(frechetDistance(mu2, cov2, mu1, cov1), 5.151292278273019, 1e-12);
});

test('the distance between identical Gaussians is 0', () => {
  const { mean, covariance } = sampleStatistics(4, 500, 32);
  close(frechetDistance(mean, covariance, mean, covariance), 0, 1e-9);
});

test('mismatched sizes and too few examples are refused', () => {
  assert.throws(() => frechetDistance([0, 0], diag([1, 1]), [0], [1]), DifflowError);
  assert.throws(() => meanAndCovariance(Float64Array.of(1, 2), 1, 2), DifflowError);
  assert.throws(() => meanAndCovariance(Float64Array.of(1, 2, 3), 2, 2), DifflowError);
  assert.throws(() => symmetricEigen(Float64Array.of(1, Number.NaN, Number.NaN, 1), 2), DifflowError);
});
