import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import { ddim, dpmpp2m, heun } from '../core/samplers/index.js';
import { ddpm } from '../core/schedule/index.js';
import { rng } from '../core/rng.js';
import { cosine } from '../core/schedule/index.js';
import { toOnnx } from '../engine/onnx.js';
import { nodeRuntime } from '../engine/ortNode.js';
import * as ortWeb from 'onnxruntime-web';
import { webRuntime } from '../engine/ortWeb.js';
import { buildForward } from '../models/denoiserGraph.js';
import { mlp } from '../models/mlp.js';
import { initParams } from '../models/network.js';
import { networkDenoiser } from './networkDenoiser.js';
import { loadOnnxDenoiser } from '../node/loadOnnxDenoiser.js';
import { onnxDenoiser } from './onnxDenoiser.js';

// test/fixtures/diffusers-tiny, made by scripts/make_diffusers_fixture.py: diffusers-convention denoisers
// (integer DDPM timesteps, scaled_linear betas) and diffusers' DDIM, Euler, Heun and DPM-Solver++ 2M run by
// a PyTorch loop from fixed noise. Here the translation is written out by hand; interop's fromDiffusersConfig
// does it from the scheduler configs (diffusersFixture.test.ts).
const dir = new URL('../../test/fixtures/diffusers-tiny/', import.meta.url);
const fixture = (name: string) => new URL(name, dir).pathname;
const reference = JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as {
  noise: number[];
  class_labels: number[];
  runs: Record<string, { timesteps: number[]; sample: number[] }>;
};
const T = 1000;
const schedule = ddpm({ table: 'scaled_linear' });
const time = (t: number) => t * T - 1; // diffusers' timestep k is knot k + 1 of the table
const noise = Float64Array.from(reference.noise);
const labels = {
  type: 'int64' as const,
  data: BigInt64Array.from(reference.class_labels.map(BigInt)),
  dims: [reference.class_labels.length],
};

/** The hand translation of each reference run: difflow sampler, time grid (knots), initial z. */
function translated(run: string) {
  const ks = reference.runs[run].timesteps.filter((k, i, all) => all.indexOf(k) === i); // Heun repeats them
  const knots = ks.map((k) => (k + 1) / T);
  const vpStart = (scale: number) => noise.map((v) => v * scale); // σ-space sample × α(t_0)
  const sigmaMax = schedule.sigma(knots[0]) / schedule.alpha(knots[0]);
  if (run.endsWith('ddim')) return { sampler: ddim, grid: Float64Array.from([...knots, 1 / T]), z: noise }; // set_alpha_to_one false: ᾱ_0
  if (run.endsWith('dpmpp2m')) return { sampler: dpmpp2m, grid: Float64Array.from([...knots, 0]), z: noise };
  // Euler and Heun (linspace) start from noise · σ_max in σ-space: init_noise_sigma is σ_max, not sqrt(σ_max² + 1).
  const z = vpStart(sigmaMax * schedule.alpha(knots[0]));
  return { sampler: run.endsWith('heun') ? heun : ddim, grid: Float64Array.from([...knots, 0]), z }; // Euler's step is DDIM's
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

for (const [model, output, file] of [
  ['eps', 'eps', 'eps.onnx'],
  ['v', 'v', 'v.onnx'],
] as const) {
  test(
    `the PyTorch-exported ${model}-prediction model sampled by difflow matches ` +
      `diffusers' DDIM, Euler, Heun and DPM-Solver++ 2M to float32 precision`,
    async () => {
      const denoiser = await loadOnnxDenoiser(fixture(file), {
        schedule,
        output,
        time,
        threads: 1,
        ...(model === 'v' ? { inputs: { class_labels: labels } } : {}),
      });
      for (const scheduler of ['ddim', 'euler', 'heun', 'dpmpp2m']) {
        const run = `${model}-${scheduler}`;
        const { sampler, grid, z } = translated(run);
        const seen: number[] = [];
        const counting = {
          schedule,
          denoise: (x: Float64Array, t: number) => {
            seen.push(Math.round(time(t)));
            return denoiser.denoise(x, t);
          },
        };
        const out = await sampler(counting, z, grid);
        assert.deepEqual(seen, reference.runs[run].timesteps, `${run}: the model sees diffusers' timesteps`);
        const diff = maxDiff(out, reference.runs[run].sample);
        assert.ok(diff < 5e-6, `${run}: max |difflow − PyTorch| = ${diff}`);
      }
      await denoiser.release();
    },
  );
}

test('a float16 model runs through the same denoiser, to float16 precision', async () => {
  const half = await loadOnnxDenoiser(fixture('eps-fp16.onnx'), { schedule, output: 'eps', time, threads: 1 });
  assert.equal(half.signature.sample.type, 'float16');
  const { grid, z } = translated('eps-ddim');
  const diff = maxDiff(await ddim(half, z, grid), reference.runs['eps-ddim'].sample);
  assert.ok(diff < 3e-3 && diff > 0, `max |float16 − PyTorch float32| = ${diff}`); // measured 7.2e-4
  await half.release();
});

test('the model is discovered: symbolic batch and per-sample timestep, or a fixed batch of 8 with one scalar timestep', async () => {
  const bytes = (name: string) => readFileSync(fixture(name));
  const eps = await onnxDenoiser(webRuntime(ortWeb), bytes('eps.onnx'), { schedule, output: 'eps', time });
  assert.deepEqual(
    [eps.signature.sample.name, eps.signature.timestep.name, eps.signature.output.name],
    ['sample', 'timestep', 'out_sample'],
  );
  assert.deepEqual([eps.signature.batch, eps.signature.timestepPerSample, eps.signature.dim], [undefined, true, 2]);
  const v = await onnxDenoiser(webRuntime(ortWeb), bytes('v.onnx'), { schedule, output: 'v', time, inputs: { class_labels: labels } });
  assert.deepEqual([v.signature.batch, v.signature.timestepPerSample], [8, false]);
  // 12 samples in chunks of 8 (the second padded) give the same rows as each sample alone in a padded chunk.
  const whole = await v.model(noise, 500);
  const one = await v
    .withInputs({ class_labels: { ...labels, data: labels.data.subarray(5, 6), dims: [1] } })
    .model(noise.subarray(10, 12), 500);
  assert.ok(maxDiff(whole.subarray(10, 12), one) < 1e-6);
  await Promise.all([eps.release(), v.release()]);
});

test('a missing conditioning input, a wrong name or a sample of the wrong size is one line naming it', async () => {
  const v = readFileSync(fixture('v.onnx'));
  await assert.rejects(
    loadOnnxDenoiser(v, { schedule, output: 'v', time }),
    /^DifflowError: the model also needs class_labels \(int64 \[8\]\): pass it as a conditioning input$/,
  );
  await assert.rejects(
    loadOnnxDenoiser(v, { schedule, output: 'v', time, inputs: { labels } }),
    new RegExp(
      /the model has no input 'labels' \(the conditioning\); /.source +
        /its inputs: sample \(float32 \[8, 2\]\), timestep \(int64 \[\]\), class_labels \(int64 \[8\]\)/.source,
    ),
  );
  await assert.rejects(
    loadOnnxDenoiser(fixture('missing.onnx'), { schedule, output: 'v', time }),
    /^DifflowError: cannot read the ONNX model '.*missing.onnx': ENOENT$/,
  );
  const eps = await loadOnnxDenoiser(fixture('eps.onnx'), { schedule, output: 'eps', time, threads: 1 });
  await assert.rejects(eps.model(new Float64Array(3), 10), /a sample of 3 values is not a batch of samples of 2 values/);
  await eps.release();
  // An output with twice the sample's values (as a UNet with learned variance channels) is refused, not cut.
  const { onnx } = onnxProto;
  const info = (name: string, elemType: number, dim: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType, shape: { dim: dim.map((d) => (d < 0 ? { dimParam: 'batch' } : { dimValue: d })) } } },
    });
  const doubled = onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: onnx.GraphProto.create({
        name: 'variance',
        node: [
          onnx.NodeProto.create({
            opType: 'Concat',
            input: ['sample', 'sample'],
            output: ['out'],
            attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
          }),
        ],
        input: [info('sample', 1, [-1, 2]), info('timestep', 7, [-1])],
        output: [info('out', 1, [-1, 4])],
      }),
    }),
  ).finish();
  const variance = await loadOnnxDenoiser(doubled, { schedule, output: 'eps', time, threads: 1 });
  await assert.rejects(
    async () => variance.denoise(new Float64Array(4), 0.5),
    /^DifflowError: the output 'out' has 4 values per sample, the sample 2 \(an output with learned variance channels/,
  );
  await variance.release();
});

test("difflow's own exported model (z [batch, 2], float t [batch, 1]) through onnxDenoiser equals networkDenoiser", async () => {
  const net = mlp({ hidden: 16, layers: 2 });
  const weights = initParams(net, rng(1));
  const bytes = toOnnx(buildForward(net, 1, weights), { batchDim: 'batch' }); // as `difflow export` writes it
  const s = cosine();
  const viaOnnx = await onnxDenoiser(nodeRuntime, bytes, { schedule: s, output: 'v', time: (t) => t, threads: 1 });
  assert.deepEqual(viaOnnx.signature.timestep.dims, ['batch', 1]);
  const native = networkDenoiser(net, weights, 'v', s, nodeRuntime, { threads: 1 });
  const z = rng(2).normals(14);
  const [a, b] = [await viaOnnx.denoise(z, 0.3), await native.denoise(z, 0.3)];
  assert.ok(maxDiff(a.x, b.x) < 1e-6 && maxDiff(a.eps, b.eps) < 1e-6, `${maxDiff(a.x, b.x)}`);
  await Promise.all([viaOnnx.release(), native.release()]);
});
