import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DifflowError } from '../validate.js';
import { fromDiffusersConfig } from './fromDiffusersConfig.js';

const DDIM = { _class_name: 'DDIMScheduler' };
const translate = (config: Record<string, unknown>, steps = 10, mu?: number) =>
  fromDiffusersConfig(config, { numInferenceSteps: steps, mu });
/** Asserts one DifflowError line that contains every fragment. */
function refuses(f: () => unknown, ...fragments: string[]) {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof DifflowError, String(e));
    assert.ok(!e.message.includes('\n'), e.message);
    for (const fragment of fragments) assert.ok(e.message.includes(fragment), `${e.message} lacks ${fragment}`);
    return true;
  });
}

test('an unknown class is one line naming it and the supported classes', () => {
  refuses(() => translate({ _class_name: 'PNDMScheduler' }), 'PNDMScheduler', 'DDIMScheduler', 'FlowMatchEulerDiscreteScheduler');
  refuses(() => translate({ beta_start: 0.001 }), '_class_name');
});

test('an unknown key is one line naming it and the keys of the class', () => {
  refuses(() => translate({ ...DDIM, beta_strat: 0.001 }), "'beta_strat'", 'beta_start', 'set_alpha_to_one');
});

test('values difflow does not support are refused by name, with the supported values', () => {
  refuses(() => translate({ ...DDIM, thresholding: true }), 'DDIMScheduler with thresholding needs options.sampleSize');
  refuses(
    () => translate({ _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'sde-dpmsolver++' }),
    'algorithm_type',
    '"dpmsolver++"',
  );
  refuses(() => translate({ _class_name: 'DPMSolverMultistepScheduler', solver_order: 3 }), 'solver_order', '1, 2');
  refuses(() => translate({ _class_name: 'DDPMScheduler', variance_type: 'learned_range' }), 'variance_type', '"fixed_small"');
  refuses(() => translate({ _class_name: 'EulerDiscreteScheduler', interpolation_type: 'log_linear' }), 'interpolation_type');
  refuses(() => translate({ ...DDIM, beta_schedule: 'sigmoid' }), 'beta_schedule', 'scaled_linear');
  refuses(() => translate({ ...DDIM, timestep_spacing: 'uniform' }), 'timestep_spacing', 'trailing');
  refuses(() => translate({ ...DDIM, num_train_timesteps: 10, trained_betas: [0.1, 0.2] }), 'trained_betas has 2 entries');
  refuses(() => translate({ ...DDIM, beta_end: 2, beta_start: 0.1 }), 'betas must lie in (0, 1)');
  refuses(() => translate({ ...DDIM, num_train_timesteps: 100 }, 101), 'numInferenceSteps = 101 exceeds the 100 training timesteps');
  refuses(() => translate(DDIM, 0), 'numInferenceSteps must be an integer ≥ 1');
});

test('the dynamic flow-matching shift needs mu, and mu belongs to that class only', () => {
  refuses(() => translate({ _class_name: 'FlowMatchEulerDiscreteScheduler', use_dynamic_shifting: true }), 'options.mu');
  refuses(() => translate(DDIM, 10, 0.5), 'mu', 'FlowMatchEulerDiscreteScheduler only');
});

test('run refuses eta where the class has none and a missing rng where it is stochastic', async () => {
  const model = (x: Float32Array | Float64Array) => x;
  await assert.rejects(
    translate({ _class_name: 'EulerDiscreteScheduler' }).run(model, new Float64Array(4), { eta: 0.5 }),
    /eta applies to DDIMScheduler only/,
  );
  await assert.rejects(translate({ _class_name: 'DDPMScheduler' }).run(model, new Float64Array(4)), /DDPMScheduler is stochastic/);
  await assert.rejects(translate({ _class_name: 'EulerAncestralDiscreteScheduler' }).run(model, new Float64Array(4)), /is stochastic/);
  await assert.rejects(translate(DDIM).run(model, new Float64Array(4), { startStep: 10 }), /startStep must be an integer in \[0, 9\]/);
  await assert.rejects(
    translate(DDIM).run(() => new Float64Array(3), new Float64Array(4)),
    /returned 3 values for a sample of 4/,
  );
});

test(
  "Stable Diffusion 1.5's scheduler_config.json (PNDM keys) is accepted " +
    'as another class, its foreign keys ignored as diffusers ignores them',
  () => {
    const sd15 = {
      _class_name: 'PNDMScheduler',
      _diffusers_version: '0.6.0',
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      beta_start: 0.00085,
      num_train_timesteps: 1000,
      set_alpha_to_one: false,
      skip_prk_steps: true,
      steps_offset: 1,
      trained_betas: null,
      clip_sample: false,
    };
    const ddim = translate({ ...sd15, _class_name: 'DDIMScheduler' }, 5);
    assert.deepEqual(Array.from(ddim.timesteps), [801, 601, 401, 201, 1]);
    const euler = translate({ ...sd15, _class_name: 'EulerDiscreteScheduler' }, 5);
    assert.equal(euler.timesteps[0], 999);
    assert.equal(euler.outputKind, 'eps');
  },
);

test("DDIM's timesteps follow timestep_spacing and steps_offset as in diffusers (test_steps_offset)", () => {
  assert.deepEqual(Array.from(translate({ ...DDIM, steps_offset: 1 }, 5).timesteps), [801, 601, 401, 201, 1]);
  assert.deepEqual(Array.from(translate({ ...DDIM, timestep_spacing: 'trailing' }, 5).timesteps), [999, 799, 599, 399, 199]);
  assert.deepEqual(Array.from(translate({ ...DDIM, timestep_spacing: 'linspace' }, 4).timesteps), [999, 666, 333, 0]);
});

test("the Euler family's first σ̃ and init_noise_sigma follow the spacing (σ_max, or sqrt(σ_max² + 1) for leading)", () => {
  const table = { _class_name: 'EulerDiscreteScheduler', beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };
  const linspace = translate(table);
  const leading = translate({ ...table, timestep_spacing: 'leading' });
  assert.ok(Math.abs(linspace.initNoiseSigma / linspace.schedule.sigma(linspace.grid[0]) - 1) < 1e-7); // float32 σ̃
  assert.ok(Math.abs(linspace.initNoiseSigma - 14.6146) < 1e-3, `${linspace.initNoiseSigma}`); // SD's well-known σ_max
  assert.ok(Math.abs(leading.initNoiseSigma / Math.hypot(leading.schedule.sigma(leading.grid[0]), 1) - 1) < 1e-7);
});

test('DPM-Solver keeps N distinct timesteps for N = T (test_duplicated_timesteps) and runs for any N', async () => {
  const dpm = { _class_name: 'DPMSolverMultistepScheduler', num_train_timesteps: 100 };
  const all = translate(dpm, 100).timesteps;
  assert.equal(new Set(all).size, all.length);
  for (const steps of [1, 2, 3, 5, 10, 50, 99, 100]) {
    const s = translate(dpm, steps);
    const out = await s.run((x) => x.map((v) => v * 0.5), new Float64Array(8).fill(1));
    assert.ok(out.every(Number.isFinite), `${steps} steps`);
  }
});

test("flow matching's set_timesteps(T) reproduces the training sigmas: the shift is applied once (diffusers issue 13243)", () => {
  const T = 1000;
  for (const shift of [1, 2, 3, 5]) {
    const s = translate({ _class_name: 'FlowMatchEulerDiscreteScheduler', num_train_timesteps: T, shift }, T);
    for (let i = 0; i < T; i++) {
      const base = (T - i) / T; // linspace(1, T, T)[::-1] / T
      const init = (shift * base) / (1 + (shift - 1) * base);
      assert.ok(Math.abs(s.grid[i] - init) < 1e-6, `shift ${shift}, σ_${i}: ${s.grid[i]} vs ${init}`);
    }
    assert.equal(s.grid[T], 0);
    assert.ok(Math.abs(s.timesteps[0] - T) < 1e-3);
  }
});

test('the dynamic flow-matching shift is e^μ/(e^μ + 1/σ − 1), or μ/(μ + 1/σ − 1) with time_shift_type linear', () => {
  const mu = 1.15;
  const base = { _class_name: 'FlowMatchEulerDiscreteScheduler', use_dynamic_shifting: true };
  const exp = translate(base, 4, mu);
  const lin = translate({ ...base, time_shift_type: 'linear' }, 4, mu);
  const sigma = 1 - (1 - 1 / 1000) / 3; // the second of linspace(1, 1/T, 4)
  assert.ok(Math.abs(exp.grid[1] - Math.exp(mu) / (Math.exp(mu) + 1 / sigma - 1)) < 1e-6);
  assert.ok(Math.abs(lin.grid[1] - mu / (mu + 1 / sigma - 1)) < 1e-6);
});

test("EDM Euler's timesteps are c_noise = ¼ log σ on the Karras grid from σ_max to σ_min", () => {
  const s = translate({ _class_name: 'EDMEulerScheduler' }, 10);
  assert.ok(Math.abs(s.timesteps[0] - 0.25 * Math.log(80)) < 1e-6);
  assert.ok(Math.abs(s.timesteps[9] - 0.25 * Math.log(0.002)) < 1e-6);
  assert.equal(s.outputKind, 'edm');
  assert.equal(s.grid[10], 0);
});

test("rescale_betas_zero_snr: DDIM's table ends at α = 0 (trailing starts there, v-prediction runs), Euler's at ᾱ = 2^−24", async () => {
  const ddim = translate({ ...DDIM, rescale_betas_zero_snr: true, timestep_spacing: 'trailing', prediction_type: 'v_prediction' }, 10);
  assert.equal(ddim.grid[0], 1);
  assert.equal(ddim.schedule.alpha(1), 0);
  assert.equal(ddim.schedule.lambdaRange[0], -Infinity);
  const out = await ddim.run((x) => x.map((v) => -v), new Float64Array(8).fill(0.5));
  assert.ok(out.every(Number.isFinite));
  const euler = translate({ _class_name: 'EulerDiscreteScheduler', rescale_betas_zero_snr: true }, 10);
  assert.ok(Math.abs(euler.initNoiseSigma - Math.sqrt(2 ** 24 - 1)) < 1e-3, `${euler.initNoiseSigma}`);
});

test('trained_betas equal to a named table give the same grid and timesteps', () => {
  const T = 1000;
  const linear = Array.from({ length: T }, (_, i) => 0.0001 + ((0.02 - 0.0001) * i) / (T - 1));
  for (const name of ['DDIMScheduler', 'EulerDiscreteScheduler', 'DPMSolverMultistepScheduler']) {
    const named = translate({ _class_name: name }, 8);
    const trained = translate({ _class_name: name, trained_betas: linear }, 8);
    assert.deepEqual(Array.from(trained.timesteps), Array.from(named.timesteps), name);
    Array.from(trained.grid).forEach((t, i) => assert.ok(Math.abs(t - named.grid[i]) < 1e-6, `${name} grid[${i}]`));
  }
});

test("EDM's rho and sigma_min/sigma_max set the Karras grid (σ_i^{1/ρ} linear in i)", () => {
  const s = translate({ _class_name: 'EDMEulerScheduler', rho: 3, sigma_min: 0.01, sigma_max: 20 }, 5);
  const sigmas = Array.from(s.grid.subarray(0, 5), (t) => s.schedule.sigma(t));
  const roots = sigmas.map((v) => v ** (1 / 3));
  assert.ok(Math.abs(sigmas[0] - 20) < 1e-5 && Math.abs(sigmas[4] - 0.01) < 1e-7);
  for (let i = 1; i < 4; i++) assert.ok(Math.abs(roots[i + 1] - 2 * roots[i] + roots[i - 1]) < 1e-6);
});

test('dynamic thresholding: per sample, s = the ratio quantile of |x̂| clamped to [1, sample_max_value], x̂ → clip(x̂, ±s)/s', async () => {
  const { dynamicThreshold } = await import('./xLimit.js');
  const x = Float64Array.from([0.5, -4, 2, 8, /* second sample */ 0.1, 0.2, -0.3, 0.4]);
  const out = dynamicThreshold(0.5, 3, 4)(x);
  // Sample 1: |x| sorted 0.5, 2, 4, 8 → median 3 → s = 3. Sample 2: median 0.25 → s = 1.
  assert.deepEqual(Array.from(out.subarray(0, 4)), [0.5 / 3, -1, 2 / 3, 1]);
  assert.deepEqual(Array.from(out.subarray(4)), [0.1, 0.2, -0.3, 0.4]);
  // torch.clamp(s, min=1, max) with max < 1 is max: every sample is clipped to ±max and divided by it.
  assert.deepEqual(Array.from(dynamicThreshold(0.5, 0.5, 4)(x).subarray(4)), [0.2, 0.4, -0.6, 0.8]);
});

test('keys that do not change the numbers are accepted and change nothing (pipeline-side shift keys, metadata)', () => {
  const plain = translate({ _class_name: 'FlowMatchEulerDiscreteScheduler', shift: 3 }, 6);
  const full = translate(
    {
      _class_name: 'FlowMatchEulerDiscreteScheduler',
      _diffusers_version: '0.30.0',
      shift: 3,
      base_shift: 0.5,
      max_shift: 1.15,
      base_image_seq_len: 256,
      max_image_seq_len: 4096,
      use_dynamic_shifting: false,
      invert_sigmas: false,
      shift_terminal: null,
    },
    6,
  );
  assert.deepEqual(Array.from(full.grid), Array.from(plain.grid));
  assert.deepEqual(Array.from(full.timesteps), Array.from(plain.timesteps));
});
