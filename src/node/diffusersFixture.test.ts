import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fromDiffusersConfig, type DiffusersConfig } from '../core/interop/index.js';
import { SAMPLERS } from '../core/samplers/index.js';
import { loadOnnxDenoiser } from './loadOnnxDenoiser.js';

// The end-to-end case: test/fixtures/diffusers-tiny (scripts/make_diffusers_fixture.py) holds two PyTorch
// models exported to ONNX, a scheduler_config.json per (model, scheduler), and the samples a PyTorch loop of
// diffusers' updates made from fixed noise. difflow reads the configs and runs the ONNX models; no Python.
const dir = new URL('../../test/fixtures/diffusers-tiny/', import.meta.url);
const fixture = (name: string) => new URL(name, dir).pathname;
const reference = JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as {
  noise: number[];
  class_labels: number[];
  steps: number;
  runs: Record<string, { timesteps: number[]; sample: number[] }>;
};
const noise = Float64Array.from(reference.noise);
const classLabels = {
  type: 'int64' as const,
  data: BigInt64Array.from(reference.class_labels.map(BigInt)),
  dims: [reference.class_labels.length],
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const config = (run: string) => JSON.parse(readFileSync(fixture(`${run}.json`), 'utf8')) as DiffusersConfig;

for (const model of ['eps', 'v']) {
  test(
    `fromDiffusersConfig(scheduler_config.json).run on the ONNX ${model}-prediction ` +
      `model reproduces PyTorch's DDIM, Euler, Heun and DPM-Solver++ 2M samples`,
    async () => {
      for (const scheduler of ['ddim', 'euler', 'heun', 'dpmpp2m']) {
        const run = `${model}-${scheduler}`;
        const plan = fromDiffusersConfig(config(run), { numInferenceSteps: reference.steps });
        assert.deepEqual(Array.from(plan.timesteps), reference.runs[run].timesteps, `${run}: diffusers' timesteps`);
        const onnx = await loadOnnxDenoiser(fixture(`${model}.onnx`), {
          schedule: plan.schedule,
          output: model === 'v' ? 'v' : 'eps',
          time: plan.modelTime,
          threads: 1,
          ...(model === 'v' ? { inputs: { class_labels: classLabels } } : {}),
        });
        const seen: number[] = [];
        const out = await plan.run(
          (sample, t) => {
            seen.push(t);
            return onnx.model(sample, t);
          },
          noise.map((v) => v * plan.initNoiseSigma),
        );
        await onnx.release();
        assert.deepEqual(seen, reference.runs[run].timesteps, `${run}: the model sees diffusers' timesteps`);
        const diff = maxDiff(out, reference.runs[run].sample);
        assert.ok(diff < 5e-6, `${run}: max |difflow − PyTorch| = ${diff}`);
      }
    },
  );
}

test(
  "any difflow sampler runs on a config's translated schedule, grid and output: " +
    "DDIM on the v-model's Euler config is diffusers' Euler, Heun another nearby answer",
  async () => {
    const plan = fromDiffusersConfig(config('v-euler'), { numInferenceSteps: reference.steps });
    const onnx = await loadOnnxDenoiser(fixture('v.onnx'), {
      schedule: plan.schedule,
      output: (F, z, t) => plan.predict(F, z, t),
      time: plan.modelTime,
      inputScale: plan.inputScale,
      inputs: { class_labels: classLabels },
      threads: 1,
    });
    const start = noise.map((v) => v * plan.initNoiseSigma);
    const same = await SAMPLERS.ddim(onnx, start, plan.grid);
    const diff = maxDiff(same, reference.runs['v-euler'].sample);
    assert.ok(diff < 5e-6, `max |difflow DDIM − diffusers Euler| = ${diff}`);
    const gap = maxDiff(await SAMPLERS.heun(onnx, start, plan.grid), same);
    assert.ok(gap > 1e-3 && gap < 0.5, `Heun on the same grid: ${gap} from DDIM`);
    await onnx.release();
  },
);
