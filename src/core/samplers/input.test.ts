import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customGrid, uniformT } from '../grids.js';
import { gaussian, mixtureOracle } from '../oracles/index.js';
import { flowMatching } from '../schedule/index.js';
import { SAMPLER_NAMES, samplerByName } from './registry.js';
import { denoiserFromModel, type Denoiser } from '../denoiser.js';
import { OUTPUT_KINDS } from '../outputs.js';
import { rng } from '../rng.js';

const oracle = mixtureOracle(gaussian([0, 0], 1), flowMatching());
const z = new Float64Array([0.1, -0.2, 0.3, 0.4]);

test('bad input gets a clear error naming the argument', async () => {
  const ddim = samplerByName('ddim');
  assert.throws(() => uniformT(0), /steps must be an integer ≥ 1, got 0/);
  assert.throws(() => customGrid([1.2, 0]), /grid\[0\] must be a time in \[0, 1\], got 1.2/);
  assert.throws(() => customGrid([0.5, 0.7]), /must decrease strictly/);
  await assert.rejects(ddim(oracle, new Float64Array([0, NaN]), uniformT(3)), /z must be finite, but z\[1\] = NaN/);
  await assert.rejects(ddim(oracle, new Float64Array([0, 1, 2]), uniformT(3)), /z must hold \[batch, 2\] values/);
  await assert.rejects(ddim(oracle, z, uniformT(3), { eta: 2 }), /eta must be a finite number in \[0, 1\], got 2/);
  await assert.rejects(ddim(oracle, z, uniformT(3), { eta: 0.5 }), /DDIM with eta > 0 is stochastic: pass options.rng/);
  assert.throws(() => samplerByName('euler'), /unknown sampler 'euler'; valid: ddim, ddpm, fm-euler/);
});

test('every sampler runs on every output kind without mutating its input, and reports each step', async () => {
  for (const name of SAMPLER_NAMES) {
    for (const kind of OUTPUT_KINDS) {
      const model = denoiserFromModel(oracle.model(kind), kind, flowMatching());
      const grid = kind === 'eps' ? uniformT(4, { tMax: 0.999 }) : uniformT(4);
      const copy = Float64Array.from(z);
      const seen: number[] = [];
      const out = await samplerByName(name)(model, z, grid, { rng: rng(0), onStep: (info) => seen.push(info.i) });
      assert.deepEqual(z, copy, `${name} left z alone`);
      assert.deepEqual(seen, [0, 1, 2, 3], name);
      assert.ok(out.every(Number.isFinite), `${name}, ${kind}`);
    }
  }
});

test('every sampler gives the same samples from a denoiser that answers with a Promise (a network) as from the oracle', async () => {
  const pending: Denoiser = { schedule: oracle.schedule, denoise: async (zz, t) => oracle.denoise(zz, t) };
  for (const name of SAMPLER_NAMES) {
    const grid = uniformT(4);
    const expected = await samplerByName(name)(oracle, z, grid, { rng: rng(0) });
    assert.deepEqual(await samplerByName(name)(pending, z, grid, { rng: rng(0) }), expected, name);
  }
});
