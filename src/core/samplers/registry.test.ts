import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Denoiser } from '../denoiser.js';
import { GRID_NAMES, gridByName } from '../grids.js';
import { mixtureOracle, ringMixture } from '../oracles/index.js';
import { rng } from '../rng.js';
import { SCHEDULE_NAMES, scheduleByName } from '../schedule/index.js';
import {
  SAMPLERS,
  SAMPLER_DESCRIPTORS,
  SAMPLER_NAMES,
  evaluationCount,
  isStochastic,
  samplersReading,
  type AnySamplerOptions,
} from './registry.js';

const data = ringMixture(4, 2, 0.2);
const z1 = (n: number) => rng(7).normals(n * 2);

function counting(d: Denoiser): Denoiser & { calls: number } {
  const counted = {
    schedule: d.schedule,
    calls: 0,
    denoise: (z: Float64Array, t: number) => {
      counted.calls++;
      return d.denoise(z, t);
    },
  };
  return counted;
}

test("every sampler calls the denoiser as often as its descriptor's evaluations say, on every schedule, grid and step count", async () => {
  for (const scheduleName of SCHEDULE_NAMES) {
    const schedule = scheduleByName(scheduleName);
    const oracle = mixtureOracle(data, schedule);
    const start = z1(3).map((v) => v * schedule.sigma(1));
    for (const gridName of GRID_NAMES) {
      for (const steps of [2, 3, 7]) {
        const grid = gridByName(gridName, schedule, steps);
        for (const name of SAMPLER_NAMES) {
          const d = counting(oracle);
          await SAMPLERS[name](d, start, grid, { rng: rng(1), sChurn: 1 });
          assert.equal(d.calls, evaluationCount(name, schedule, grid), `${name} on ${scheduleName}, ${gridName}, ${steps} steps`);
        }
      }
    }
  }
});

test('Heun costs two evaluations a step except from α = 0 and to σ = 0; the others one', () => {
  const schedule = scheduleByName('fm');
  assert.equal(evaluationCount('heun', schedule, [1, 0.5, 0.25, 0]), 1 + 2 + 1);
  assert.equal(evaluationCount('dpmpp2m', schedule, [1, 0.5, 0.25, 0]), 3);
});

const OPTION_CASES: readonly AnySamplerOptions[] = [
  {},
  { eta: 0 },
  { eta: 0.5 },
  { eta: 1 },
  { churn: 0 },
  { churn: 0.25 },
  { sChurn: 0 },
  { sChurn: 2 },
  { eta: 0, churn: 0 },
];

test('a sampler gives different samples for different generators exactly when its descriptor calls the run stochastic', async () => {
  for (const scheduleName of ['fm', 'cosine', 've'] as const) {
    const schedule = scheduleByName(scheduleName);
    const oracle = mixtureOracle(data, schedule);
    const start = z1(5).map((v) => v * schedule.sigma(1));
    const grid = gridByName('uniform', schedule, 4);
    for (const name of SAMPLER_NAMES) {
      for (const options of OPTION_CASES) {
        const a = await SAMPLERS[name](oracle, start, grid, { ...options, rng: rng(1) });
        const b = await SAMPLERS[name](oracle, start, grid, { ...options, rng: rng(2) });
        const differ = a.some((v, i) => v !== b[i]);
        assert.equal(differ, isStochastic(name, options), `${name} ${JSON.stringify(options)} on ${scheduleName}`);
      }
    }
  }
});

test('a stochastic run without a generator is refused, and a deterministic one needs none', async () => {
  const oracle = mixtureOracle(data, scheduleByName('fm'));
  const grid = gridByName('uniform', oracle.schedule, 3);
  for (const name of SAMPLER_NAMES) {
    for (const options of OPTION_CASES) {
      const run = SAMPLERS[name](oracle, z1(2), grid, options);
      if (isStochastic(name, options)) await assert.rejects(run, /is stochastic: pass options.rng/, name);
      else await run;
    }
  }
});

test('each option is read by the samplers that list it', () => {
  assert.deepEqual(samplersReading('eta'), ['ddim', 'sde']);
  assert.deepEqual(samplersReading('churn'), ['churn']);
  assert.deepEqual(samplersReading('sChurn'), ['heun']);
  for (const name of SAMPLER_NAMES) assert.equal(SAMPLERS[name], SAMPLER_DESCRIPTORS[name].run, name);
});
