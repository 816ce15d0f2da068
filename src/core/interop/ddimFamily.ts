/**
 * DDIMScheduler and DDPMScheduler: difflow's DDIM with η on the β table's VP schedule. diffusers' step from
 * timestep k goes to k − ⌊T/N⌋ (ᾱ_prev = 1 past the start, or ᾱ_0 for DDIM without set_alpha_to_one), which
 * is the next grid point for "leading" and "trailing" spacing; where it is not ("linspace"), each step is
 * its own DDIM step to that target. DDPM's fixed_small variance is DDIM's η = 1 (FRAMEWORK.md §5).
 * Clipping: DDIM clips x̂ and keeps the model's ε̂ (use_clipped_model_output = false), DDPM's posterior mean
 * uses the clipped x̂ with z_t, i.e. ε̂ recomputed from it.
 */
import { toXEps } from '../outputs.js';
import { ddim, type StepInfo } from '../samplers/index.js';
import { ancestralStep, needRng } from '../samplers/sampler.js';
import { bool, int, oneOf, readConfig, type DiffusersConfig } from './config.js';
import { betaTable, TABLE_KEYS, type BetaTable } from './betaTable.js';
import { gridModelTime, noEta, type Plan, type PlanExtras, type PlanSampler, type RunOptions } from './plan.js';
import { spacedTimesteps, spacingKey } from './spacing.js';
import { PREDICTION_KINDS, predictionKey } from './prediction.js';
import { clipKeys, limited, thresholdingKeys, xLimit, type XLimit } from './xLimit.js';

const COMMON_KEYS = {
  ...TABLE_KEYS,
  prediction_type: predictionKey,
  steps_offset: int(0, 'added to every "leading" timestep'),
  ...clipKeys(true),
  ...thresholdingKeys,
} as const;

export const DDIM_KEYS = {
  ...COMMON_KEYS,
  timestep_spacing: spacingKey('leading'),
  set_alpha_to_one: bool(true, 'the last step goes to ᾱ = 1 (t = 0) instead of ᾱ_0'),
} as const;

export const DDPM_KEYS = {
  ...COMMON_KEYS,
  timestep_spacing: spacingKey('leading'),
  variance_type: oneOf('fixed_small', ['fixed_small', 'fixed_small_log'] as const, 'the posterior variance', [
    'fixed_large',
    'fixed_large_log',
    'learned',
    'learned_range',
  ]),
} as const;

interface Steps {
  readonly table: BetaTable;
  readonly timesteps: Float64Array;
  readonly grid: Float64Array;
  /** The target time of the step from each evaluation time. */
  readonly target: ReadonlyMap<number, number>;
}

/**
 * The steps k → k − ⌊T/N⌋ in difflow time. The grid is the evaluation times plus the last target, unless
 * that target is the last evaluation time itself (DDIM without set_alpha_to_one from k = 0: ᾱ_0 → ᾱ_0).
 */
function discreteSteps(table: BetaTable, timesteps: Float64Array, steps: number, finalT: number): Steps {
  const stride = Math.floor(table.T / steps);
  const target = new Map<number, number>();
  for (const k of timesteps) target.set(table.tOf(k), k - stride >= 0 ? table.tOf(k - stride) : finalT);
  const evals = Array.from(timesteps, table.tOf);
  const last = target.get(evals[evals.length - 1])!;
  const grid = Float64Array.from(last === evals[evals.length - 1] ? evals : [...evals, last]);
  return { table, timesteps, grid, target };
}

/**
 * DDIM with η over each run of steps that land on the next evaluation time, and step by step elsewhere.
 * A step from t to t itself re-projects, z = α x̂ + σ ε̂ (it changes z only through clipping).
 */
function ddimSteps(target: ReadonlyMap<number, number>, eta: (o: RunOptions) => number): PlanSampler {
  return async (denoiser, z0, grid, options) => {
    const evals = target.get(grid[grid.length - 1]) === grid[grid.length - 1] ? grid : grid.subarray(0, -1);
    const to = (i: number) => target.get(evals[i])!;
    const o = { rng: options.rng, eta: eta(options) };
    const report = (offset: number) =>
      options.onStep && ((info: StepInfo) => options.onStep!({ ...info, i: info.i + offset, steps: evals.length }));
    let z = z0;
    for (let i = 0; i < evals.length; ) {
      if (to(i) === evals[i]) {
        const d = await denoiser.denoise(z, evals[i]);
        z = ancestralStep(d, denoiser.schedule.alpha(evals[i]), denoiser.schedule.sigma(evals[i]), 0, undefined);
        report(i)?.({ i: 0, steps: 1, t: evals[i], s: evals[i], denoised: d, z });
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < evals.length && to(j) === evals[j + 1] && to(j + 1) !== evals[j + 1]) j++;
      z = await ddim(denoiser, z, Float64Array.from([...evals.subarray(i, j + 1), to(j)]), { ...o, onStep: report(i) });
      i = j + 1;
    }
    return z;
  };
}

function vpPlan(
  className: string,
  c: { prediction_type: keyof typeof PREDICTION_KINDS },
  limit: XLimit | undefined,
  s: Steps,
  recomputeEps: boolean,
  sampler: PlanSampler,
  config: Record<string, unknown>,
): Plan {
  const { schedule } = s.table;
  const kind = PREDICTION_KINDS[c.prediction_type];
  return {
    className,
    schedule,
    grid: s.grid,
    timesteps: s.timesteps,
    outputKind: kind,
    initNoiseSigma: 1,
    modelTime: gridModelTime(s.grid, s.timesteps, (t) => t * s.table.T - 1),
    inputScale: () => 1,
    predict(output, z, t) {
      const alpha = schedule.alpha(t);
      const sigma = schedule.sigma(t);
      const d = toXEps(kind, output, z, alpha, sigma);
      return limit ? limited(d, z, alpha, sigma, limit, recomputeEps) : d;
    },
    sampler,
    config,
  };
}

export function ddimPlan(config: DiffusersConfig, steps: number, extra: PlanExtras = {}): Plan {
  const c = readConfig('DDIMScheduler', config, DDIM_KEYS);
  const table = betaTable(c);
  const timesteps = spacedTimesteps({ T: table.T, steps, spacing: c.timestep_spacing, stepsOffset: c.steps_offset, roundLinspace: true });
  const s = discreteSteps(table, timesteps, steps, c.set_alpha_to_one ? 0 : table.tOf(0));
  return vpPlan(
    'DDIMScheduler',
    c,
    xLimit('DDIMScheduler', c, extra.sampleSize),
    s,
    false,
    ddimSteps(s.target, (o) => o.eta ?? 0),
    c,
  );
}

export function ddpmPlan(config: DiffusersConfig, steps: number, extra: PlanExtras = {}): Plan {
  const c = readConfig('DDPMScheduler', config, DDPM_KEYS);
  const table = betaTable(c);
  const timesteps = spacedTimesteps({ T: table.T, steps, spacing: c.timestep_spacing, stepsOffset: c.steps_offset, roundLinspace: true });
  const s = discreteSteps(table, timesteps, steps, 0);
  const sampler = ddimSteps(s.target, () => 1);
  return vpPlan(
    'DDPMScheduler',
    c,
    xLimit('DDPMScheduler', c, extra.sampleSize),
    s,
    true,
    (d, z, g, o) => {
      noEta('DDPMScheduler', o);
      needRng('DDPMScheduler', o.rng);
      return sampler(d, z, g, o);
    },
    c,
  );
}
