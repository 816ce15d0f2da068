/**
 * `fromDiffusersConfig`: a diffusers scheduler_config.json as difflow's own schedule, time grid, output kind
 * and model-time map, with `run`, diffusers' pipeline loop done by difflow's pure samplers.
 */
import { DifflowError, checkInteger } from '../validate.js';
import type { DiffusersConfig, KeyTable } from './config.js';
import { DDIM_KEYS, DDPM_KEYS, ddimPlan, ddpmPlan } from './ddimFamily.js';
import { DPM_SOLVER_KEYS, dpmSolverPlan } from './dpmSolverFamily.js';
import { EDM_EULER_KEYS, edmEulerPlan } from './edmFamily.js';
import { FLOW_MATCH_KEYS, flowMatchPlan } from './flowMatchFamily.js';
import { EULER_ANCESTRAL_KEYS, EULER_KEYS, HEUN_KEYS, eulerAncestralPlan, eulerDiscretePlan, heunPlan } from './eulerFamily.js';
import type { Denoiser } from '../denoiser.js';
import { planDenoiser, runPlan, type DiffusersModel, type Plan, type PlanExtras, type RunOptions } from './plan.js';

/** A translated scheduler: the plan's parts and its pipeline loop. */
export interface DiffusersSchedule extends Plan {
  /**
   * diffusers' pipeline loop `for t in timesteps: sample = step(model(scale_model_input(sample, t), t), t, sample)`
   * for a sample already multiplied by `initNoiseSigma`. Returns the same array type as `sample`.
   * @param sample [batch·dim], in diffusers' sample coordinates (= z of `schedule`)
   */
  run<S extends Float32Array | Float64Array>(model: DiffusersModel, sample: S, options?: RunOptions): Promise<S>;
  /**
   * The model as a difflow denoiser on `schedule` (scale_model_input, model time and output conversion
   * included), for any difflow sampler over `grid` or another grid; `precision` is the array type the model gets.
   */
  denoiser(model: DiffusersModel, precision?: 'float32' | 'float64'): Denoiser;
}

/** A supported class: its translation, its config keys, and what does its step in difflow. */
export interface DiffusersSchedulerEntry {
  readonly plan: (config: DiffusersConfig, steps: number, extra?: PlanExtras) => Plan;
  readonly keys: KeyTable;
  /** The difflow sampler(s) that reproduce its step(), and on which schedule. */
  readonly sampler: string;
  /** Whether run needs options.rng. */
  readonly randomness: 'none' | 'with η > 0' | 'always';
}

/** The scheduler classes difflow translates. */
export const DIFFUSERS_SCHEDULERS = {
  DDIMScheduler: { plan: ddimPlan, keys: DDIM_KEYS, sampler: 'ddim with η, VP schedule of the β table', randomness: 'with η > 0' },
  DDPMScheduler: { plan: ddpmPlan, keys: DDPM_KEYS, sampler: 'ddim with η = 1, VP schedule', randomness: 'always' },
  EulerDiscreteScheduler: {
    plan: eulerDiscretePlan,
    keys: EULER_KEYS,
    sampler: 'ddim (= Euler in σ̃), σ̃-only schedule',
    randomness: 'none',
  },
  EulerAncestralDiscreteScheduler: {
    plan: eulerAncestralPlan,
    keys: EULER_ANCESTRAL_KEYS,
    sampler: 'ddim with η = 1, σ̃-only schedule',
    randomness: 'always',
  },
  HeunDiscreteScheduler: { plan: heunPlan, keys: HEUN_KEYS, sampler: 'heun (EDM Alg. 2, no churn), σ̃-only schedule', randomness: 'none' },
  DPMSolverMultistepScheduler: {
    plan: dpmSolverPlan,
    keys: DPM_SOLVER_KEYS,
    sampler: 'dpmpp2m (ddim for first-order steps), VP schedule',
    randomness: 'none',
  },
  EDMEulerScheduler: {
    plan: edmEulerPlan,
    keys: EDM_EULER_KEYS,
    sampler: 'ddim (= Euler in σ), edm schedule, EDM preconditioning',
    randomness: 'none',
  },
  FlowMatchEulerDiscreteScheduler: {
    plan: flowMatchPlan,
    keys: FLOW_MATCH_KEYS,
    sampler: 'fmEuler, flow-matching schedule, û output',
    randomness: 'none',
  },
} as const satisfies Record<string, DiffusersSchedulerEntry>;

export type DiffusersSchedulerName = keyof typeof DIFFUSERS_SCHEDULERS;
export const DIFFUSERS_SCHEDULER_NAMES = Object.keys(DIFFUSERS_SCHEDULERS) as DiffusersSchedulerName[];

/**
 * Translates a parsed scheduler_config.json (with `_class_name`) for a run of `numInferenceSteps` steps.
 * `mu` is FlowMatchEulerDiscreteScheduler's dynamic shift (required with use_dynamic_shifting); `sampleSize`,
 * the values per sample (e.g. C·H·W), is required by thresholding = true (DDIM, DDPM, DPM-Solver).
 * @example
 * ```ts
 * import { fromDiffusersConfig } from 'difflow';
 * const config = { _class_name: 'DDIMScheduler', num_train_timesteps: 1000, beta_schedule: 'scaled_linear' };
 * const scheduler = fromDiffusersConfig(config, { numInferenceSteps: 4 });
 * scheduler.timesteps; // → [750, 500, 250, 0]
 * // an ε-model that always predicts 0: x̂ = z/α, clipped to [−1, 1] (DDIM's default clip_sample)
 * await scheduler.run((sample) => sample.map(() => 0), Float64Array.of(1)); // → [1]
 * ```
 */
export function fromDiffusersConfig(config: DiffusersConfig, options: { numInferenceSteps: number } & PlanExtras): DiffusersSchedule {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new DifflowError('a diffusers scheduler config must be a JSON object');
  }
  checkInteger('numInferenceSteps', options.numInferenceSteps, 1);
  const name = config._class_name;
  if (typeof name !== 'string' || !(name in DIFFUSERS_SCHEDULERS)) {
    throw new DifflowError(
      `unsupported scheduler class ${JSON.stringify(name)} (_class_name); supported: ${DIFFUSERS_SCHEDULER_NAMES.join(', ')}`,
    );
  }
  if (options.mu !== undefined && name !== 'FlowMatchEulerDiscreteScheduler') {
    throw new DifflowError(`options.mu applies to FlowMatchEulerDiscreteScheduler only, not to ${name}`);
  }
  const plan = DIFFUSERS_SCHEDULERS[name as DiffusersSchedulerName].plan(config, options.numInferenceSteps, options);
  const run: DiffusersSchedule['run'] = (model, sample, o) => runPlan(plan, model, sample, o);
  return Object.freeze({
    ...plan,
    run,
    denoiser: (model: DiffusersModel, precision: 'float32' | 'float64' = 'float32') => planDenoiser(plan, model, precision),
  });
}
