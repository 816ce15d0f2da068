import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniformT } from '../grids.js';
import { gaussian, mixtureOracle } from '../oracles/index.js';
import { priorSample } from '../prior.js';
import { rng } from '../rng.js';
import { cosine, flowMatching } from '../schedule/index.js';
import { churnSampler } from './churn.js';
import { ddim } from './ddim.js';
import { heun } from './heun.js';
import { sdeEuler } from './sde.js';

const mu = 0.7;
const std = 0.5;
const n = 20_000;

function moments(z: Float64Array): { mean: number; variance: number } {
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  return { mean, variance: z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1) };
}

/** Mean within 5 standard errors; variance within 5 standard errors plus the discretisation allowance. */
function assertMoments(z: Float64Array, what: string, bias = 0.02): void {
  const { mean, variance } = moments(z);
  const se = std / Math.sqrt(z.length);
  assert.ok(Math.abs(mean - mu) < 5 * se + bias * std, `${what}: mean ${mean} vs ${mu}`);
  const seVar = std * std * Math.sqrt(2 / (z.length - 1));
  assert.ok(Math.abs(variance - std * std) < 5 * seVar + 2 * bias * std * std, `${what}: variance ${variance} vs ${std * std}`);
}

const MOMENTS_RIGHT = 'DDPM (η = 1), churn ½, Heun with S_churn and the SDE sample Gaussian data with the right mean and variance';
for (const schedule of [flowMatching(), cosine()]) {
  const oracle = mixtureOracle(gaussian([mu], std), schedule);
  const z1 = priorSample(schedule, n, 1, rng(5));

  test(`on ${schedule.name}, ${MOMENTS_RIGHT}`, async () => {
    assertMoments(await ddim(oracle, z1, uniformT(400), { eta: 1, rng: rng(6) }), 'η = 1', 0.01);
    assertMoments(await churnSampler(oracle, z1, uniformT(400), { churn: 0.5, rng: rng(7) }), 'churn ½', 0.01);
    assertMoments(await churnSampler(oracle, z1, uniformT(400), { churn: 0.3, rng: rng(7) }), 'churn 0.3', 0.01);
    assertMoments(await sdeEuler(oracle, z1, uniformT(400), { eta: 1, rng: rng(8) }), 'SDE η = 1', 0.01);
    assertMoments(await heun(oracle, z1, uniformT(50), { sChurn: 20, rng: rng(9) }), 'Heun S_churn = 20', 0.01);
    assertMoments(await ddim(oracle, z1, uniformT(100)), 'DDIM');
  });
}

test('η = 0 reproduces DDIM exactly, churn 0 is DDIM, and churn ½ is DDPM (η = 1) step for step', async () => {
  const fm = flowMatching();
  const oracle = mixtureOracle(gaussian([mu, -mu], std), fm);
  const z1 = rng(1).normals(2 * 500);
  const grid = uniformT(20);
  const plain = await ddim(oracle, z1, grid);
  assert.deepEqual(await ddim(oracle, z1, grid, { eta: 0, rng: rng(3) }), plain);
  assert.deepEqual(await churnSampler(oracle, z1, grid, { churn: 0 }), plain);
  assert.deepEqual(await heun(oracle, z1, grid, { sChurn: 0 }), await heun(oracle, z1, grid));
  const ddpm = await ddim(oracle, z1, grid, { eta: 1, rng: rng(4) });
  const churnHalf = await churnSampler(oracle, z1, grid, { churn: 0.5, rng: rng(4) });
  for (let i = 0; i < ddpm.length; i++) assert.ok(Math.abs(ddpm[i] - churnHalf[i]) < 1e-12);
});

test('a churn step is a DDIM step to λ_t + Δλ/(1 − c) followed by forward re-noising to λ_s (FRAMEWORK.md §5)', async () => {
  const fm = flowMatching();
  const oracle = mixtureOracle(gaussian([mu], std), fm);
  const z = Float64Array.from([-1.3, 0.2, 2.1]);
  const [t, s, c] = [0.6, 0.45, 0.3];
  const lambdaPrime = fm.lambda(t) + (fm.lambda(s) - fm.lambda(t)) / (1 - c);
  const tPrime = fm.tOfLambda(lambdaPrime);
  // The two stages, written with the schedule directly.
  const d = oracle.denoise(z, t);
  const zPrime = z.map((_, k) => fm.alpha(tPrime) * d.x[k] + fm.sigma(tPrime) * d.eps[k]);
  const xi = rng(11).normals(3);
  const ratio = fm.alpha(s) / fm.alpha(tPrime);
  const noise = Math.sqrt(fm.sigma(s) ** 2 - (ratio * fm.sigma(tPrime)) ** 2);
  const twoStage = zPrime.map((v, k) => ratio * v + noise * xi[k]);
  const closedForm = await churnSampler(oracle, z, Float64Array.from([t, s]), { churn: c, rng: rng(11) });
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(twoStage[k] - closedForm[k]) < 1e-12, `${twoStage[k]} vs ${closedForm[k]}`);
});

test('the same seed gives the same samples and another seed different ones', async () => {
  const fm = flowMatching();
  const oracle = mixtureOracle(gaussian([mu], std), fm);
  const z1 = rng(1).normals(100);
  const a = await sdeEuler(oracle, z1, uniformT(30), { rng: rng(42) });
  assert.deepEqual(await sdeEuler(oracle, z1, uniformT(30), { rng: rng(42) }), a);
  assert.notDeepEqual(await sdeEuler(oracle, z1, uniformT(30), { rng: rng(43) }), a);
});
