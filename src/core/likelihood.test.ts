import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Denoiser } from './denoiser.js';
import { bitsPerDim, logLikelihood } from './likelihood.js';
import { gaussian, mixture, mixtureOracle, type Mixture } from './oracles/index.js';
import { cosine, flowMatching, type Schedule } from './schedule/index.js';

/** Closed-form log N(x; mean, std² I) per row. */
function gaussianLogDensity(x: Float64Array, mean: number[], std: number): Float64Array {
  const dim = mean.length;
  const out = new Float64Array(x.length / dim);
  for (let row = 0; row < out.length; row++) {
    let r2 = 0;
    for (let j = 0; j < dim; j++) r2 += (x[row * dim + j] - mean[j]) ** 2;
    out[row] = (-0.5 * r2) / (std * std) - dim * Math.log(std * Math.sqrt(2 * Math.PI));
  }
  return out;
}

/** Largest |logLikelihood − exact log p_0| over the rows of x. */
async function likelihoodError(data: Mixture, schedule: Schedule, x: Float64Array): Promise<number> {
  const oracle = mixtureOracle(data, schedule);
  const { logp } = await logLikelihood(oracle, x, data.dim, { tMin: 1e-5 });
  const exact = oracle.logDensity(x, 0);
  return Math.max(...logp.map((l, i) => Math.abs(l - exact[i])));
}

const schedules = [flowMatching(), cosine()];

test('the likelihood of 1-D Gaussian data equals its exact log density', async () => {
  const x = new Float64Array([0.3, -0.5, 1.4]);
  for (const schedule of schedules) {
    const oracle = mixtureOracle(gaussian([0.3], 0.5), schedule);
    const { logp } = await logLikelihood(oracle, x, 1);
    const exact = gaussianLogDensity(x, [0.3], 0.5);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(logp[i] - exact[i]) < 1e-3, `${schedule.name}: ${logp[i]} vs ${exact[i]}`);
  }
});

test('the likelihood of 2-D Gaussian data equals its exact log density', async () => {
  const x = new Float64Array([0.5, -1, 0.2, -0.6, 1.0, -1.3]);
  for (const schedule of schedules) {
    const error = await likelihoodError(gaussian([0.5, -1], 0.3), schedule, x);
    assert.ok(error < 1e-3, `${schedule.name}: error ${error}`);
  }
});

test('the likelihood under a two-component Gaussian mixture equals its exact log density', async () => {
  const data = mixture({ dim: 2, means: [1, 1, -1, 0], stds: [0.2, 0.4], weights: [1, 2] });
  const x = new Float64Array([1, 1, -1, 0, 0, 0.5, -1.5, 0.3]);
  for (const schedule of schedules) {
    const error = await likelihoodError(data, schedule, x);
    assert.ok(error < 1e-3, `${schedule.name}: error ${error}`);
  }
});

test('a caller-supplied exact divergence gives the same likelihood with fewer denoiser calls', async () => {
  const mean = [0.5, -1];
  const std = 0.3;
  const schedule = cosine();
  const oracle = mixtureOracle(gaussian(mean, std), schedule);
  // For Gaussian data ε̂ − x̂ is affine in z with slope (sigma − alpha s²)/(alpha² s² + sigma²) per coordinate.
  const divergence = (z: Float64Array, t: number) => {
    const alpha = schedule.alpha(t);
    const sigma = schedule.sigma(t);
    const slope = (sigma - alpha * std * std) / (alpha * alpha * std * std + sigma * sigma);
    return new Float64Array(z.length / 2).fill(2 * slope);
  };
  const x = new Float64Array([0.5, -1, 0.2, -0.6]);
  const byDifferences = await logLikelihood(oracle, x, 2);
  const exact = await logLikelihood(oracle, x, 2, { divergence });
  const truth = gaussianLogDensity(x, mean, std);
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(exact.logp[i] - byDifferences.logp[i]) < 1e-6);
    assert.ok(Math.abs(exact.logp[i] - truth[i]) < 1e-3);
  }
  assert.ok(exact.nfe * 4 < byDifferences.nfe, `${exact.nfe} vs ${byDifferences.nfe}`);
});

test('the likelihood is the same from a denoiser that answers with a Promise (a network) as from the oracle', async () => {
  const oracle = mixtureOracle(gaussian([0.5, -1], 0.3), flowMatching());
  const pending: Denoiser = { schedule: oracle.schedule, denoise: async (z, t) => oracle.denoise(z, t) };
  const x = new Float64Array([0.5, -1, 0.2, -0.6]);
  assert.deepEqual(await logLikelihood(pending, x, 2), await logLikelihood(oracle, x, 2));
});

test('bits per dimension are −logp/(dim·ln 2)', async () => {
  const x = new Float64Array([0.5, -1, 0.2, -0.6]);
  const result = await logLikelihood(mixtureOracle(gaussian([0.5, -1], 0.3), flowMatching()), x, 2);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(result.bitsPerDim[i] + result.logp[i] / (2 * Math.LN2)) < 1e-12);
  assert.deepEqual(bitsPerDim(new Float64Array([-Math.LN2 * 6]), 3), new Float64Array([2]));
});

test('logLikelihood refuses bad input, naming the argument', async () => {
  const oracle = mixtureOracle(gaussian([0, 0], 1), flowMatching());
  const x = new Float64Array([0.1, 0.2]);
  await assert.rejects(logLikelihood(oracle, new Float64Array([0.1, NaN]), 2), /x must be finite, but x\[1\] = NaN/);
  await assert.rejects(logLikelihood(oracle, new Float64Array([0.1, 0.2, 0.3]), 2), /x must hold \[batch, 2\] values/);
  await assert.rejects(logLikelihood(oracle, x, 0), /dim must be an integer ≥ 1/);
  await assert.rejects(logLikelihood(oracle, x, 2, { tMin: 0 }), /tMin must be a time in \(0, 1\)/);
  await assert.rejects(logLikelihood(oracle, x, 2, { tMin: 1.5 }), /tMin must be a time in \[0, 1\]/);
  await assert.rejects(logLikelihood(oracle, x, 2, { atol: -1 }), /atol must be a finite number > 0/);
  const wrongLength = () => new Float64Array(3);
  await assert.rejects(logLikelihood(oracle, x, 2, { divergence: wrongLength }), /divergence must return one value per row/);
});

test('an ε-model, which has no x̂ at t = 1 on flow matching, gets its likelihood with tMax just below 1', async () => {
  const { denoiserFromModel } = await import('./denoiser.js');
  const data = gaussian([0.4, -0.2], 0.7);
  const oracle = mixtureOracle(data, flowMatching());
  const epsModel = denoiserFromModel(oracle.model('eps'), 'eps', flowMatching());
  const x = Float64Array.from([0.1, 0.3, -0.9, 0.2]);
  await assert.rejects(logLikelihood(epsModel, x, 2), /ε-prediction determines no x̂ where α = 0/);
  const { logp } = await logLikelihood(epsModel, x, 2, { tMax: 1 - 1e-4 });
  const exact = oracle.logDensity(x, 0);
  logp.forEach((l, i) => assert.ok(Math.abs(l - exact[i]) < 2e-3, `${l} vs ${exact[i]}`));
});
