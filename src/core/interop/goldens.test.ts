import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromDiffusersConfig } from './fromDiffusersConfig.js';
import { eulerLoop, heunLoop, type ArrayModel } from './diffusersLoops.js';

/**
 * Every deterministic full-loop golden value of diffusers' scheduler tests (tests/schedulers/
 * test_scheduler_{ddim,euler,heun,dpm_multi,edm_euler}.py), reproduced from the translated config.
 * Fixtures (test_schedulers.py): dummy_sample_deter = arange(768)/768 and dummy_noise_deter = its reverse,
 * paired element by element (shape 4×3×8×8, which an element-wise model does not see); dummy_model =
 * sample·t/(t + 1) with the timestep t diffusers passes.
 * Loops: "pipeline" is diffusers' pipeline loop, i.e. `run` (DDIM, DPM-Solver and EDM tests use it);
 * "euler test" / "heun test" are the Euler-family tests' own loop, which reassigns
 * `sample = scale_model_input(sample, t)` and so passes the scaled sample on to step(): it is reproduced by
 * diffusersLoops.ts on the same translated grid, and `run` keeps the pipeline semantics (equivalence.test.ts).
 */
interface Golden {
  readonly file: string;
  readonly test: string;
  readonly config: Record<string, unknown>;
  readonly loop: 'pipeline' | 'euler test' | 'heun test';
  /** t_start of the "with_noise" tests: the sample is noised to grid[start] and the loop starts there. */
  readonly start?: number;
  readonly sum?: number;
  readonly mean: number;
  readonly sumTol?: number;
  readonly meanTol: number;
}

const DDIM = { _class_name: 'DDIMScheduler', num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', clip_sample: true };
const EULER = { num_train_timesteps: 1100, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };
const DPM = {
  _class_name: 'DPMSolverMultistepScheduler', num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear',
  solver_order: 2, prediction_type: 'epsilon', thresholding: false, sample_max_value: 1.0, algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint', lower_order_final: false, euler_at_final: false, lambda_min_clipped: null, variance_type: null,
  final_sigmas_type: 'sigma_min',
};
const EDM = { _class_name: 'EDMEulerScheduler', num_train_timesteps: 256, sigma_min: 0.002, sigma_max: 80.0 };
const e = { _class_name: 'EulerDiscreteScheduler', ...EULER };
const h = { _class_name: 'HeunDiscreteScheduler', ...EULER };
// After DPMSolverMultistep → DPMSolverSinglestep → UniPC → DEIS → DPMSolverMultistep.from_config.
const SWITCHED = { ...DPM, algorithm_type: 'deis', solver_type: 'logrho', predict_x0: true, solver_p: null, disable_corrector: [], timestep_spacing: 'linspace', steps_offset: 0 };

const GOLDENS: readonly Golden[] = [
  { file: 'ddim', test: 'test_full_loop_no_noise', config: DDIM, loop: 'pipeline', sum: 172.0067, mean: 0.223967, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'ddim', test: 'test_full_loop_with_v_prediction', config: { ...DDIM, prediction_type: 'v_prediction' }, loop: 'pipeline', sum: 52.5302, mean: 0.0684, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'ddim', test: 'test_full_loop_with_set_alpha_to_one', config: { ...DDIM, set_alpha_to_one: true, beta_start: 0.01 }, loop: 'pipeline', sum: 149.8295, mean: 0.1951, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'ddim', test: 'test_full_loop_with_no_set_alpha_to_one', config: { ...DDIM, set_alpha_to_one: false, beta_start: 0.01 }, loop: 'pipeline', sum: 149.0784, mean: 0.1941, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'ddim', test: 'test_full_loop_with_noise', config: DDIM, loop: 'pipeline', start: 8, sum: 354.5418, mean: 0.4616, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'euler', test: 'test_full_loop_no_noise', config: e, loop: 'euler test', sum: 10.0807, mean: 0.0131, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'euler', test: 'test_full_loop_with_v_prediction', config: { ...e, prediction_type: 'v_prediction' }, loop: 'euler test', sum: 0.0002, mean: 2.2676e-6, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'euler', test: 'test_full_loop_device', config: e, loop: 'euler test', sum: 10.0807, mean: 0.0131, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'euler', test: 'test_full_loop_device_karras_sigmas', config: { ...e, use_karras_sigmas: true }, loop: 'euler test', sum: 124.52299499511719, mean: 0.16213932633399963, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'heun', test: 'test_full_loop_no_noise', config: h, loop: 'heun test', sum: 0.1233, mean: 0.0002, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'heun', test: 'test_full_loop_with_v_prediction', config: { ...h, prediction_type: 'v_prediction' }, loop: 'heun test', sum: 4.6934e-7, mean: 6.1112e-10, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'heun', test: 'test_full_loop_device', config: h, loop: 'heun test', sum: 0.1233, mean: 0.0002, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'heun', test: 'test_full_loop_device_karras_sigmas', config: { ...h, use_karras_sigmas: true }, loop: 'heun test', sum: 0.00015, mean: 1.9869554535034695e-7, sumTol: 1e-2, meanTol: 1e-2 },
  { file: 'heun', test: 'test_full_loop_with_noise', config: h, loop: 'heun test', start: 8, sum: 75074.8906, mean: 97.7538, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'dpm_multi', test: 'test_full_loop_no_noise', config: DPM, loop: 'pipeline', mean: 0.3301, meanTol: 1e-3 },
  { file: 'dpm_multi', test: 'test_full_loop_with_noise', config: DPM, loop: 'pipeline', start: 5, sum: 318.4111, mean: 0.4146, sumTol: 1e-2, meanTol: 1e-3 },
  { file: 'dpm_multi', test: 'test_full_loop_with_v_prediction', config: { ...DPM, prediction_type: 'v_prediction' }, loop: 'pipeline', mean: 0.2251, meanTol: 1e-3 },
  { file: 'dpm_multi', test: 'test_full_loop_with_karras_and_v_prediction', config: { ...DPM, prediction_type: 'v_prediction', use_karras_sigmas: true }, loop: 'pipeline', mean: 0.2096, meanTol: 1e-3 },
  { file: 'dpm_multi', test: 'test_full_loop_with_lu_and_v_prediction', config: { ...DPM, prediction_type: 'v_prediction', use_lu_lambdas: true }, loop: 'pipeline', mean: 0.1554, meanTol: 1e-3 },
  { file: 'dpm_multi', test: 'test_switch (defaults)', config: DPM, loop: 'pipeline', mean: 0.3301, meanTol: 1e-3 },
  { file: 'dpm_multi', test: 'test_switch (after DEIS and UniPC)', config: SWITCHED, loop: 'pipeline', mean: 0.3301, meanTol: 1e-3 },
  { file: 'edm_euler', test: 'test_full_loop_no_noise', config: EDM, loop: 'pipeline', sum: 34.1855, mean: 0.044, sumTol: 1e-3, meanTol: 1e-3 },
  { file: 'edm_euler', test: 'test_full_loop_device', config: EDM, loop: 'pipeline', sum: 34.1855, mean: 0.044, sumTol: 1e-3, meanTol: 1e-3 },
];

const N = 768;
/** The fixtures in float32, as torch holds them. */
const sampleDeter = Float64Array.from({ length: N }, (_, k) => Math.fround(k / N));
const noiseDeter = Float64Array.from({ length: N }, (_, k) => Math.fround((N - 1 - k) / N));
const dummyModel: ArrayModel = (sample, t) => sample.map((v) => (v * t) / (t + 1));
const sumAbs = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + Math.abs(v), 0);

async function reproduce(g: Golden): Promise<Float64Array> {
  const s = fromDiffusersConfig(g.config, { numInferenceSteps: 10 });
  let sample = sampleDeter.map((v) => v * s.initNoiseSigma);
  if (g.start !== undefined) {
    // scheduler.add_noise(sample, noise, timesteps[t_start]): the forward process at grid[t_start].
    const t = s.grid[g.start];
    sample = sample.map((v, k) => s.schedule.alpha(t) * v + s.schedule.sigma(t) * noiseDeter[k]);
  }
  if (g.loop === 'euler test') return eulerLoop(s, dummyModel, sample, { testLoop: true, start: g.start });
  if (g.loop === 'heun test') return heunLoop(s, dummyModel, sample, { testLoop: true, start: g.start });
  return s.run((x, t) => dummyModel(Float64Array.from(x), t), sample, { startStep: g.start });
}

for (const g of GOLDENS) {
  test(`diffusers' ${g.file} ${g.test} golden is reproduced (${g.loop} loop)`, async () => {
    const out = await reproduce(g);
    const sum = sumAbs(out);
    if (g.sum !== undefined) assert.ok(Math.abs(sum - g.sum) < g.sumTol!, `sum ${sum}, diffusers ${g.sum} ± ${g.sumTol}`);
    assert.ok(Math.abs(sum / N - g.mean) < g.meanTol, `mean ${sum / N}, diffusers ${g.mean} ± ${g.meanTol}`);
  });
}

test('the golden table covers every deterministic full-loop assertion of the five test files (23 assertion groups)', () => {
  const perFile = Object.fromEntries(['ddim', 'euler', 'heun', 'dpm_multi', 'edm_euler'].map((f) => [f, GOLDENS.filter((g) => g.file === f).length]));
  assert.deepEqual(perFile, { ddim: 5, euler: 4, heun: 5, dpm_multi: 7, edm_euler: 2 });
});
