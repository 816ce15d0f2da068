import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniformT } from '../grids.js';
import { OUTPUT_KINDS } from '../outputs.js';
import { rng } from '../rng.js';
import { cosine, flowMatching } from '../schedule/index.js';
import { denoiserFromModel } from '../denoiser.js';
import { churnSampler } from './churn.js';
import { predictionWeights } from './predictionWeights.js';

test('the prediction weights reproduce the churn sampler exactly for a model with scripted outputs', async () => {
  for (const schedule of [cosine(), flowMatching()]) {
    for (const kind of OUTPUT_KINDS) {
      for (const churn of [0, 0.2, 0.5]) {
        const grid = uniformT(12, { tMax: kind === 'eps' ? 0.99 : 1 });
        // A "network" whose output at step i is the number o_i (independent of z).
        const outputs = rng(5).normals(12);
        let step = 0;
        const n = 20_000;
        const model = denoiserFromModel((z) => new Float64Array(z.length).fill(outputs[step++]), kind, schedule);
        const z0 = 0.7;
        const sampled = await churnSampler(model, new Float64Array(n).fill(z0), grid, { churn, rng: rng(9) });
        const { weights, start } = predictionWeights(schedule, grid, churn, kind);
        const expected = start * z0 + weights.reduce((acc, w, i) => acc + w * outputs[i], 0);
        // Without churn the sample is exactly the weighted sum; with churn its mean is (noise averages out).
        const mean = sampled.reduce((a, b) => a + b, 0) / n;
        const tolerance = 1e-10 + (churn === 0 ? 0 : 5) * Math.sqrt(sampled.reduce((a, b) => a + (b - mean) ** 2, 0) / n / n);
        assert.ok(Math.abs(mean - expected) <= tolerance, `${schedule.name} ${kind} churn ${churn}: ${mean} vs ${expected}`);
      }
    }
  }
});

test("with DDIM on cosine/v every step's v̂ counts about equally; churn shifts the weight to the last steps", () => {
  const grid = uniformT(100);
  const ddim = predictionWeights(cosine(), grid, 0, 'v').weights.map(Math.abs);
  assert.ok(Math.max(...ddim) / Math.min(...ddim) < 1.02); // sin(πΔt/2) per step times a product of cosines
  const churned = predictionWeights(cosine(), grid, 0.5, 'v').weights.map(Math.abs);
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  assert.ok(sum(churned.subarray(75)) > 4 * sum(churned.subarray(0, 25)), `${churned}`);
});
