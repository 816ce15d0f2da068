import assert from 'node:assert/strict';
import { test } from 'node:test';
import { denoiserFromModel, type Denoiser } from './denoiser.js';
import { guided } from './guided.js';
import { gaussian, mixtureOracle, ringMixture } from './oracles/index.js';
import { rng } from './rng.js';
import { cosine, flowMatching } from './schedule/index.js';

const schedule = cosine();
const cond = mixtureOracle(ringMixture(8, 2, 0.15), schedule);
const uncond = mixtureOracle(gaussian([0, 0], 1), schedule);
const z = rng(0).normals(6);

test('guided with w = 1 is the conditional denoiser and with w = 0 the unconditional one', async () => {
  assert.equal(guided(cond, uncond, 1), cond);
  assert.equal(guided(cond, uncond, 0), uncond);
});

test('guided x̂ and ε̂ are uncond + w·(cond − uncond), and z = αx̂ + σε̂ still holds', async () => {
  const t = 0.4;
  const [c, u, g] = [await cond.denoise(z, t), await uncond.denoise(z, t), await guided(cond, uncond, 3).denoise(z, t)];
  const [alpha, sigma] = [schedule.alpha(t), schedule.sigma(t)];
  for (let i = 0; i < z.length; i++) {
    assert.ok(Math.abs(g.x[i] - (u.x[i] + 3 * (c.x[i] - u.x[i]))) < 1e-12);
    assert.ok(Math.abs(g.eps[i] - (u.eps[i] + 3 * (c.eps[i] - u.eps[i]))) < 1e-12);
    assert.ok(Math.abs(alpha * g.x[i] + sigma * g.eps[i] - z[i]) < 1e-12);
  }
});

test('guiding x̂ and ε̂ equals guiding the raw v̂ of the same two models (the affine identity)', async () => {
  const t = 0.7;
  const vOf = (d: Denoiser) => (x: Float64Array, s: number) => {
    const r = d.denoise(x, s) as { x: Float64Array; eps: Float64Array };
    return r.eps.map((e, i) => schedule.alpha(s) * e - schedule.sigma(s) * r.x[i]);
  };
  const [vc, vu] = [vOf(cond), vOf(uncond)];
  const rawGuided = denoiserFromModel((x, s) => vu(x, s).map((u, i) => u + 2.5 * (vc(x, s)[i] - u)), 'v', schedule);
  const [a, b] = [await guided(cond, uncond, 2.5).denoise(z, t), await rawGuided.denoise(z, t)];
  for (let i = 0; i < z.length; i++) assert.ok(Math.abs(a.x[i] - b.x[i]) < 1e-12 && Math.abs(a.eps[i] - b.eps[i]) < 1e-12);
});

test('guided refuses denoisers on different schedules and a non-finite w', () => {
  assert.throws(() => guided(cond, mixtureOracle(gaussian([0, 0], 1), flowMatching()), 2), /different schedules \('cosine', 'fm'\)/);
  assert.throws(() => guided(cond, uncond, NaN), /guidance w/);
});
