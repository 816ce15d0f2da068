import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianHeuristicBandwidth, mmd } from './mmd.js';
import { rng } from '../rng.js';
import { DifflowError } from '../validate.js';

const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected} (tolerance ${tolerance})`);

/** Population MMD² between N(0, I_d) and N(μ, I_d) for the kernel exp(−‖x−y‖²/(2h²)): 2(h²/(h²+2))^{d/2}(1 − e^{−|μ|²/(2(h²+2))}). */
const gaussianShiftMmd = (dim: number, shift: number, h: number) =>
  2 * ((h * h) / (h * h + 2)) ** (dim / 2) * (1 - Math.exp(-(shift * shift) / (2 * (h * h + 2))));

/** n standard normal points in `dim` dimensions, the first coordinate shifted by `shift`. */
function gaussianPoints(seed: number, n: number, dim: number, shift: number): Float64Array {
  const z = rng(seed).normals(n * dim);
  for (let i = 0; i < n; i++) z[i * dim] += shift;
  return z;
}

test('for x = {0, 1}, y = {3, 5} and h = 1 the unbiased MMD² matches the hand-computed sums', () => {
  const k = (d: number) => Math.exp(-(d * d) / 2);
  const expected = k(1) + k(2) - (2 * (k(3) + k(5) + k(2) + k(4))) / 4;
  close(mmd(Float64Array.of(0, 1), Float64Array.of(3, 5), 1, { bandwidth: 1 }), expected, 1e-15);
});

test('the median heuristic is the median pairwise distance of the pooled sample', () => {
  // Pooled {0, 1, 3, 7}: distances 1, 3, 7, 2, 6, 4 → median (3 + 4)/2; pooled {0, 1, 3}: 1, 3, 2 → 2.
  close(medianHeuristicBandwidth(Float64Array.of(0, 1), Float64Array.of(3, 7), 1), 3.5, 0);
  close(medianHeuristicBandwidth(Float64Array.of(0, 0, 1, 0), Float64Array.of(3, 0), 2), 2, 0);
  close(medianHeuristicBandwidth(Float64Array.of(2, 2), Float64Array.of(2), 1), 1, 0); // all equal: falls back to 1
  const x = Float64Array.of(0, 1);
  const y = Float64Array.of(3, 7);
  assert.equal(mmd(x, y, 1), mmd(x, y, 1, { bandwidth: 3.5 }));
});

test('several bandwidths sum their kernels', () => {
  const x = gaussianPoints(1, 60, 2, 0);
  const y = gaussianPoints(2, 40, 2, 0.5);
  const sum = mmd(x, y, 2, { bandwidth: 0.5 }) + mmd(x, y, 2, { bandwidth: 2 });
  close(mmd(x, y, 2, { bandwidth: [0.5, 2] }), sum, 1e-14);
});

test('MMD² of two samples of N(0, 1) is near 0 and may be negative', () => {
  // sd ≈ 0.55/n for h = 1 (measured over 20 seeds); tolerance 4 sd.
  const n = 2000;
  close(mmd(gaussianPoints(3, n, 1, 0), gaussianPoints(4, n, 1, 0), 1, { bandwidth: 1 }), 0, (4 * 0.55) / n);
});

test('MMD² of N(0, I) and N(μ, I) samples approaches 2(h²/(h²+2))^{d/2}(1 − exp(−|μ|²/(2(h²+2))))', () => {
  // sd ≈ 0.65/√n (1-D) and 0.41/√n (2-D) at |μ| = 1, h = 1, measured over 20 seeds; tolerance 4 sd.
  const n = 2000;
  close(
    mmd(gaussianPoints(5, n, 1, 0), gaussianPoints(6, n, 1, 1), 1, { bandwidth: 1 }),
    gaussianShiftMmd(1, 1, 1),
    (4 * 0.65) / Math.sqrt(n),
  );
  close(
    mmd(gaussianPoints(7, n, 2, 0), gaussianPoints(8, n, 2, 1), 2, { bandwidth: 1 }),
    gaussianShiftMmd(2, 1, 1),
    (4 * 0.41) / Math.sqrt(n),
  );
  close(gaussianShiftMmd(1, 1, 1), 2 * Math.sqrt(1 / 3) * (1 - Math.exp(-1 / 6)), 1e-15);
});

test('MMD² grows with the shift', () => {
  const x = gaussianPoints(9, 500, 2, 0);
  const values = [0, 0.25, 0.5, 1, 2].map((shift) => mmd(x, gaussianPoints(10, 500, 2, shift), 2, { bandwidth: 1 }));
  for (let k = 1; k < values.length; k++) assert.ok(values[k] > values[k - 1], `${values}`);
});

test('mmd rejects bad inputs and names the argument', () => {
  const x = Float64Array.of(0, 1, 2, 3);
  const throwsNaming = (fn: () => unknown, name: string) =>
    assert.throws(fn, (e: unknown) => e instanceof DifflowError && e.message.startsWith(`${name} `));
  throwsNaming(() => mmd(Float64Array.of(0, 1, 2), x, 2), 'x');
  throwsNaming(() => mmd(x, Float64Array.of(0, 1), 2), 'y'); // one point: no unbiased within-set term
  throwsNaming(() => mmd(x, Float64Array.of(0, Infinity, 1, 2), 2), 'y');
  throwsNaming(() => mmd(x, x, -1), 'dim');
  throwsNaming(() => mmd(x, x, 2, { bandwidth: 0 }), 'bandwidth');
  throwsNaming(() => mmd(x, x, 2, { bandwidth: [1, NaN] }), 'bandwidth[1]');
  throwsNaming(() => mmd(x, x, 2, { bandwidth: [] }), 'bandwidth');
});
