/**
 * Diffusers' `timestep_spacing`: which training timesteps k ∈ [0, T) a run of N steps visits, in the order
 * the model sees them (descending). The classes differ in two details, passed as options: whether
 * "linspace" rounds to integers (DDIM/DDPM do, the Euler family does not) and whether the grid is laid out
 * over N + 1 points with the last one dropped (DPM-Solver).
 */
import { DifflowError, checkInteger } from '../validate.js';
import { oneOf } from './config.js';
import { linspace, reversed, roundHalfEven } from './numpy.js';

export type Spacing = 'leading' | 'trailing' | 'linspace';
export const SPACINGS: readonly Spacing[] = ['leading', 'trailing', 'linspace'];
export const spacingKey = (d: Spacing) => oneOf(d, SPACINGS, 'how the N timesteps are spread over [0, T)');

export interface SpacingOptions {
  /** Training timesteps T, or the clipped last timestep (DPM-Solver's lambda_min_clipped). */
  readonly T: number;
  readonly steps: number;
  readonly spacing: Spacing;
  readonly stepsOffset: number;
  /** Round the "linspace" timesteps to integers (DDIM, DDPM, DPM-Solver). */
  readonly roundLinspace: boolean;
  /** Lay the grid over steps + 1 points and drop the last (DPM-Solver). */
  readonly dropLast?: boolean;
  /** The T of "trailing" when `T` is clipped (DPM-Solver); defaults to `T`. */
  readonly trailingStride?: number;
}

/** The timesteps, descending. */
export function spacedTimesteps(o: SpacingOptions): Float64Array {
  checkInteger('numInferenceSteps', o.steps, 1);
  if (o.steps > o.T) throw new DifflowError(`numInferenceSteps = ${o.steps} exceeds the ${o.T} training timesteps (num_train_timesteps)`);
  const n = o.dropLast ? o.steps + 1 : o.steps;
  const ks = new Float64Array(o.steps);
  switch (o.spacing) {
    case 'leading': {
      const ratio = Math.floor(o.T / n);
      for (let i = 0; i < o.steps; i++) ks[i] = (n - 1 - i) * ratio + o.stepsOffset;
      break;
    }
    case 'trailing': {
      const ratio = (o.trailingStride ?? o.T) / o.steps;
      for (let i = 0; i < o.steps; i++) ks[i] = roundHalfEven(o.T - i * ratio) - 1;
      break;
    }
    case 'linspace': {
      const grid = reversed(linspace(0, o.T - 1, n));
      for (let i = 0; i < o.steps; i++) ks[i] = o.roundLinspace ? roundHalfEven(grid[i]) : grid[i];
      break;
    }
  }
  if (ks[0] > o.T - 1 || ks[o.steps - 1] < 0) {
    throw new DifflowError(
      `timestep_spacing '${o.spacing}' with steps_offset ${o.stepsOffset} gives timesteps outside [0, ${o.T - 1}] for ${o.steps} steps`,
    );
  }
  return ks;
}
