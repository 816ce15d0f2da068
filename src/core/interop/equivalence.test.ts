import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Rng } from '../rng.js';
import { rng } from '../rng.js';
import { fromDiffusersConfig } from './fromDiffusersConfig.js';
import {
  ddimLoop,
  ddpmMeanLoop,
  dpmLoop,
  edmLoop,
  eulerLoop,
  flowMatchLoop,
  heunLoop,
  type ArrayModel,
} from '../../../test/helpers/diffusers/loops.js';

/**
 * `run` — difflow's pure samplers on the translated schedule — against diffusers' step() transcribed in its
 * own variables (test/helpers/diffusers/loops.ts), in the pipeline loop. Matching proves the equivalences the translation
 * rests on: Euler's and EDM's σ̃-Euler step is DDIM, DPM-Solver++'s first-order step is DDIM and its
 * midpoint second-order step is dpmpp2m, Heun's is difflow's Heun, flow-matching Euler is fmEuler, and
 * DDPM's posterior mean is DDIM with η = 1 (without its noise).
 */
const N = 256;
const sample = Float64Array.from({ length: N }, (_, k) => Math.sin(k) * 1.5);
/** A non-linear model, so that a wrong time or scale shows. */
const model: ArrayModel = (x, t) => x.map((v, k) => (v * t) / (t + 1) + 0.1 * Math.tanh(v + k / N) * Math.cos(t));
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, k) => Math.max(m, Math.abs(v - b[k]) / Math.max(1, Math.abs(b[k]))), 0);
const runOf = async (config: Record<string, unknown>, steps: number, start: Float64Array, options = {}) => {
  const s = fromDiffusersConfig(config, { numInferenceSteps: steps });
  const z = start.map((v) => v * s.initNoiseSigma);
  return { s, z, out: await s.run((x, t) => model(Float64Array.from(x), t), z, options) };
};
const TABLE = { num_train_timesteps: 1000, beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };

const cases: [string, Record<string, unknown>, number, (s: ReturnType<typeof fromDiffusersConfig>, z: Float64Array) => Float64Array][] = [
  ['DDIM, ε, clip_sample (leading)', { _class_name: 'DDIMScheduler', ...TABLE, clip_sample: true }, 12, (s, z) => ddimLoop(s, model, z, 1)],
  [
    'DDIM, v, trailing, no clipping',
    { _class_name: 'DDIMScheduler', ...TABLE, prediction_type: 'v_prediction', timestep_spacing: 'trailing', clip_sample: false },
    7,
    (s, z) => ddimLoop(s, model, z),
  ],
  ['Euler, ε (linspace)', { _class_name: 'EulerDiscreteScheduler', ...TABLE }, 9, (s, z) => eulerLoop(s, model, z)],
  [
    'Euler, v, leading, steps_offset 1',
    { _class_name: 'EulerDiscreteScheduler', ...TABLE, prediction_type: 'v_prediction', timestep_spacing: 'leading', steps_offset: 1 },
    9,
    (s, z) => eulerLoop(s, model, z),
  ],
  ['Euler, ε, Karras σ', { _class_name: 'EulerDiscreteScheduler', ...TABLE, use_karras_sigmas: true }, 9, (s, z) => eulerLoop(s, model, z)],
  [
    'Euler, ε, final σ̃ = σ̃_min (final_sigmas_type sigma_min)',
    { _class_name: 'EulerDiscreteScheduler', ...TABLE, final_sigmas_type: 'sigma_min' },
    9,
    (s, z) => eulerLoop(s, model, z),
  ],
  [
    'Euler, v, continuous timesteps (¼ log σ̃)',
    { _class_name: 'EulerDiscreteScheduler', ...TABLE, prediction_type: 'v_prediction', timestep_type: 'continuous' },
    9,
    (s, z) => eulerLoop(s, model, z),
  ],
  [
    'Euler, trailing, zero terminal SNR',
    {
      _class_name: 'EulerDiscreteScheduler',
      ...TABLE,
      prediction_type: 'v_prediction',
      timestep_spacing: 'trailing',
      rescale_betas_zero_snr: true,
    },
    9,
    (s, z) => eulerLoop(s, model, z),
  ],
  ['Heun, ε (linspace)', { _class_name: 'HeunDiscreteScheduler', ...TABLE }, 6, (s, z) => heunLoop(s, model, z)],
  ['Heun, 2 steps', { _class_name: 'HeunDiscreteScheduler', ...TABLE }, 2, (s, z) => heunLoop(s, model, z)],
  [
    'Heun, v, Karras σ',
    { _class_name: 'HeunDiscreteScheduler', ...TABLE, prediction_type: 'v_prediction', use_karras_sigmas: true },
    6,
    (s, z) => heunLoop(s, model, z),
  ],
  [
    'Heun, ε, clip_sample range 2',
    { _class_name: 'HeunDiscreteScheduler', ...TABLE, clip_sample: true, clip_sample_range: 2 },
    6,
    (s, z) => heunLoop(s, model, z, { clip: 2 }),
  ],
  [
    'DPM-Solver++ 2M, defaults (final σ 0, lower_order_final)',
    { _class_name: 'DPMSolverMultistepScheduler', ...TABLE },
    10,
    (s, z) => dpmLoop(s, model, z, true),
  ],
  [
    'DPM-Solver++ 2M, v, σ_min final, second order to the end',
    {
      _class_name: 'DPMSolverMultistepScheduler',
      ...TABLE,
      prediction_type: 'v_prediction',
      final_sigmas_type: 'sigma_min',
      lower_order_final: false,
    },
    10,
    (s, z) => dpmLoop(s, model, z, false),
  ],
  [
    'DPM-Solver++ 2M, 20 steps (lower_order_final off above 15 steps)',
    { _class_name: 'DPMSolverMultistepScheduler', ...TABLE, final_sigmas_type: 'sigma_min' },
    20,
    (s, z) => dpmLoop(s, model, z, false),
  ],
  [
    'DPM-Solver++ 2M, euler_at_final, Karras σ',
    { _class_name: 'DPMSolverMultistepScheduler', ...TABLE, final_sigmas_type: 'sigma_min', euler_at_final: true, use_karras_sigmas: true },
    10,
    (s, z) => dpmLoop(s, model, z, false),
  ],
  ['EDM Euler, Karras σ', { _class_name: 'EDMEulerScheduler' }, 10, (s, z) => edmLoop(s, model, z, 0.5)],
  [
    'EDM Euler, exponential σ, σ_d = 1',
    { _class_name: 'EDMEulerScheduler', sigma_schedule: 'exponential', sigma_data: 1 },
    10,
    (s, z) => edmLoop(s, model, z, 1),
  ],
  ['flow-matching Euler, shift 3', { _class_name: 'FlowMatchEulerDiscreteScheduler', shift: 3 }, 8, (s, z) => flowMatchLoop(s, model, z)],
  [
    'flow-matching Euler, dynamic shift',
    { _class_name: 'FlowMatchEulerDiscreteScheduler', use_dynamic_shifting: true },
    8,
    (s, z) => flowMatchLoop(s, model, z),
  ],
];

for (const [name, config, steps, reference] of cases) {
  test(`run equals diffusers' pipeline loop: ${name}`, async () => {
    const s = fromDiffusersConfig(config, { numInferenceSteps: steps, mu: config.use_dynamic_shifting ? 0.7 : undefined });
    const z = sample.map((v) => v * s.initNoiseSigma);
    const out = await s.run((x, t) => model(Float64Array.from(x), t), z);
    const diff = maxRel(out, reference(s, z));
    assert.ok(diff < 1e-9, `max relative difference ${diff}`);
  });
}

test('run from startStep (img2img) equals the loop started there: Heun', async () => {
  const s = fromDiffusersConfig({ _class_name: 'HeunDiscreteScheduler', ...TABLE }, { numInferenceSteps: 8 });
  const out = await s.run((x, t) => model(Float64Array.from(x), t), sample, { startStep: 3 });
  assert.ok(maxRel(out, heunLoop(s, model, sample, { start: 3 })) < 1e-9);
});

test("the Euler tests' loop (scaled sample passed on to step) is not the pipeline loop, which run keeps", async () => {
  const { s, z, out } = await runOf({ _class_name: 'EulerDiscreteScheduler', ...TABLE }, 9, sample);
  assert.ok(maxRel(out, eulerLoop(s, model, z)) < 1e-9);
  assert.ok(maxRel(out, eulerLoop(s, model, z, { testLoop: true })) > 1e-2);
});

test('DDPM with its variance noise switched off is the posterior-mean loop (DDIM with η = 1 and clipping)', async () => {
  const zeros = { normals: (n: number) => new Float64Array(n) } as unknown as Rng;
  for (const steps of [1000, 50]) {
    const { s, z, out } = await runOf({ _class_name: 'DDPMScheduler', ...TABLE, clip_sample: true }, steps, sample, { rng: zeros });
    const diff = maxRel(out, ddpmMeanLoop(s, model, z, 1));
    assert.ok(diff < 1e-9, `${steps} steps: ${diff}`);
  }
});

test("the translated schedule's DDPM/DDIM variance σ_s²(1 − e^{λ_t − λ_s}) is diffusers' _get_variance", () => {
  const s = fromDiffusersConfig(
    { _class_name: 'DDIMScheduler', num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' },
    { numInferenceSteps: 10 },
  );
  const t = (k: number) => (k + 1) / 1000;
  const variance = (k: number, prev: number) =>
    s.schedule.sigma(t(prev)) ** 2 * -Math.expm1(s.schedule.lambda(t(k)) - s.schedule.lambda(t(prev)));
  // test_scheduler_ddim.py test_variance and test_scheduler_ddpm.py test_variance (k → k − 1).
  for (const [k, prev, expected] of [
    [420, 400, 0.14771],
    [980, 960, 0.3246],
    [487, 486, 0.00979],
    [999, 998, 0.02],
  ] as const) {
    assert.ok(Math.abs(variance(k, prev) - expected) < 1e-5, `${k} → ${prev}: ${variance(k, prev)}`);
  }
});

test("Euler ancestral's noise has diffusers' σ_up = sqrt(σ_to²(σ_from² − σ_to²)/σ_from²)", async () => {
  const s = fromDiffusersConfig({ _class_name: 'EulerAncestralDiscreteScheduler', ...TABLE }, { numInferenceSteps: 10 });
  const n = 20000;
  const z = new Float64Array(n).fill(0.3);
  // ε̂ = 0 makes every deterministic step the identity: what changes z is the noise of step 8 → 9 alone.
  const out = await s.run((x) => new Float64Array(x.length), z, { rng: rng(5), startStep: 8 });
  const [from, to] = [s.schedule.sigma(s.grid[8]), s.schedule.sigma(s.grid[9])];
  const sigmaUp = Math.sqrt((to * to * (from * from - to * to)) / (from * from));
  const d = Array.from(out, (v, k) => v - z[k]);
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  assert.ok(Math.abs(mean) < 4 * (sigmaUp / Math.sqrt(n)), `mean ${mean}`);
  assert.ok(Math.abs(std / sigmaUp - 1) < 0.03, `std ${std} vs σ_up ${sigmaUp}`);
});

test('run keeps the sample type and does not modify its input', async () => {
  const s = fromDiffusersConfig({ _class_name: 'EulerDiscreteScheduler', ...TABLE }, { numInferenceSteps: 4 });
  const z = Float32Array.from(sample, (v) => v * s.initNoiseSigma);
  const copy = Float32Array.from(z);
  const seen: string[] = [];
  const out = await s.run(async (x, t) => {
    seen.push(x.constructor.name);
    return model(Float64Array.from(x), t);
  }, z);
  assert.ok(out instanceof Float32Array);
  assert.deepEqual(z, copy);
  assert.deepEqual(seen, ['Float32Array', 'Float32Array', 'Float32Array', 'Float32Array']);
});

test("the translated denoiser drives any difflow sampler: dpmpp2m on Euler's σ̃ grid converges to the same answer as run", async () => {
  const { samplerByName } = await import('../samplers/index.js');
  const s = fromDiffusersConfig({ _class_name: 'EulerDiscreteScheduler', ...TABLE }, { numInferenceSteps: 200 });
  const z = sample.map((v) => v * s.initNoiseSigma);
  const smooth: ArrayModel = (x, t) => x.map((v) => 0.3 * v * Math.cos(t / 500));
  const reference = await s.run((x, t) => smooth(Float64Array.from(x), t), z);
  const other = await samplerByName('dpmpp2m')(
    s.denoiser((x, t) => smooth(Float64Array.from(x), t), 'float64'),
    z,
    s.grid,
  );
  // Euler is first order: 200 steps leave a few 1e-3 between the two.
  assert.ok(maxRel(other, reference) < 1e-2, `${maxRel(other, reference)}`);
});
