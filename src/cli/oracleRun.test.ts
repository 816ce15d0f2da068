import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { flowMatching, ve } from '../core/index.js';
import { DETERMINISTIC, STOCHASTIC, STOCHASTIC_ROWS, maxDifference, run, setup } from './oracleRun.js';

test('on λ and Karras grids, which start below t = 1, the error to the exact ODE answer falls to ~1e-4 (no 2–4e-3 floor)', async () => {
  const s = await setup(flowMatching(), 40, 0);
  for (const grid of ['lambda', 'karras'] as const) {
    const coarse = (await run(s, 'dpmpp2m', 25, grid)).rmse ?? NaN;
    const fine = (await run(s, 'dpmpp2m', 400, grid)).rmse ?? NaN;
    assert.ok(fine < 4e-4, `${grid}: ${fine} at 400 steps`);
    assert.ok(coarse / fine > 5, `${grid}: the error keeps falling, ${coarse} → ${fine}`);
  }
});

test("the demo's churn ½ is DDPM (η = 1) to rounding on the same noise, so its table shows churn ¼ instead", async () => {
  for (const schedule of [flowMatching(), ve()]) {
    const s = await setup(schedule, 30, 3);
    const ddpm = await run(s, 'ddpm', 10, 'uniform');
    const churnHalf = await run(s, 'churn', 10, 'uniform', { churn: 0.5 });
    assert.ok(maxDifference(ddpm.z, churnHalf.z) < 1e-12, schedule.name);
    const quarter = await run(s, 'churn', 10, 'uniform', { churn: 0.25 });
    assert.ok(maxDifference(ddpm.z, quarter.z) > 0.01, 'churn ¼ adds a sampler');
  }
  assert.deepEqual(
    STOCHASTIC_ROWS.map((r) => [r.sampler, r.options?.churn]),
    [
      ['ddpm', undefined],
      ['churn', 0.25],
      ['sde', undefined],
    ],
  );
});

test('a run has an RMS distance to the exact ODE answer exactly when its sampler and options are deterministic', async () => {
  const s = await setup(flowMatching(), 20, 0);
  assert.deepEqual(DETERMINISTIC, ['ddim', 'fm-euler', 'pf-euler', 'heun', 'dpmpp2m']);
  assert.deepEqual(STOCHASTIC, ['ddpm', 'churn', 'sde']);
  assert.equal((await run(s, 'ddim', 5, 'uniform', { eta: 1 })).rmse, undefined);
  assert.ok(Number.isFinite((await run(s, 'ddim', 5, 'uniform', { eta: 0 })).rmse));
  assert.ok(Number.isFinite((await run(s, 'sde', 5, 'uniform', { eta: 0 })).rmse), 'sde with η = 0 is the probability-flow ODE');
  assert.equal((await run(s, 'churn', 5, 'uniform', { churn: 0.25 })).rmse, undefined);
});

test('difflow oracle reports the distance to the exact ODE for ddim, and none for ddim with η = 1', () => {
  const oracle = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/run.ts', 'oracle', '--n', '20', '--steps', '4', '--sampler', 'ddim', ...args],
      { encoding: 'utf8' },
    );
  const deterministic = oracle('--eta', '0');
  assert.equal(deterministic.status, 0, deterministic.stderr);
  assert.match(deterministic.stdout, /RMS distance to the exact ODE answer/);
  const stochastic = oracle('--eta', '1');
  assert.equal(stochastic.status, 0, stochastic.stderr);
  assert.match(stochastic.stdout, /^ddim on fm, 4 steps \(4 NFE\): energy distance to data [^,]+$/m);
  assert.doesNotMatch(stochastic.stdout, /exact ODE/);
});
