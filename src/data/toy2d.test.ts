import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../core/rng.js';
import { DifflowError } from '../core/validate.js';
import { MOONS_NOISE, RING_RADIUS, RING_STD, TOY_DATASETS, TOY_NAMES, toyByName } from './toy2d.js';

const N = 4000;

function points(name: string, n = N, seed = 0): Array<[number, number]> {
  const z = toyByName(name).sample(n, rng(seed));
  return Array.from({ length: n }, (_, i) => [z[2 * i], z[2 * i + 1]]);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Distance from q to the arc {c + (cos θ, ±sin θ) : θ ∈ [0, π]} (upper arc for +, lower for −). */
function arcDistance(qx: number, qy: number, cx: number, cy: number, upper: boolean): number {
  const dx = qx - cx;
  const dy = qy - cy;
  if (upper ? dy >= 0 : dy <= 0) return Math.abs(Math.hypot(dx, dy) - 1);
  return Math.min(Math.hypot(dx - 1, dy), Math.hypot(dx + 1, dy));
}

test('the same seed gives the same points and another seed other points, for every data set', () => {
  for (const name of TOY_NAMES) {
    const sample = TOY_DATASETS[name].sample;
    assert.deepEqual(sample(50, rng(7)), sample(50, rng(7)), name);
    assert.notDeepEqual(sample(50, rng(7)), sample(50, rng(8)), name);
  }
});

test('every data set returns n finite (x, y) pairs, roughly zero-mean and of unit scale', () => {
  assert.deepEqual([...TOY_NAMES], ['moons', '8gaussians', 'checkerboard', 'spirals', 'swissroll']);
  for (const name of TOY_NAMES) {
    const z = TOY_DATASETS[name].sample(N, rng(1));
    assert.ok(z instanceof Float64Array && z.length === 2 * N, name);
    assert.ok(z.every(Number.isFinite), name);
    assert.equal(TOY_DATASETS[name].sample(1, rng(1)).length, 2);
    assert.ok(TOY_DATASETS[name].description.length > 10);
    for (const c of [0, 1]) {
      const xs = Array.from({ length: N }, (_, i) => z[2 * i + c]);
      const m = mean(xs);
      const sd = Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
      assert.ok(Math.abs(m) < 0.5, `${name} coordinate ${c} mean ${m}`);
      assert.ok(sd > 0.5 && sd < 2.5, `${name} coordinate ${c} std ${sd}`);
    }
  }
});

test('moons lie near the two unit semicircles, half on each, once the ×2 centring map is undone', () => {
  let upper = 0;
  const distances = points('moons').map(([x, y]) => {
    const qx = x / 2 + 0.5;
    const qy = y / 2 + 0.25;
    const dUpper = arcDistance(qx, qy, 0, 0, true);
    const dLower = arcDistance(qx, qy, 1, 0.5, false);
    if (dUpper < dLower) upper++;
    return Math.min(dUpper, dLower);
  });
  assert.ok(Math.max(...distances) < 6 * MOONS_NOISE, `max distance ${Math.max(...distances)}`);
  assert.ok(Math.sqrt(mean(distances.map((d) => d * d))) < 1.2 * MOONS_NOISE);
  assert.ok(Math.abs(upper / N - 0.5) < 0.04, `upper fraction ${upper / N}`);
});

test('8gaussians form 8 equally likely clusters of std 0.15 on the circle of radius 2', () => {
  const clusters = Array.from({ length: 8 }, () => [] as Array<[number, number]>);
  for (const [x, y] of points('8gaussians')) {
    const k = (Math.round((Math.atan2(y, x) / (2 * Math.PI)) * 8) + 8) % 8;
    const cx = RING_RADIUS * Math.cos((2 * Math.PI * k) / 8);
    const cy = RING_RADIUS * Math.sin((2 * Math.PI * k) / 8);
    assert.ok(Math.hypot(x - cx, y - cy) < 6 * RING_STD, `(${x}, ${y}) is far from every centre`);
    clusters[k].push([x - cx, y - cy]);
  }
  for (const offsets of clusters) {
    assert.ok(Math.abs(offsets.length / N - 1 / 8) < 0.025, `cluster share ${offsets.length / N}`);
    const sd = Math.sqrt(mean(offsets.map(([dx, dy]) => (dx * dx + dy * dy) / 2)));
    assert.ok(Math.abs(sd - RING_STD) < 0.02, `cluster std ${sd}`);
    assert.ok(Math.abs(mean(offsets.map((o) => o[0]))) < 0.04 && Math.abs(mean(offsets.map((o) => o[1]))) < 0.04);
  }
});

test('checkerboard points fall only in the 8 black squares of [−2, 2)², about equally often', () => {
  const counts = new Map<string, number>();
  for (const [x, y] of points('checkerboard')) {
    assert.ok(x >= -2 && x < 2 && y >= -2 && y < 2, `(${x}, ${y}) outside the board`);
    const i = Math.floor(x);
    const j = Math.floor(y);
    assert.equal((((i + j) % 2) + 2) % 2, 0, `(${x}, ${y}) in a white square`);
    counts.set(`${i},${j}`, (counts.get(`${i},${j}`) ?? 0) + 1);
  }
  assert.equal(counts.size, 8);
  for (const c of counts.values()) assert.ok(Math.abs(c / N - 1 / 8) < 0.025, `square share ${c / N}`);
});

test('spirals wind outward: the polar angle φ and radius r keep φ + 3r fixed mod π (two arms)', () => {
  const far = points('spirals').filter(([x, y]) => Math.hypot(x, y) > 0.5);
  const winding = (sign: number) => mean(far.map(([x, y]) => Math.cos(2 * (Math.atan2(y, x) + sign * 3 * Math.hypot(x, y)))));
  assert.ok(winding(1) > 0.7, `concentration ${winding(1)}`);
  assert.ok(Math.abs(winding(-1)) < 0.2, 'the opposite winding must not fit');
  const armOne = far.filter(([x, y]) => Math.cos(Math.atan2(y, x) + 3 * Math.hypot(x, y)) < 0).length;
  assert.ok(Math.abs(armOne / far.length - 0.5) < 0.04, `arm share ${armOne / far.length}`);
  const radii = points('spirals').map(([x, y]) => Math.hypot(x, y));
  assert.ok(Math.max(...radii) < Math.PI + 0.6 && Math.max(...radii) > Math.PI - 0.2);
});

test('the swiss roll winds outward: its radius r = t/5 grows with its angle t, so φ − 5r ≡ 0 mod 2π', () => {
  const pts = points('swissroll');
  const winding = (sign: number) => mean(pts.map(([x, y]) => Math.cos(Math.atan2(y, x) - sign * 5 * Math.hypot(x, y))));
  assert.ok(winding(1) > 0.7, `concentration ${winding(1)}`);
  assert.ok(Math.abs(winding(-1)) < 0.2, 'the opposite winding must not fit');
  const radii = pts.map(([x, y]) => Math.hypot(x, y));
  assert.ok(Math.min(...radii) > 0.94 - 0.6 && Math.max(...radii) < 2.83 + 0.6);
});

test('unknown names and bad sizes are rejected with a message naming the valid values', () => {
  assert.throws(
    () => toyByName('circles'),
    (e: unknown) => {
      assert.ok(e instanceof DifflowError);
      assert.equal(e.message, "unknown data set 'circles'; valid: moons, 8gaussians, checkerboard, spirals, swissroll");
      return true;
    },
  );
  assert.throws(() => toyByName('toString'), DifflowError);
  for (const name of TOY_NAMES) {
    for (const n of [0, -3, 2.5, Number.NaN, Infinity]) {
      assert.throws(() => TOY_DATASETS[name].sample(n, rng(0)), DifflowError, `${name} with n = ${n}`);
    }
  }
});
