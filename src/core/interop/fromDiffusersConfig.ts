/**
 * `fromDiffusersConfig`: a diffusers scheduler_config.json as difflow's own schedule, time grid, output kind
 * and model-time map, with `run`, diffusers' pipeline loop done by difflow's pure samplers.
 */
import { DifflowError, checkInteger } from '../validate.js';
import type { DiffusersConfig } from './config.js';
import { ddimPlan, ddpmPlan } from './ddimFamily.js';
import { dpmSolverPlan } from './dpmSolverFamily.js';
import { edmEulerPlan } from './edmFamily.js';
import { flowMatchPlan } from './flowMatchFamily.js';
import { eulerAncestralPlan, eulerDiscretePlan, heunPlan } from './eulerFamily.js';
import { runPlan, type DiffusersModel, type Plan, type RunOptions } from './plan.js';

/** A translated scheduler: the plan's parts and its pipeline loop. */
export interface DiffusersSchedule extends Plan {
  /**
   * diffusers' pipeline loop `for t in timesteps: sample = step(model(scale_model_input(sample, t), t), t, sample)`
   * for a sample already multiplied by `initNoiseSigma`. Returns the same array type as `sample`.
   * @param sample [batch·dim], in diffusers' sample coordinates (= z of `schedule`)
   */
  run<S extends Float32Array | Float64Array>(model: DiffusersModel, sample: S, options?: RunOptions): Promise<S>;
}

/** The scheduler classes difflow translates, each with its config keys. */
export const DIFFUSERS_SCHEDULERS = {
  DDIMScheduler: ddimPlan,
  DDPMScheduler: ddpmPlan,
  EulerDiscreteScheduler: eulerDiscretePlan,
  EulerAncestralDiscreteScheduler: eulerAncestralPlan,
  HeunDiscreteScheduler: heunPlan,
  DPMSolverMultistepScheduler: dpmSolverPlan,
  EDMEulerScheduler: edmEulerPlan,
  FlowMatchEulerDiscreteScheduler: flowMatchPlan,
} satisfies Record<string, (config: DiffusersConfig, steps: number, mu?: number) => Plan>;

export type DiffusersSchedulerName = keyof typeof DIFFUSERS_SCHEDULERS;
export const DIFFUSERS_SCHEDULER_NAMES = Object.keys(DIFFUSERS_SCHEDULERS) as DiffusersSchedulerName[];

/**
 * Translates a parsed scheduler_config.json (with `_class_name`) for a run of `numInferenceSteps` steps.
 * `mu` is FlowMatchEulerDiscreteScheduler's dynamic shift (required with use_dynamic_shifting).
 */
export function fromDiffusersConfig(config: DiffusersConfig, options: { numInferenceSteps: number; mu?: number }): DiffusersSchedule {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new DifflowError('a diffusers scheduler config must be a JSON object');
  }
  checkInteger('numInferenceSteps', options.numInferenceSteps, 1);
  const name = config._class_name;
  if (typeof name !== 'string' || !(name in DIFFUSERS_SCHEDULERS)) {
    throw new DifflowError(`unsupported scheduler class ${JSON.stringify(name)} (_class_name); supported: ${DIFFUSERS_SCHEDULER_NAMES.join(', ')}`);
  }
  if (options.mu !== undefined && name !== 'FlowMatchEulerDiscreteScheduler') {
    throw new DifflowError(`options.mu applies to FlowMatchEulerDiscreteScheduler only, not to ${name}`);
  }
  const plan = DIFFUSERS_SCHEDULERS[name as DiffusersSchedulerName](config, options.numInferenceSteps, options.mu);
  const run: DiffusersSchedule['run'] = (model, sample, o) => runPlan(plan, model, sample, o);
  return Object.freeze({ ...plan, run });
}
