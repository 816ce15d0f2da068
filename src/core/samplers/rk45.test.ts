import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denoiserFromModel, type Denoiser } from '../denoiser.js';
import { gaussian, gaussianPath, mixture, mixtureOracle } from '../oracles/index.js';
import { OUTPUT_KINDS } from '../outputs.js';
import { cosine, edm, flowMatching, linearVP, ve, vpRescaled, type Schedule } from '../schedule/index.js';
import { dopri5, rk45, tauOf, timeOfTau } from './rk45.js';

const mean = [0.5, -1];
const std = 0.3;
/** Three 2-D starting points at t = 1, [3·2]. */
const z1 = new Float64Array([-2, 1.2, 0.4, -0.4, 2, 0.1]);

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** rk45's error against the exact Gaussian path from tStart to tEnd. */
async function pathError(schedule: Schedule, options: { tStart?: number; tEnd?: number; rtol?: number; atol?: number } = {}) {
  const oracle = mixtureOracle(gaussian(mean, std), schedule);
  const result = await rk45(oracle, z1, options);
  const exact = gaussianPath(mean, std, schedule, z1, options.tStart ?? 1, options.tEnd ?? 0);
  return { error: maxAbsDiff(result.z, exact), result };
}

test('rk45 follows the exact probability-flow path of Gaussian data on the flow-matching schedule', async () => {
  const { error, result } = await pathError(flowMatching());
  assert.ok(error < 1e-6, `error ${error}`);
  assert.ok(result.nfe < 200, `nfe ${result.nfe}`);
});

test('rk45 follows the exact Gaussian path on the cosine and linear-VP schedules', async () => {
  for (const schedule of [cosine(), linearVP()]) {
    const { error } = await pathError(schedule);
    assert.ok(error < 1e-6, `${schedule.name}: error ${error}`);
  }
});

test('rk45 reaches 1e-8 on every schedule, including EDM and VE whose sigma/alpha is infinite or large at an end', async () => {
  for (const schedule of [flowMatching(), cosine(), linearVP(), vpRescaled(flowMatching()), edm(), ve()]) {
    const { error } = await pathError(schedule, { rtol: 1e-9, atol: 1e-11 });
    assert.ok(error < 1e-8, `${schedule.name}: error ${error}`);
  }
});

test('rk45 follows the exact path on a sub-interval of time', async () => {
  const schedule = cosine();
  const oracle = mixtureOracle(gaussian(mean, std), schedule);
  const result = await rk45(oracle, z1, { tStart: 0.8, tEnd: 0.2 });
  const error = maxAbsDiff(result.z, gaussianPath(mean, std, schedule, z1, 0.8, 0.2));
  assert.ok(error < 1e-6, `error ${error}`);
});

test('tightening rtol shrinks the error of rk45 (convergence)', async () => {
  let previous = Infinity;
  let previousNfe = 0;
  for (const rtol of [1e-3, 1e-5, 1e-7, 1e-9]) {
    const { error, result } = await pathError(linearVP(), { rtol, atol: rtol * 1e-2 });
    assert.ok(error < previous / 10, `rtol ${rtol}: error ${error} vs ${previous}`);
    assert.ok(result.nfe > previousNfe, `rtol ${rtol}: nfe ${result.nfe}`);
    previous = error;
    previousNfe = result.nfe;
  }
});

test('the result of rk45 does not depend on the output kind of the model', async () => {
  // v and u outputs are defined on the whole of [0, 1] for flow matching.
  const fm = flowMatching();
  const fmOracle = mixtureOracle(gaussian(mean, std), fm);
  const reference = (await rk45(fmOracle, z1)).z;
  for (const kind of ['v', 'u'] as const) {
    const z = (await rk45(denoiserFromModel(fmOracle.model(kind), kind, fm), z1)).z;
    assert.ok(maxAbsDiff(z, reference) < 1e-9, kind);
  }
  // ε (undefined where alpha = 0) and x (undefined where sigma = 0) on the inside of the cosine schedule.
  const cos = cosine();
  const cosOracle = mixtureOracle(gaussian(mean, std), cos);
  const inner = { tStart: 0.99, tEnd: 0.01 };
  const cosReference = (await rk45(cosOracle, z1, inner)).z;
  for (const kind of OUTPUT_KINDS) {
    const denoiser: Denoiser = denoiserFromModel(cosOracle.model(kind), kind, cos);
    assert.ok(maxAbsDiff((await rk45(denoiser, z1, inner)).z, cosReference) < 1e-9, kind);
  }
});

test('onStep sees increasing nfe, decreasing t ending at tEnd, and the returned z last', async () => {
  const oracle = mixtureOracle(mixture({ dim: 2, means: [1, 1, -1, 0], stds: [0.2, 0.4], weights: [1, 2] }), cosine());
  const seen: { t: number; z: Float64Array; nfe: number }[] = [];
  const result = await rk45(oracle, z1, { tEnd: 0.05, onStep: (info) => seen.push(info) });
  assert.equal(seen.length, result.steps);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i].t < seen[i - 1].t && seen[i].nfe > seen[i - 1].nfe);
  }
  const last = seen[seen.length - 1];
  assert.equal(last.t, 0.05);
  assert.equal(last.nfe, result.nfe);
  assert.deepEqual(last.z, result.z);
});

test('flow-matching time is the identity on the flow-matching schedule and round-trips on the others', () => {
  for (const schedule of [flowMatching(), cosine(), linearVP(), edm()]) {
    for (const t of [0.01, 0.3, 0.7, 0.99]) {
      assert.ok(Math.abs(timeOfTau(schedule, tauOf(schedule, t)) - t) < 1e-9, `${schedule.name} t=${t}`);
    }
  }
  assert.equal(tauOf(flowMatching(), 0.25), 0.25);
  assert.equal(timeOfTau(cosine(), 0), 0);
  assert.equal(timeOfTau(cosine(), 1), 1);
});

test('dopri5 integrates the harmonic oscillator in both directions', async () => {
  const f = (_s: number, y: Float64Array) => new Float64Array([y[1], -y[0]]);
  const options = { rtol: 1e-10, atol: 1e-12, maxSteps: 10_000 };
  const forward = await dopri5(f, new Float64Array([0, 1]), 0, 10, options);
  assert.ok(Math.abs(forward.y[0] - Math.sin(10)) < 1e-9 && Math.abs(forward.y[1] - Math.cos(10)) < 1e-9);
  const back = await dopri5(f, forward.y, 10, 0, options);
  assert.ok(Math.abs(back.y[0]) < 1e-9 && Math.abs(back.y[1] - 1) < 1e-9);
  assert.ok(forward.nfe === 6 * (forward.steps + forward.rejected) + 2, `nfe ${forward.nfe}`);
});

test('rk45 gives the same answer from a denoiser that answers with a Promise (a network) as from the oracle', async () => {
  const oracle = mixtureOracle(gaussian(mean, std), cosine());
  const pending: Denoiser = { schedule: oracle.schedule, denoise: async (z, t) => oracle.denoise(z, t) };
  const expected = await rk45(oracle, z1);
  assert.deepEqual(await rk45(pending, z1), expected);
});

test('rk45 leaves its input unchanged', async () => {
  const z = Float64Array.from(z1);
  await rk45(mixtureOracle(gaussian(mean, std), flowMatching()), z);
  assert.deepEqual(z, z1);
});

test('rk45 refuses bad input, naming the argument', async () => {
  const oracle = mixtureOracle(gaussian(mean, std), flowMatching());
  await assert.rejects(rk45(oracle, z1, { tStart: 0.2, tEnd: 0.5 }), /tStart must exceed tEnd/);
  await assert.rejects(rk45(oracle, z1, { tStart: 1.5 }), /tStart must be a time in \[0, 1\]/);
  await assert.rejects(rk45(oracle, z1, { tEnd: -0.1 }), /tEnd must be a time in \[0, 1\]/);
  await assert.rejects(rk45(oracle, new Float64Array([0, NaN])), /z must be finite, but z\[1\] = NaN/);
  await assert.rejects(rk45(oracle, z1, { rtol: 0 }), /rtol must be a finite number > 0/);
  await assert.rejects(rk45(oracle, z1, { maxSteps: 2, rtol: 1e-10 }), /maxSteps \(2\) reached/);
});
