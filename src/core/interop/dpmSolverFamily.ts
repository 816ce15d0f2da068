/**
 * DPMSolverMultistepScheduler (algorithm_type dpmsolver++, orders 1–2, midpoint) on the β table's VP
 * schedule. diffusers' first-order update is DDIM and its second-order midpoint update is difflow's
 * dpmpp2m (D = (1 + 1/(2r)) x̂_t − x̂_prev/(2r)); the first step is first order in both. diffusers also
 * takes the last step at first order when final_sigmas_type is "zero", euler_at_final is set, or
 * lower_order_final is set with fewer than 15 steps: that step is a DDIM step.
 */
import { toXEps } from '../outputs.js';
import { ddim, dpmpp2m } from '../samplers/index.js';
import { bool, int, num, oneOf, onlyFalse, readConfig, type DiffusersConfig } from './config.js';
import { betaTable, EULER_TERMINAL_ALPHA_BAR, TABLE_KEYS } from './betaTable.js';
import { gridModelTime, noEta, type Plan, type PlanExtras, type PlanSampler } from './plan.js';
import { PREDICTION_KINDS, predictionKey } from './prediction.js';
import { limited, thresholdingKeys, xLimit } from './xLimit.js';
import { float32, karrasSigmas, logUniformSigmas, sigmaToTimestep, withoutRepeatedEnd } from './sigmaGrids.js';
import { spacedTimesteps, spacingKey } from './spacing.js';
import { interpIndex, roundHalfEven } from './numpy.js';

export const DPM_SOLVER_KEYS = {
  ...TABLE_KEYS,
  prediction_type: predictionKey,
  timestep_spacing: spacingKey('linspace'),
  steps_offset: int(0, 'added to every "leading" timestep'),
  solver_order: oneOf(2, [1, 2] as const, 'the multistep order', [3]),
  // diffusers maps DEIS's algorithm and DEIS/UniPC solver types (left by a scheduler switch) to these.
  algorithm_type: oneOf('dpmsolver++', ['dpmsolver++', 'deis'] as const, 'data-prediction DPM-Solver++', [
    'dpmsolver',
    'sde-dpmsolver',
    'sde-dpmsolver++',
  ]),
  solver_type: oneOf('midpoint', ['midpoint', 'logrho', 'bh1', 'bh2'] as const, 'the second-order combination', ['heun']),
  lower_order_final: bool(true, 'first order on the last step when N < 15'),
  euler_at_final: bool(false, 'first order on the last step'),
  use_karras_sigmas: bool(false, 'Karras ρ = 7 grid between the training σ̃ range'),
  use_lu_lambdas: bool(false, 'grid uniform in λ (Lu et al.) over the training σ̃ range'),
  final_sigmas_type: oneOf('zero', ['zero', 'sigma_min'] as const, 'the last σ̃: 0, or σ̃ of timestep 0'),
  lambda_min_clipped: num(-Infinity, 'timesteps whose half-log-SNR is below this are skipped'),
  variance_type: oneOf(null, [null] as const, 'a learned variance channel', ['learned', 'learned_range']),
  use_exponential_sigmas: onlyFalse('exponential σ̃ grid'),
  use_beta_sigmas: onlyFalse('beta-distribution σ̃ grid'),
  use_flow_sigmas: onlyFalse('flow-matching σ grid'),
  flow_shift: num(1, 'used only with use_flow_sigmas'),
  ...thresholdingKeys,
} as const;

export function dpmSolverPlan(config: DiffusersConfig, steps: number, extra: PlanExtras = {}): Plan {
  const c = readConfig('DPMSolverMultistepScheduler', config, DPM_SOLVER_KEYS);
  const table = betaTable(c, { terminalAlphaBar: EULER_TERMINAL_ALPHA_BAR });
  const { schedule, T } = table;
  // Half-log-SNR per training timestep is −log σ̃; lambda_min_clipped drops the timesteps below it.
  const clippedCount = Array.from(table.sigmas).filter((s) => -Math.log(s) < c.lambda_min_clipped).length;
  const last = T - clippedCount;
  let modelTimes = spacedTimesteps({
    T: last,
    steps,
    spacing: c.timestep_spacing,
    stepsOffset: c.steps_offset,
    roundLinspace: true,
    dropLast: c.timestep_spacing !== 'trailing',
    trailingStride: T,
  });
  // With N near T, rounding repeats timesteps: diffusers keeps the first of each (np.unique).
  modelTimes = Float64Array.from(new Set(modelTimes));
  let sigmas: Float64Array = modelTimes.map((k) => interpIndex(table.sigmas, k));
  const sigmaMin = table.sigmas[0];
  const sigmaMax = table.sigmas[T - 1];
  if (c.use_karras_sigmas || c.use_lu_lambdas) {
    sigmas = c.use_karras_sigmas
      ? karrasSigmas(sigmaMin, sigmaMax, modelTimes.length)
      : logUniformSigmas(sigmaMin, sigmaMax, modelTimes.length);
    modelTimes = sigmas.map((s) => roundHalfEven(sigmaToTimestep(s, table.sigmas)));
  }
  const all = float32(Float64Array.from([...sigmas, c.final_sigmas_type === 'zero' ? 0 : sigmaMin]));
  const kept = withoutRepeatedEnd(all);
  const repeated = kept.length < all.length;
  const grid = kept.map((s) => (s === 0 ? 0 : schedule.tOfLambda(-2 * Math.log(s))));
  const kind = PREDICTION_KINDS[c.prediction_type];
  const limit = xLimit('DPMSolverMultistepScheduler', c, extra.sampleSize);
  const firstOrderLast =
    !repeated && (c.final_sigmas_type === 'zero' || c.euler_at_final || (c.lower_order_final && modelTimes.length < 15));
  const sampler: PlanSampler = async (denoiser, z, g, o) => {
    noEta('DPMSolverMultistepScheduler', o);
    if (c.solver_order === 1) return ddim(denoiser, z, g, { onStep: o.onStep });
    if (!firstOrderLast || g.length <= 2) return dpmpp2m(denoiser, z, g, { onStep: o.onStep });
    const steps = g.length - 1;
    const head = await dpmpp2m(denoiser, z, g.subarray(0, -1), { onStep: o.onStep });
    return ddim(denoiser, head, g.subarray(-2), { onStep: o.onStep && ((info) => o.onStep!({ ...info, i: steps - 1, steps })) });
  };
  return {
    className: 'DPMSolverMultistepScheduler',
    schedule,
    grid,
    timesteps: modelTimes,
    outputKind: kind,
    initNoiseSigma: 1,
    modelTime: gridModelTime(grid, modelTimes, (t) => sigmaToTimestep(schedule.sigma(t) / schedule.alpha(t), table.sigmas)),
    inputScale: () => 1,
    predict(output, z, t) {
      const d = toXEps(kind, output, z, schedule.alpha(t), schedule.sigma(t));
      return limit ? limited(d, z, schedule.alpha(t), schedule.sigma(t), limit, true) : d;
    },
    sampler,
    config: c,
  };
}
