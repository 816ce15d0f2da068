/**
 * FlowMatchEulerDiscreteScheduler: difflow's flow-matching schedule (α = 1 − t, σ = t) with t = σ, the model
 * output û = ε − x (diffusers' "flow" prediction), model time σ·T, and Euler z_s = z_t + (s − t) û, which is
 * fmEuler (= DDIM on this schedule). σ is N points from 1 to 1/T, shifted by SD3's σ' = sσ/(1 + (s − 1)σ)
 * or, with use_dynamic_shifting, by e^μ/(e^μ + (1/σ − 1)) ("exponential") or μ/(μ + (1/σ − 1)) ("linear").
 * As in diffusers after its fix of issue #13243, the shift is applied once (older releases shifted σ_min
 * twice: their last σ differs).
 */
import { toXEps } from '../outputs.js';
import { fmEuler } from '../samplers/index.js';
import { flowMatching } from '../schedule/index.js';
import { DifflowError } from '../validate.js';
import { bool, inert, int, num, oneOf, onlyDefault, onlyFalse, readConfig, type DiffusersConfig } from './config.js';
import { linspace } from './numpy.js';
import { gridModelTime, noEta, type Plan, type PlanExtras } from './plan.js';
import { float32 } from './sigmaGrids.js';

export const FLOW_MATCH_KEYS = {
  num_train_timesteps: int(1000, 'T: model time is σ·T', 1),
  shift: num(1, "SD3's static shift s"),
  use_dynamic_shifting: bool(false, 'shift by μ, passed as fromDiffusersConfig(…, { mu })'),
  time_shift_type: oneOf('exponential', ['exponential', 'linear'] as const, 'the form of the dynamic shift'),
  base_shift: inert('used by pipelines to compute μ'),
  max_shift: inert('used by pipelines to compute μ'),
  base_image_seq_len: inert('used by pipelines to compute μ'),
  max_image_seq_len: inert('used by pipelines to compute μ'),
  shift_terminal: onlyDefault(null, 'stretch σ to end at this value'),
  invert_sigmas: onlyFalse('σ reversed'),
  use_karras_sigmas: onlyFalse('Karras σ grid'),
  use_exponential_sigmas: onlyFalse('exponential σ grid'),
  use_beta_sigmas: onlyFalse('beta-distribution σ grid'),
  stochastic_sampling: onlyFalse('re-noised steps'),
} as const;

export function flowMatchPlan(config: DiffusersConfig, steps: number, { mu }: PlanExtras = {}): Plan {
  const c = readConfig('FlowMatchEulerDiscreteScheduler', config, FLOW_MATCH_KEYS);
  const T = c.num_train_timesteps;
  let shift: (s: number) => number = (s) => (c.shift * s) / (1 + (c.shift - 1) * s);
  if (c.use_dynamic_shifting) {
    if (mu === undefined || !Number.isFinite(mu))
      throw new DifflowError('FlowMatchEulerDiscreteScheduler with use_dynamic_shifting needs options.mu (a finite number)');
    const m = c.time_shift_type === 'exponential' ? Math.exp(mu) : mu;
    shift = (s) => m / (m + (1 / s - 1));
  } else if (mu !== undefined) {
    throw new DifflowError('options.mu applies only with use_dynamic_shifting = true');
  }
  const sigmas = float32(linspace(1, 1 / T, steps).map(shift));
  const timesteps = sigmas.map((s) => Math.fround(s * T));
  const grid = Float64Array.from([...sigmas, 0]);
  const schedule = flowMatching();
  return {
    className: 'FlowMatchEulerDiscreteScheduler',
    schedule,
    grid,
    timesteps,
    outputKind: 'u',
    initNoiseSigma: 1,
    modelTime: gridModelTime(grid, timesteps, (t) => t * T),
    inputScale: () => 1,
    predict: (output, z, t) => toXEps('u', output, z, schedule.alpha(t), schedule.sigma(t)),
    sampler: (denoiser, z, g, o) => {
      noEta('FlowMatchEulerDiscreteScheduler', o);
      return fmEuler(denoiser, z, g, { onStep: o.onStep });
    },
    config: c,
  };
}
