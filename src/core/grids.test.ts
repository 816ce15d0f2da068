import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allSchedules } from '../../test/helpers/schedules.js';
import { GRID_NAMES, gridByName, karras, shiftGrid, uniformLambda, uniformT } from './grids.js';
import { flowMatching, ve } from './schedule/index.js';

test('a grid of N steps has N steps on every schedule and transform, decreasing strictly to t = 0', () => {
  const bad: string[] = [];
  for (const s of allSchedules()) {
    for (const name of GRID_NAMES) {
      for (const n of [2, 3, 10, 57]) {
        const grid = gridByName(name, s, n);
        const decreasing = grid.every((t, i) => i === 0 || t < grid[i - 1]);
        if (grid.length !== n + 1 || !decreasing || grid[n] !== 0 || grid[0] > 1)
          bad.push(`${name} on ${s.name}, ${n} steps: ${grid.length - 1} steps`);
      }
    }
  }
  assert.deepEqual(bad.slice(0, 5), []);
});

test('on VE, where λ(0) is finite, the λ and Karras grids spend all N steps inside the range and end exactly at t = 0', () => {
  const s = ve();
  const lambda = uniformLambda(s, 10);
  assert.equal(lambda.length, 11);
  assert.equal(lambda[10], 0);
  const dl = Array.from(lambda.subarray(1), (t, i) => s.lambda(t) - s.lambda(lambda[i]));
  for (const d of dl) assert.ok(Math.abs(d - dl[0]) < 1e-9, 'uniform in λ to the end');
  const k = karras(s, 10);
  assert.equal(k.length, 11);
  assert.ok(Math.abs(s.sigma(k[0]) - 50) < 1e-9 && k[10] === 0, 'σ from σ_max = 50 to σ(0) = 0.01');
  assert.equal(uniformLambda(s, 1).length, 2, 'one step is enough when λ(0) is reached');
});

test('grids refuse what they cannot make, naming the problem', () => {
  assert.throws(() => uniformLambda(flowMatching(), 1), /a λ-uniform grid to t = 0 on 'fm' needs steps ≥ 2/);
  assert.throws(() => karras(ve(), 5, { sigmaMin: 100 }), /sigmaMin must be below sigmaMax within 've's σ\/α range/);
  assert.throws(() => uniformLambda(ve(), 5, { lambdaMin: 20 }), /lambdaMin must be below lambdaMax/);
  assert.throws(
    () => uniformT(2, { tMax: 5e-324 }),
    /2 steps are finer than the schedule or a double resolves here: times 0 and 1 are both 5e-324/,
  );
  assert.throws(() => shiftGrid(ve(), uniformT(10), 4), /shift 4 moves t = 0.9 .* past the end of 've's λ range/);
  const sd3 = shiftGrid(flowMatching(), uniformT(4), 3);
  assert.deepEqual(
    Array.from(sd3, (t) => +t.toFixed(12)),
    [1, 0.9, 0.75, 0.5, 0].map((_, i) => +[1, (3 * 0.75) / (1 + 2 * 0.75), (3 * 0.5) / 2, (3 * 0.25) / 1.5, 0][i].toFixed(12)),
  );
});
