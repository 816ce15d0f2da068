import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowMatching, ve } from '../core/index.js';
import { STOCHASTIC_ROWS, maxDifference, run, setup } from './oracleRun.js';

test('on λ and Karras grids, which start below t = 1, the error to the exact ODE answer falls to ~1e-4 (no 2–4e-3 floor)', async () => {
  const s = await setup(flowMatching(), 40, 0);
  for (const grid of ['lambda', 'karras'] as const) {
    const coarse = (await run(s, 'dpmpp2m', 25, grid)).rmse ?? NaN;
    const fine = (await run(s, 'dpmpp2m', 400, grid)).rmse ?? NaN;
    assert.ok(fine < 4e-4, `${grid}: ${fine} at 400 steps`);
    assert.ok(coarse / fine > 5, `${grid}: the error keeps falling, ${coarse} → ${fine}`);
  }
});

test('the demo\'s churn ½ is DDPM (η = 1) to rounding on the same noise, so its table shows churn ¼ instead', async () => {
  for (const schedule of [flowMatching(), ve()]) {
    const s = await setup(schedule, 30, 3);
    const ddpm = await run(s, 'ddpm', 10, 'uniform');
    const churnHalf = await run(s, 'churn', 10, 'uniform', { churn: 0.5 });
    assert.ok(maxDifference(ddpm.z, churnHalf.z) < 1e-12, schedule.name);
    const quarter = await run(s, 'churn', 10, 'uniform', { churn: 0.25 });
    assert.ok(maxDifference(ddpm.z, quarter.z) > 0.01, 'churn ¼ adds a sampler');
  }
  assert.deepEqual(STOCHASTIC_ROWS.map((r) => [r.sampler, r.options?.churn]), [['ddpm', undefined], ['churn', 0.25], ['sde', undefined]]);
});
