/**
 * EulerDiscreteScheduler, EulerAncestralDiscreteScheduler and HeunDiscreteScheduler: diffusers samples the
 * β table in the coordinates z̃ = z/α, σ̃ = σ/α, i.e. difflow's schedule rescaled to α = 1 (its λ unchanged),
 * and scale_model_input hands the model the VP sample α_vp z̃, α_vp = 1/sqrt(σ̃² + 1).
 * Euler's step z̃ + (σ̃_s − σ̃_t)(z̃ − x̂)/σ̃_t is x̂ + σ̃_s ε̂, i.e. DDIM; the ancestral step (σ_up, σ_down) is
 * DDIM with η = 1; Heun's is difflow's Heun (EDM Algorithm 2 without churn, Euler on the last step to σ = 0).
 */
import { toXEps } from '../outputs.js';
import { ddim, heun } from '../samplers/index.js';
import { rescale, type Schedule } from '../schedule/index.js';
import { needRng } from '../samplers/sampler.js';
import { betaTable, EULER_TERMINAL_ALPHA_BAR, TABLE_KEYS, type BetaTable } from './betaTable.js';
import { bool, int, oneOf, onlyFalse, optionalNum, readConfig, type DiffusersConfig } from './config.js';
import { clipKeys, clipX, limited, type XLimit } from './xLimit.js';
import { interpIndex } from './numpy.js';
import { gridModelTime, noEta, type Plan, type PlanSampler } from './plan.js';
import { PREDICTION_KINDS, predictionKey } from './prediction.js';
import { float32, karrasSigmas, sigmaToTimestep, withoutRepeatedEnd } from './sigmaGrids.js';
import { spacedTimesteps, spacingKey } from './spacing.js';

const ANCESTRAL_KEYS = {
  ...TABLE_KEYS,
  prediction_type: predictionKey,
  timestep_spacing: spacingKey('linspace'),
  steps_offset: int(0, 'added to every "leading" timestep'),
} as const;

export const EULER_ANCESTRAL_KEYS = ANCESTRAL_KEYS;

export const EULER_KEYS = {
  ...ANCESTRAL_KEYS,
  use_karras_sigmas: bool(false, 'Karras ρ = 7 σ̃ grid between the interpolated end points'),
  sigma_min: optionalNum('σ̃_min of the Karras grid (default: the last interpolated σ̃)'),
  sigma_max: optionalNum('σ̃_max of the Karras grid (default: the first interpolated σ̃)'),
  final_sigmas_type: oneOf('zero', ['zero', 'sigma_min'] as const, 'the last σ̃: 0, or σ̃ of timestep 0'),
  interpolation_type: oneOf('linear', ['linear'] as const, 'σ̃ between training timesteps', ['log_linear']),
  timestep_type: oneOf('discrete', ['discrete', 'continuous'] as const, 'model time: the timestep, or ¼ log σ̃ (continuous, v_prediction)'),
  use_exponential_sigmas: onlyFalse('exponential σ̃ grid'),
  use_beta_sigmas: onlyFalse('beta-distribution σ̃ grid'),
} as const;

export const HEUN_KEYS = {
  ...ANCESTRAL_KEYS,
  use_karras_sigmas: EULER_KEYS.use_karras_sigmas,
  ...clipKeys(false),
  use_exponential_sigmas: onlyFalse('exponential σ̃ grid'),
  use_beta_sigmas: onlyFalse('beta-distribution σ̃ grid'),
} as const;

/** The β table's schedule rescaled to α = 1: z̃ = z/α, σ̃ = σ/α (λ unchanged). */
export function sigmaOnly(vp: Schedule): Schedule {
  return rescale(
    vp,
    (t) => 1 / vp.alpha(t),
    (t) => -vp.dAlpha(t) / vp.alpha(t) ** 2,
    `σ/α of ${vp.name}`,
  );
}

interface SigmaGrid {
  /** σ̃ at the evaluation points, then the final σ̃. */
  readonly sigmas: Float64Array;
  /** The model time at each evaluation point. */
  readonly modelTimes: Float64Array;
}

interface EulerLike {
  readonly prediction_type: keyof typeof PREDICTION_KINDS;
  readonly timestep_spacing: 'leading' | 'trailing' | 'linspace';
  readonly steps_offset: number;
  readonly num_train_timesteps: number;
}

/** diffusers' Euler-family set_timesteps: spaced (fractional) timesteps, σ̃ interpolated linearly in the timestep. */
function eulerSigmas(
  c: EulerLike,
  table: BetaTable,
  steps: number,
  karras: boolean,
  range: { min: number | null; max: number | null },
  finalSigma: number,
): SigmaGrid {
  let modelTimes: Float64Array = spacedTimesteps({
    T: table.T,
    steps,
    spacing: c.timestep_spacing,
    stepsOffset: c.steps_offset,
    roundLinspace: false,
  });
  let sigmas: Float64Array = modelTimes.map((k) => interpIndex(table.sigmas, k));
  if (karras) {
    sigmas = karrasSigmas(range.min ?? sigmas[sigmas.length - 1], range.max ?? sigmas[0], steps);
    modelTimes = sigmas.map((s) => sigmaToTimestep(s, table.sigmas));
  }
  return { sigmas: withoutRepeatedEnd(float32(Float64Array.from([...sigmas, finalSigma]))), modelTimes };
}

function eulerPlan(
  className: string,
  c: EulerLike,
  table: BetaTable,
  g: SigmaGrid,
  timesteps: Float64Array,
  limit: XLimit | undefined,
  sampler: PlanSampler,
  config: Record<string, unknown>,
): Plan {
  const vp = table.schedule;
  const schedule = sigmaOnly(vp);
  const grid = g.sigmas.map((s) => (s === 0 ? 0 : vp.tOfLambda(-2 * Math.log(s))));
  const kind = PREDICTION_KINDS[c.prediction_type];
  const sigmaMax = Math.max(...g.sigmas);
  const vpScale = (t: number) => 1 / Math.hypot(1, schedule.sigma(t));
  return {
    className,
    schedule,
    grid,
    timesteps,
    outputKind: kind,
    initNoiseSigma: c.timestep_spacing === 'leading' ? Math.hypot(sigmaMax, 1) : sigmaMax,
    modelTime: gridModelTime(grid, g.modelTimes, (t) => sigmaToTimestep(schedule.sigma(t), table.sigmas)),
    inputScale: vpScale,
    predict(output, z, t) {
      const alphaVp = vpScale(t);
      const sigmaVp = alphaVp * schedule.sigma(t);
      const d = toXEps(
        kind,
        output,
        z.map((v) => alphaVp * v),
        alphaVp,
        sigmaVp,
      );
      return limit ? limited(d, z, 1, schedule.sigma(t), limit, true) : d;
    },
    sampler,
    config,
  };
}

export function eulerDiscretePlan(config: DiffusersConfig, steps: number): Plan {
  const c = readConfig('EulerDiscreteScheduler', config, EULER_KEYS);
  const table = betaTable(c, { terminalAlphaBar: EULER_TERMINAL_ALPHA_BAR });
  const g = eulerSigmas(
    c,
    table,
    steps,
    c.use_karras_sigmas,
    { min: c.sigma_min, max: c.sigma_max },
    c.final_sigmas_type === 'zero' ? 0 : table.sigmas[0],
  );
  const continuous = c.timestep_type === 'continuous' && c.prediction_type === 'v_prediction';
  const modelTimes = continuous ? g.sigmas.subarray(0, steps).map((s) => 0.25 * Math.log(s)) : g.modelTimes;
  return eulerPlan(
    'EulerDiscreteScheduler',
    c,
    table,
    { ...g, modelTimes },
    modelTimes,
    undefined,
    (d, z, grid, o) => {
      noEta('EulerDiscreteScheduler', o);
      return ddim(d, z, grid, { onStep: o.onStep });
    },
    c,
  );
}

export function eulerAncestralPlan(config: DiffusersConfig, steps: number): Plan {
  const c = readConfig('EulerAncestralDiscreteScheduler', config, EULER_ANCESTRAL_KEYS);
  const table = betaTable(c, { terminalAlphaBar: EULER_TERMINAL_ALPHA_BAR });
  const g = eulerSigmas(c, table, steps, false, { min: null, max: null }, 0);
  return eulerPlan(
    'EulerAncestralDiscreteScheduler',
    c,
    table,
    g,
    g.modelTimes,
    undefined,
    (d, z, grid, o) => {
      noEta('EulerAncestralDiscreteScheduler', o);
      return ddim(d, z, grid, { eta: 1, rng: needRng('EulerAncestralDiscreteScheduler', o.rng), onStep: o.onStep });
    },
    c,
  );
}

export function heunPlan(config: DiffusersConfig, steps: number): Plan {
  const c = readConfig('HeunDiscreteScheduler', config, HEUN_KEYS);
  const table = betaTable(c, { terminalAlphaBar: EULER_TERMINAL_ALPHA_BAR });
  const g = eulerSigmas(c, table, steps, c.use_karras_sigmas, { min: null, max: null }, 0);
  // diffusers' timesteps: the first once, every later one twice (predictor, then corrector at the same σ̃).
  const timesteps = Float64Array.from([g.modelTimes[0], ...Array.from(g.modelTimes.subarray(1)).flatMap((k) => [k, k])]);
  return eulerPlan(
    'HeunDiscreteScheduler',
    c,
    table,
    g,
    timesteps,
    c.clip_sample ? clipX(c.clip_sample_range) : undefined,
    (d, z, grid, o) => {
      noEta('HeunDiscreteScheduler', o);
      return heun(d, z, grid, { onStep: o.onStep });
    },
    c,
  );
}
