import type { Denoised, Denoiser } from '../denoiser.js';
import { checkGrid, type TimeGrid } from '../grids.js';
import type { Rng } from '../rng.js';
import { DifflowError, checkArrayFinite } from '../validate.js';

/** What `onStep` sees after step i: the step t → s, the prediction made at t, and z_s. */
export interface StepInfo {
  readonly i: number;
  readonly steps: number;
  readonly t: number;
  readonly s: number;
  readonly denoised: Denoised;
  readonly z: Float64Array;
}

/** Options every sampler takes; stochastic samplers require `rng`. */
export interface SamplerOptions {
  readonly rng?: Rng;
  readonly onStep?: (info: StepInfo) => void;
}

/**
 * A sampler: a pure function from a denoiser, a starting z at grid[0] and a decreasing time grid to z at
 * the grid's end. It never mutates `z`. Async, so that it can await a network's denoiser; invalid input
 * rejects the Promise. @param z [batch·dim]
 */
export type Sampler<O extends SamplerOptions = SamplerOptions> = (
  denoiser: Denoiser,
  z: Float64Array,
  grid: TimeGrid,
  options?: O,
) => Promise<Float64Array>;

/** Validates the shared inputs and returns a working copy of z. */
export function start(z: Float64Array, grid: ArrayLike<number>): Float64Array {
  checkGrid(grid);
  if (!(z instanceof Float64Array)) throw new DifflowError('z must be a Float64Array');
  if (z.length === 0) throw new DifflowError('z must not be empty');
  checkArrayFinite('z', z);
  return Float64Array.from(z);
}

/** The generator of a stochastic sampler, or a clear error naming the sampler. */
export function needRng(name: string, rng: Rng | undefined): Rng {
  if (!rng) throw new DifflowError(`${name} is stochastic: pass options.rng (e.g. rng(seed))`);
  return rng;
}

/** Stops a run whose state became non-finite (a model returning NaN/Inf), naming the step. */
export function checkStep(z: Float64Array, i: number, t: number): void {
  for (let k = 0; k < z.length; k++) {
    if (!Number.isFinite(z[k])) {
      throw new DifflowError(`sampling produced a non-finite value at step ${i} (t = ${t}): check the model's outputs`);
    }
  }
}

/** What one step of a single-evaluation sampler sees: the state at t, the prediction there, and the target s. */
export interface StepContext {
  readonly i: number;
  readonly t: number;
  readonly s: number;
  readonly z: Float64Array;
  readonly denoised: Denoised;
}

/**
 * The loop every one-evaluation-per-step sampler shares: validate, then for each grid step t → s predict at
 * (z, t), apply `step`, check the result and report it. `step` returns the new z_s.
 */
export async function sampleLoop(
  denoiser: Denoiser,
  z0: Float64Array,
  grid: TimeGrid,
  options: SamplerOptions,
  step: (ctx: StepContext) => Float64Array,
): Promise<Float64Array> {
  let z = start(z0, grid);
  const steps = grid.length - 1;
  for (let i = 0; i < steps; i++) {
    const t = grid[i];
    const s = grid[i + 1];
    const denoised = await denoiser.denoise(z, t);
    z = step({ i, t, s, z, denoised });
    checkStep(z, i, t);
    options.onStep?.({ i, steps, t, s, denoised, z });
  }
  return z;
}

/** z_s = α_s x̂ + c_ε ε̂ + c_ξ ξ, ξ ~ N(0, I) from `rng` (no noise without one): the DDIM/DDPM/churn update. */
export function ancestralStep(denoised: Denoised, alphaS: number, cEps: number, cNoise: number, rng: Rng | undefined): Float64Array {
  const { x, eps } = denoised;
  const next = new Float64Array(x.length);
  const xi = rng && cNoise > 0 ? rng.normals(x.length) : undefined;
  for (let k = 0; k < x.length; k++) next[k] = alphaS * x[k] + cEps * eps[k] + (xi ? cNoise * xi[k] : 0);
  return next;
}
