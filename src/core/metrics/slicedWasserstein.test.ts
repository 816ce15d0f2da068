import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slicedWasserstein, wasserstein1d } from './slicedWasserstein.js';
import { type Rng, rng } from '../rng.js';
import { DifflowError } from '../validate.js';
import { close, integrateCdfGap } from '../../../test/helpers/metrics.js';

/** ∫|F − G| dx for the empirical CDFs of two 1-D samples (= W₁), integrated piece by piece. */
function cdfL1Distance(a: Float64Array, b: Float64Array): number {
  return integrateCdfGap(a, b, Math.abs);
}

test('wasserstein1d of equal-size samples is the mean absolute (or root mean square) difference of sorted values', () => {
  const g = rng(1);
  const a = g.normals(50);
  const b = g.normals(50).map((v) => 2 * v + 1);
  const sortedA = a.slice().sort();
  const sortedB = b.slice().sort();
  let absolute = 0;
  let squared = 0;
  for (let i = 0; i < 50; i++) {
    absolute += Math.abs(sortedA[i] - sortedB[i]);
    squared += (sortedA[i] - sortedB[i]) ** 2;
  }
  close(wasserstein1d(a, b, 1), absolute / 50, 1e-13);
  close(wasserstein1d(a, b, 2), Math.sqrt(squared / 50), 1e-13);
});

test('wasserstein1d of {1, 0} and {2, 0, 1} is 1/2 for p = 1 and √(1/2) for p = 2', () => {
  // Quantiles differ by 1 on (1/3, 1/2] and (2/3, 1], by 0 elsewhere: total length 1/2.
  const a = Float64Array.of(1, 0);
  const b = Float64Array.of(2, 0, 1);
  close(wasserstein1d(a, b, 1), 0.5, 1e-15);
  close(wasserstein1d(a, b, 2), Math.sqrt(0.5), 1e-15);
  close(wasserstein1d(a, b, 3), 0.5 ** (1 / 3), 1e-15);
  assert.deepEqual(a, Float64Array.of(1, 0)); // inputs are not sorted in place
});

test('wasserstein1d with p = 1 equals ∫|F − G| dx for samples of different sizes', () => {
  const g = rng(2);
  for (const [n, m] of [
    [7, 11],
    [40, 97],
    [1, 5],
  ] as const) {
    const a = g.normals(n);
    const b = g.normals(m).map((v) => 0.5 * v - 0.3);
    const expected = cdfL1Distance(a, b);
    close(wasserstein1d(a, b, 1), expected, 1e-13 * (1 + expected));
  }
});

test('in 1-D the sliced distance is the exact 1-D distance', () => {
  const g = rng(3);
  const x = g.normals(30);
  const y = g.normals(45).map((v) => v + 0.8);
  for (const p of [1, 2] as const) close(slicedWasserstein(x, y, 1, { rng: rng(4), projections: 5, p }), wasserstein1d(x, y, p), 1e-13);
});

test('a set is at sliced distance 0 from itself and one seed gives one value', () => {
  const x = rng(5).normals(100 * 3);
  const y = rng(6).normals(80 * 3);
  assert.equal(slicedWasserstein(x, x, 3, { rng: rng(7) }), 0);
  assert.equal(slicedWasserstein(x, y, 3, { rng: rng(8) }), slicedWasserstein(x, y, 3, { rng: rng(8) }));
});

test('sliced W₂ between X and X + m tends to |m|/√dim', () => {
  // Each slice gives W₂² = (θ·m)² exactly; (θ·m)²/|m|² ~ θ₁², mean 1/d, variance 2(d − 1)/(d²(d + 2)).
  const dim = 3;
  const projections = 2000;
  const shift = [1, 2, 2];
  const x = rng(9).normals(200 * dim);
  const y = x.map((v, k) => v + shift[k % dim]);
  const value = slicedWasserstein(x, y, dim, { rng: rng(10), projections, p: 2 });
  const expected = 3 / Math.sqrt(dim);
  const sdSquared = 9 * Math.sqrt((2 * (dim - 1)) / (dim * dim * (dim + 2)) / projections);
  close(value, expected, (4 * sdSquared) / (2 * expected)); // delta method: sd(√s) ≈ sd(s)/(2√s)
});

test('sliced W₁ between X and X + m in 3-D tends to |m|/2 (θ₁ is uniform on [−1, 1])', () => {
  const projections = 2000;
  const shift = [0, 3, 4];
  const x = rng(11).normals(150 * 3);
  const y = x.map((v, k) => v + shift[k % 3]);
  const value = slicedWasserstein(x, y, 3, { rng: rng(12), projections, p: 1 });
  close(value, 5 / 2, 4 * 5 * Math.sqrt(1 / 12 / projections));
});

test('sliced Wasserstein and wasserstein1d reject bad inputs and name the argument', () => {
  const x = Float64Array.of(0, 1, 2, 3);
  const g = rng(13);
  const throwsNaming = (fn: () => unknown, name: string) =>
    assert.throws(fn, (e: unknown) => e instanceof DifflowError && e.message.startsWith(`${name} `));
  throwsNaming(() => slicedWasserstein(Float64Array.of(0, 1, 2), x, 2, { rng: g }), 'x');
  throwsNaming(() => slicedWasserstein(x, Float64Array.of(NaN, 0), 2, { rng: g }), 'y');
  throwsNaming(() => slicedWasserstein(x, x, 0, { rng: g }), 'dim');
  throwsNaming(() => slicedWasserstein(x, x, 2, { rng: g, projections: 0 }), 'projections');
  throwsNaming(() => slicedWasserstein(x, x, 2, { rng: g, p: 3 as 2 }), 'p');
  throwsNaming(() => slicedWasserstein(x, x, 2, { rng: undefined as unknown as Rng }), 'rng');
  throwsNaming(() => wasserstein1d(new Float64Array(0), x, 1), 'a');
  throwsNaming(() => wasserstein1d(x, Float64Array.of(1, -Infinity), 1), 'b');
  throwsNaming(() => wasserstein1d(x, x, 0.5), 'p');
});
