import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customGrid } from '../grids.js';
import { gaussian, mixtureOracle } from '../oracles/index.js';
import { ve } from '../schedule/index.js';
import { dpmpp2m } from './dpmSolver.js';

test('DPM-Solver++ 2M steps between two times of equal λ (VE within 1e-100 of t = 0) as the identity, not NaN', async () => {
  const s = ve();
  assert.ok(s.lambda(1e-120) === s.lambda(1e-300) && s.lambda(1e-300) === s.lambda(0), 'λ is flat to rounding there');
  const oracle = mixtureOracle(gaussian([0.3], 0.5), s);
  const z = Float64Array.from([0.7, -0.2]);
  const ends = await dpmpp2m(oracle, z, customGrid([0.5, 1e-120, 1e-300, 0]));
  const one = await dpmpp2m(oracle, z, customGrid([0.5, 1e-120]));
  assert.deepEqual(ends, one);
});
