/**
 * What every translated diffusers scheduler is: a difflow schedule, an explicit time grid, the model-time
 * values at the grid's evaluation points, how a model's raw output becomes (x̂, ε̂), and which pure difflow
 * sampler reproduces diffusers' `step()`. `run` is the pipeline loop built from these parts alone.
 */
import type { Denoised, Denoiser } from '../denoiser.js';
import type { TimeGrid } from '../grids.js';
import type { OutputKind } from '../outputs.js';
import type { Rng } from '../rng.js';
import type { StepInfo } from '../samplers/index.js';
import type { Schedule } from '../schedule/index.js';
import { DifflowError } from '../validate.js';

/** A diffusers-convention model: the scaled sample and the timestep diffusers would pass. */
export type DiffusersModel = (sample: Float32Array | Float64Array, timestep: number) => ArrayLike<number> | Promise<ArrayLike<number>>;

/**
 * What the model outputs, for the sample it sees (c_in·z): a difflow output kind relative to the VP α, σ of
 * that sample (for the β-table classes, the table's own VP schedule; for flow matching, α = 1 − t, σ = t),
 * or EDM's preconditioned F (x̂ = c_skip z + c_out F).
 */
export type DiffusersOutput = OutputKind | 'edm';

export interface RunOptions {
  /** DDIMScheduler's η (0 = DDIM, 1 = DDPM-like); other classes refuse it. */
  readonly eta?: number;
  /** Required by the stochastic classes (DDPMScheduler, EulerAncestralDiscreteScheduler, DDIM with η > 0). */
  readonly rng?: Rng;
  readonly onStep?: (info: StepInfo) => void;
  /**
   * Start at grid index `startStep` (diffusers' `timesteps[t_start * scheduler.order:]` after `add_noise`,
   * e.g. img2img); the sample must then be the forward process at grid[startStep].
   */
  readonly startStep?: number;
}

/** Translation options beyond the config: FlowMatch's dynamic shift μ, the values per sample (for thresholding). */
export interface PlanExtras {
  readonly mu?: number;
  readonly sampleSize?: number;
}

/** The sampler step of a class: a pure difflow sampler call over the part of the grid that is run. */
export type PlanSampler = (denoiser: Denoiser, z: Float64Array, grid: TimeGrid, options: RunOptions) => Promise<Float64Array>;

/** A translated scheduler before `run` is attached. */
export interface Plan {
  readonly className: string;
  /** The schedule whose z is diffusers' `sample` (VP for DDIM/DDPM/DPM-Solver, σ̃-only for the Euler family and EDM, flow matching). */
  readonly schedule: Schedule;
  /** Decreasing times t_0 > … > t_N; the model is evaluated at t_0..t_{N−1} (and at t_1..t_{N−1} again for Heun). */
  readonly grid: TimeGrid;
  /** The model-time values diffusers passes to the model, in order (diffusers' `scheduler.timesteps`). */
  readonly timesteps: Float64Array;
  readonly outputKind: DiffusersOutput;
  readonly initNoiseSigma: number;
  /** Model time at any t: exact at the grid points, diffusers' own interpolation elsewhere. */
  modelTime(t: number): number;
  /** diffusers' scale_model_input factor c_in(t). */
  inputScale(t: number): number;
  /** x̂, ε̂ from the raw model output at (z, t), with the class's clipping. */
  predict(output: Float64Array, z: Float64Array, t: number): Denoised;
  readonly sampler: PlanSampler;
  /** Keys whose values were read (after defaults), for display. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Model time: the given value at each grid point, `fallback` elsewhere. */
export function gridModelTime(grid: TimeGrid, perPoint: ArrayLike<number>, fallback: (t: number) => number): (t: number) => number {
  const exact = new Map<number, number>();
  for (let i = 0; i < perPoint.length; i++) exact.set(grid[i], perPoint[i]);
  return (t) => exact.get(t) ?? fallback(t);
}

/** The plan's model as a difflow denoiser on `plan.schedule` (scale_model_input, model time, output conversion). */
export function planDenoiser(plan: Plan, model: DiffusersModel, precision: 'float32' | 'float64'): Denoiser {
  const call = (z: Float64Array, t: number, out: ArrayLike<number>) => {
    if (out.length !== z.length) {
      throw new DifflowError(`the model returned ${out.length} values for a sample of ${z.length}`);
    }
    return plan.predict(Float64Array.from(out), z, t);
  };
  return {
    schedule: plan.schedule,
    denoise(z, t) {
      const c = plan.inputScale(t);
      const scaled = precision === 'float32' ? Float32Array.from(z, (v) => c * v) : z.map((v) => c * v);
      const out = model(scaled, plan.modelTime(t));
      return out instanceof Promise ? out.then((o) => call(z, t, o)) : call(z, t, out);
    },
  };
}

/** diffusers' pipeline loop for a sample already multiplied by initNoiseSigma, through the plan's sampler. */
export async function runPlan<S extends Float32Array | Float64Array>(
  plan: Plan,
  model: DiffusersModel,
  sample: S,
  options: RunOptions = {},
): Promise<S> {
  const start = options.startStep ?? 0;
  if (!Number.isInteger(start) || start < 0 || start >= plan.grid.length - 1) {
    throw new DifflowError(`startStep must be an integer in [0, ${plan.grid.length - 2}], got ${start}`);
  }
  const precision = sample instanceof Float32Array ? 'float32' : 'float64';
  const denoiser = planDenoiser(plan, model, precision);
  const z = await plan.sampler(denoiser, Float64Array.from(sample), plan.grid.subarray(start), options);
  return (precision === 'float32' ? Float32Array.from(z) : z) as S;
}

/** Refuses η for the classes whose step has none. */
export function noEta(className: string, options: RunOptions): void {
  if (options.eta !== undefined) throw new DifflowError(`eta applies to DDIMScheduler only, not to ${className}`);
}
