import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzParameters, time } from '../../../test/helpers/fuzz.js';
import { denoiserFromModel } from '../denoiser.js';
import { GRID_NAMES, customGrid, samplingGrid } from '../grids.js';
import { mixture, mixtureOracle } from '../oracles/index.js';
import { OUTPUT_KINDS } from '../outputs.js';
import { priorSample } from '../prior.js';
import { rng } from '../rng.js';
import { SAMPLER_NAMES, SAMPLERS } from '../samplers/index.js';
import { SCHEDULE_NAMES, edm, flowMatching, scheduleByName, shifted, ve, vpRescaled } from '../schedule/index.js';
import { DifflowError } from '../validate.js';

const schedules = [
  ...SCHEDULE_NAMES.map(scheduleByName),
  shifted(flowMatching(), 3),
  shifted(ve(), 2),
  shifted(edm(), 0.5),
  vpRescaled(ve()),
];
const data = mixture({ dim: 2, means: [-1, 0.5, 1, -0.5], stds: [0.2, 0.4] });

/**
 * A named grid, or a custom one through random times at either end or 1e-12 … 1e-3 from it. (Closer, a step
 * from t to s ≪ t can overflow: Heun's correction with an x-output grows like σ_t/σ_s; that run stops with
 * a DifflowError naming the step.)
 */
const grid = fc.oneof(
  fc.record({ name: fc.constantFrom(...GRID_NAMES), steps: fc.integer({ min: 1, max: 12 }) }),
  fc.uniqueArray(time(1e-12), { minLength: 2, maxLength: 10 }).map((ts) => ({ times: ts.sort((a, b) => b - a) })),
);
const options = fc.record({
  eta: fc.double({ min: 0, max: 1, noNaN: true }),
  churn: fc.double({ min: 0, max: 0.9, noNaN: true }),
  sChurn: fc.double({ min: 0, max: 5, noNaN: true }),
});

test('every sampler × schedule × output × grid, ends included, gives finite samples or refuses with a DifflowError', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: schedules.length - 1 }),
      fc.constantFrom(...SAMPLER_NAMES),
      fc.constantFrom(...OUTPUT_KINDS),
      grid,
      options,
      fc.integer({ min: 0, max: 1000 }),
      async (i, sampler, kind, g, sampling, seed) => {
        const schedule = schedules[i];
        const oracle = mixtureOracle(data, schedule);
        const denoiser = denoiserFromModel(oracle.model(kind), kind, schedule);
        const what = `${sampler} on ${schedule.name}, ${kind} output, ${JSON.stringify(g)}`;
        try {
          const times = 'name' in g ? samplingGrid(g.name, schedule, kind, g.steps) : customGrid(g.times);
          const z = priorSample(schedule, 3, 2, rng(seed));
          const out = await SAMPLERS[sampler](denoiser, z, times, { ...sampling, rng: rng(seed + 1) });
          assert.ok(out.every(Number.isFinite), `${what}: non-finite samples`);
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.ok(e instanceof DifflowError, `${what}: ${String(e)}`);
          assert.match(e.message, /determines no|grid|steps/, `${what}: ${e.message}`);
        }
      },
    ),
    fuzzParameters(3),
  );
});
