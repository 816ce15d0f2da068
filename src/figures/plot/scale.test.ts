import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  extent,
  formatNumber,
  formatTick,
  linearScale,
  logScale,
  logTicks,
  niceDomain,
  niceTicks,
  paddedDomain,
  tickStep,
} from './scale.js';

test('niceTicks on [0, 1] gives 0, 0.2, …, 1 exactly', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test('niceTicks on [−10, 10] steps by 5 and on other domains by 1, 2 or 5 × 10^k', () => {
  assert.deepEqual(niceTicks(-10, 10), [-10, -5, 0, 5, 10]);
  assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(-1, 1), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(0.3, 2.7), [0.5, 1, 1.5, 2, 2.5]);
  assert.deepEqual(niceTicks(0, 0.001), [0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001]);
  assert.deepEqual(niceTicks(-15, 15, 6), [-15, -10, -5, 0, 5, 10, 15]);
  assert.deepEqual(niceTicks(1, 0), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test('ticks lie in the domain, one nice step apart, and cover it to within one step at each end', () => {
  let seed = 12345;
  const uniform = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let trial = 0; trial < 500; trial++) {
    const lo = (uniform() - 0.5) * 10 ** (uniform() * 8 - 4);
    const hi = lo + 10 ** (uniform() * 8 - 4);
    const count = 2 + Math.floor(uniform() * 9);
    const step = tickStep(lo, hi, count);
    const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    assert.ok(
      [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9),
      `step ${step}`,
    );
    const ticks = niceTicks(lo, hi, count);
    assert.ok(ticks.length >= 2, `${ticks.length} ticks on [${lo}, ${hi}]`);
    assert.ok(ticks[0] >= lo - step * 1e-9 && ticks[0] - lo < step);
    assert.ok(ticks[ticks.length - 1] <= hi + step * 1e-9 && hi - ticks[ticks.length - 1] < step);
    for (let i = 1; i < ticks.length; i++) {
      assert.ok(Math.abs(ticks[i] - ticks[i - 1] - step) < step * 1e-9 + Math.abs(ticks[i]) * 1e-15);
    }
  }
});

test('niceDomain widens a domain to multiples of its tick step', () => {
  assert.deepEqual(niceDomain(0.13, 0.91), [0, 1]);
  assert.deepEqual(niceDomain(-9.2, 7.1), [-10, 10]);
  assert.deepEqual(niceDomain(-9.2, 7.1, 8), [-10, 8]);
});

test('formatTick writes compact labels with a typographic minus', () => {
  assert.equal(formatTick(0.2, 0.2), '0.2');
  assert.equal(formatTick(1, 0.2), '1');
  assert.equal(formatTick(1.5, 0.5), '1.5');
  assert.equal(formatTick(-10, 5), '\u221210');
  assert.equal(formatTick(0, 5), '0');
  assert.equal(formatTick(1e-17, 0.1), '0');
  assert.equal(formatTick(0.001, 0.001), '1e-3');
  assert.equal(formatTick(0.0015, 0.0005), '1.5e-3');
  assert.equal(formatTick(-0.002, 0.001), '\u22122e-3');
  assert.equal(formatTick(0.05, 0.01), '0.05');
  assert.equal(formatTick(1500, 500), '1500');
  assert.equal(formatTick(300000, 100000), '3e5');
  assert.equal(formatTick(NaN, 1), '');
});

test('formatNumber keeps four significant digits and switches to exponents outside [0.01, 1e5)', () => {
  assert.equal(formatNumber(0.1), '0.1');
  assert.equal(formatNumber(1000), '1000');
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: a number to format, not π
  assert.equal(formatNumber(3.14159), '3.142');
  assert.equal(formatNumber(0.001), '1e-3');
  assert.equal(formatNumber(-2.5e-7), '\u22122.5e-7');
  assert.equal(formatNumber(1e6), '1e6');
});

test('a linear scale maps the domain ends onto the range ends, y upward', () => {
  const y = linearScale([-1, 3], [300, 100]);
  assert.equal(y.map(-1), 300);
  assert.equal(y.map(3), 100);
  assert.equal(y.map(1), 200);
  assert.deepEqual(
    y.ticks(4).map((t) => t.label),
    ['\u22121', '0', '1', '2', '3'],
  );
});

test('an empty domain [a, a] is widened around a, and a non-finite domain is refused', () => {
  const s = linearScale([2, 2], [0, 100]);
  assert.ok(s.domain[0] < 2 && s.domain[1] > 2);
  assert.equal(s.map(2), 50);
  assert.throws(() => linearScale([0, NaN], [0, 1]), RangeError);
  assert.throws(() => logScale([0, 10], [0, 1]), RangeError);
});

test('a log scale spaces decades evenly and maps v ≤ 0 to NaN', () => {
  const y = logScale([1e-3, 1e3], [600, 0]);
  assert.equal(y.map(1e-3), 600);
  assert.ok(Math.abs(y.map(1) - 300) < 1e-9);
  assert.ok(Math.abs(y.map(10) - 200) < 1e-9);
  assert.ok(Number.isNaN(y.map(0)));
  assert.ok(Number.isNaN(y.map(-1)));
});

test('logTicks gives powers of ten over many decades and 1-2-5 steps over few', () => {
  assert.deepEqual(
    logTicks(1e-3, 1e3, 7).map((t) => t.label),
    ['1e-3', '0.01', '0.1', '1', '10', '100', '1000'],
  );
  assert.deepEqual(
    logTicks(1e-20, 1, 4).map((t) => t.value),
    [1e-20, 1e-15, 1e-10, 1e-5, 1],
  );
  assert.deepEqual(
    logTicks(1, 50).map((t) => t.value),
    [1, 2, 5, 10, 20, 50],
  );
  assert.deepEqual(
    logTicks(0.03, 0.6).map((t) => t.value),
    [0.05, 0.1, 0.2, 0.5],
  );
});

test('extent ignores non-finite values, and paddedDomain pads it', () => {
  assert.deepEqual(extent([[NaN, 2, -Infinity, 5], new Float64Array([3, Infinity])]), [2, 5]);
  assert.deepEqual(extent([[0, -1, 4]], true), [4, 4]);
  assert.equal(extent([[NaN]]), undefined);
  assert.deepEqual(paddedDomain([0, 10], 0.1), [-1, 11]);
  assert.deepEqual(paddedDomain(undefined, 0.1), [0, 1]);
  const [a, b] = paddedDomain([1, 100], 0.5, true);
  assert.ok(Math.abs(a - 0.1) < 1e-12 && Math.abs(b - 1000) < 1e-9);
});
