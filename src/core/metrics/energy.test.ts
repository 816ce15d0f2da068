import { test } from 'node:test';
import assert from 'node:assert/strict';
import { energyDistance } from './energy.js';
import { rng } from '../rng.js';
import { erfc, normalCdf, normalPdf } from '../math.js';
import { DifflowError } from '../validate.js';
import { close, integrateCdfGap } from '../../../test/helpers/metrics.js';

/** 2∫(F − G)² dx for the empirical CDFs of two 1-D samples, integrated piece by piece. */
function cramerDistance(a: Float64Array, b: Float64Array): number {
  return 2 * integrateCdfGap(a, b, (d) => d * d);
}

/** E|N(μ, 2)| = 2√2 φ(μ/√2) + μ(1 − 2Φ(−μ/√2)). */
const meanAbsolute1d = (mu: number) => 2 * Math.SQRT2 * normalPdf(mu / Math.SQRT2) + mu * (1 - 2 * normalCdf(-mu / Math.SQRT2));

/** E‖N(ν, 2I₃)‖ for |ν| = r: √2·χ̄(r/√2), χ̄(s) = √(2/π) e^{−s²/2} + (s + 1/s) erf(s/√2) (noncentral χ, 3 dof). */
function meanNorm3d(r: number): number {
  const s = r / Math.SQRT2;
  const chiMean =
    s === 0 ? 2 * Math.sqrt(2 / Math.PI) : Math.sqrt(2 / Math.PI) * Math.exp((-s * s) / 2) + (s + 1 / s) * (1 - erfc(s / Math.SQRT2));
  return Math.SQRT2 * chiMean;
}

/** n standard normal points in `dim` dimensions, the first coordinate shifted by `shift`. */
function gaussianPoints(seed: number, n: number, dim: number, shift: number): Float64Array {
  const z = rng(seed).normals(n * dim);
  for (let i = 0; i < n; i++) z[i * dim] += shift;
  return z;
}

test('the biased energy distance of two single points a and b is 2‖a − b‖', () => {
  close(energyDistance(Float64Array.of(1, 2, 3), Float64Array.of(4, 6, 3), 3, { estimator: 'biased' }), 10, 1e-14);
  close(energyDistance(Float64Array.of(0, 0), Float64Array.of(3, -4), 2, { estimator: 'biased' }), 10, 1e-14);
  close(energyDistance(Float64Array.of(-1), Float64Array.of(1.5), 1, { estimator: 'biased' }), 5, 1e-14);
});

test('for x = {0, 1} and y = {3, 5} the unbiased estimate is 4 and the biased one 5.5', () => {
  // Cross mean (3 + 5 + 2 + 4)/4 = 3.5; within sums 2·1 and 2·2 over n(n − 1) = 2 or n² = 4 pairs.
  const x = Float64Array.of(0, 1);
  const y = Float64Array.of(3, 5);
  close(energyDistance(x, y, 1), 7 - 1 - 2, 1e-14);
  close(energyDistance(x, y, 1, { estimator: 'biased' }), 7 - 0.5 - 1, 1e-14);
});

test('in 1-D the biased energy distance equals twice the integrated squared CDF difference (Cramér)', () => {
  const g = rng(5);
  for (const [n, m] of [
    [2, 3],
    [37, 53],
    [400, 250],
  ] as const) {
    const a = g.normals(n);
    const b = g.normals(m).map((v) => 0.7 * v + 0.3);
    const expected = cramerDistance(a, b);
    close(energyDistance(a, b, 1, { estimator: 'biased' }), expected, 1e-12 * (1 + expected));
  }
});

test('the unbiased estimate is the biased one with within-set means rescaled by n/(n − 1)', () => {
  const x = rng(6).normals(30 * 2);
  const y = rng(7).normals(20 * 2);
  const biased = energyDistance(x, y, 2, { estimator: 'biased' });
  // Within-set V-means by brute force.
  const vMean = (z: Float64Array, count: number) => {
    let sum = 0;
    for (let i = 0; i < count; i++) for (let j = 0; j < count; j++) sum += Math.hypot(z[2 * i] - z[2 * j], z[2 * i + 1] - z[2 * j + 1]);
    return sum / (count * count);
  };
  const expected = biased - vMean(x, 30) * (30 / 29 - 1) - vMean(y, 20) * (20 / 19 - 1);
  close(energyDistance(x, y, 2), expected, 1e-12);
});

test('identical sets are at biased distance 0 and unbiased distance −2/(n − 1) times their mean distance', () => {
  const n = 50;
  const x = rng(8).normals(n * 3);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) sum += Math.hypot(x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]);
  }
  close(energyDistance(x, x, 3, { estimator: 'biased' }), 0, 1e-13);
  close(energyDistance(x, x, 3), (-2 / (n - 1)) * (sum / (n * n)), 1e-13);
});

test('the dimension-specialized loops agree with the general loop on zero-padded points', () => {
  const pad = (z: Float64Array, dim: number) => {
    const count = z.length / dim;
    const out = new Float64Array(count * 4);
    for (let i = 0; i < count; i++) out.set(z.subarray(i * dim, (i + 1) * dim), i * 4);
    return out;
  };
  for (const dim of [1, 2]) {
    const x = rng(10 + dim).normals(41 * dim);
    const y = rng(20 + dim).normals(29 * dim);
    close(energyDistance(x, y, dim), energyDistance(pad(x, dim), pad(y, dim), 4), 1e-13);
  }
});

test('energy distance of N(0, 1) and N(1, 1) samples approaches 2E|N(1, 2)| − 2E|N(0, 2)|', () => {
  // Spread of the estimate measured over 30 seeds: sd ≈ 1.6/√n; tolerance 4 sd.
  const n = 8000;
  const expected = 2 * meanAbsolute1d(1) - 2 * meanAbsolute1d(0);
  close(expected, 0.5418065793059572, 1e-12);
  close(energyDistance(gaussianPoints(1, n, 1, 0), gaussianPoints(2, n, 1, 1), 1), expected, (4 * 1.6) / Math.sqrt(n));
});

test('energy distance of N(0, I₃) and N(m, I₃) samples with |m| = 1 approaches 2E‖N(m, 2I)‖ − 2E‖N(0, 2I)‖', () => {
  // sd ≈ 1.2/√n measured over 30 seeds; tolerance 4 sd.
  const n = 3000;
  const expected = 2 * meanNorm3d(1) - 2 * meanNorm3d(0);
  close(energyDistance(gaussianPoints(3, n, 3, 0), gaussianPoints(4, n, 3, 1), 3), expected, (4 * 1.2) / Math.sqrt(n));
});

test('energy distance rejects bad inputs and names the argument', () => {
  const x = Float64Array.of(0, 1, 2, 3);
  const throwsNaming = (fn: () => unknown, name: string) =>
    assert.throws(fn, (e: unknown) => e instanceof DifflowError && e.message.startsWith(`${name} `));
  throwsNaming(() => energyDistance(Float64Array.of(0, 1, 2), x, 2), 'x');
  throwsNaming(() => energyDistance(x, new Float64Array(0), 2), 'y');
  throwsNaming(() => energyDistance(x, Float64Array.of(0, NaN, 1, 2), 2), 'y');
  throwsNaming(() => energyDistance(x, x, 0), 'dim');
  throwsNaming(() => energyDistance(x, x, 1.5), 'dim');
  throwsNaming(() => energyDistance(Float64Array.of(1, 2), x, 2), 'x'); // one point: no unbiased within-set term
  assert.throws(() => energyDistance(x, x, 2, { estimator: 'wrong' as 'biased' }), /estimator/);
});
