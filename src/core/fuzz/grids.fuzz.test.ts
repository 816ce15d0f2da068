import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzParameters } from '../../../test/helpers/fuzz.js';
import { allSchedules } from '../../../test/helpers/schedules.js';
import { GRID_NAMES, gridByName, samplingGrid, shiftGrid, uniformT, type TimeGrid } from '../grids.js';
import { OUTPUT_KINDS } from '../outputs.js';
import { DifflowError } from '../validate.js';

const schedules = allSchedules();
const schedule = fc.integer({ min: 0, max: schedules.length - 1 }).map((i) => schedules[i]);

/** Holds when `make` gives a strictly decreasing grid of exactly `steps` steps in [0, 1], or refuses with a DifflowError. */
function madeOrRefused(make: () => TimeGrid, steps: number, what: string): void {
  let grid: TimeGrid;
  try {
    grid = make();
  } catch (e) {
    assert.ok(e instanceof DifflowError, `${what}: ${String(e)}`);
    return;
  }
  assert.equal(grid.length, steps + 1, `${what}: ${grid.length - 1} steps`);
  grid.forEach((t, i) => assert.ok(t >= 0 && t <= 1 && (i === 0 || t < grid[i - 1]), `${what}: grid[${i}] = ${t}`));
}

test('every named and sampling grid of N steps has N strictly decreasing times in [0, 1] on every schedule', () => {
  fc.assert(
    fc.property(
      schedule,
      fc.constantFrom(...GRID_NAMES),
      fc.constantFrom(...OUTPUT_KINDS),
      fc.integer({ min: 1, max: 400 }),
      (s, name, kind, n) => {
        madeOrRefused(() => gridByName(name, s, n), n, `${name} on ${s.name}, ${n} steps`);
        madeOrRefused(() => samplingGrid(name, s, kind, n), n, `sampling ${name} on ${s.name} for ${kind}, ${n} steps`);
      },
    ),
    fuzzParameters(3),
  );
});

test('uniform and shifted grids keep their step count for any range and shift, or refuse it', () => {
  const t = fc.double({ min: 0, max: 1, noNaN: true });
  fc.assert(
    fc.property(schedule, t, t, fc.double({ min: 0.05, max: 20, noNaN: true }), fc.integer({ min: 1, max: 200 }), (s, a, b, k, n) => {
      madeOrRefused(
        () => uniformT(n, { tMax: Math.max(a, b), tMin: Math.min(a, b) }),
        n,
        `uniform from ${Math.max(a, b)} to ${Math.min(a, b)}`,
      );
      madeOrRefused(() => shiftGrid(s, uniformT(n), k), n, `uniform shifted by ${k} on ${s.name}`);
    }),
    fuzzParameters(3),
  );
});
