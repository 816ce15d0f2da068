/**
 * Time grids: decreasing arrays of times t_0 > t_1 > … > t_N in [0, 1], N = steps, end point explicit.
 * Grids are plain data; samplers loop over them.
 */
import type { OutputKind } from './outputs.js';
import type { Schedule } from './schedule/index.js';
import { safeTimeRange } from './timeRange.js';
import { DifflowError, checkFinite, checkInteger, checkPositive, checkTime } from './validate.js';

export type TimeGrid = Float64Array;

/**
 * Checks that `grid` is a strictly decreasing array of ≥ 2 times in [0, 1].
 * @example
 * ```ts
 * import { checkGrid } from 'difflow';
 * checkGrid([1, 0.5, 0]);
 * checkGrid([0, 0.5, 1]); // throws
 * ```
 */
export function checkGrid(grid: ArrayLike<number>): void {
  if (grid.length < 2) throw new DifflowError(`a time grid needs at least 2 points (1 step), got ${grid.length}`);
  for (let i = 0; i < grid.length; i++) {
    checkTime(`grid[${i}]`, grid[i]);
    if (i > 0 && !(grid[i] < grid[i - 1])) {
      throw new DifflowError(`a time grid must decrease strictly, but grid[${i - 1}] = ${grid[i - 1]} ≤ grid[${i}] = ${grid[i]}`);
    }
  }
}

/**
 * `steps` uniform steps in t from `tMax` (default 1) to `tMin` (default 0).
 * @example
 * ```ts
 * import { uniformT } from 'difflow';
 * uniformT(4); // → [1, 0.75, 0.5, 0.25, 0]
 * uniformT(2, { tMax: 0.9, tMin: 0.1 }); // → [0.9, 0.5, 0.1]
 * ```
 */
export function uniformT(steps: number, options: { tMax?: number; tMin?: number } = {}): TimeGrid {
  checkInteger('steps', steps);
  const tMax = options.tMax ?? 1;
  const tMin = options.tMin ?? 0;
  checkTime('tMax', tMax);
  checkTime('tMin', tMin);
  if (!(tMin < tMax)) throw new DifflowError(`tMin must be below tMax, got ${tMin} ≥ ${tMax}`);
  const grid = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) grid[i] = tMax - ((tMax - tMin) * i) / steps;
  grid[steps] = tMin;
  return exactGrid(grid, steps);
}

/**
 * `steps` steps uniform in λ from `lambdaMin` to `lambdaMax` (defaults −10 and 10; both clipped to the
 * schedule's range). With `toZero` (default true) the last step goes on to t = 0 explicitly, so `steps` counts
 * it — unless `lambdaMax` already reaches t = 0 (a schedule with finite λ(0), e.g. VE), where all `steps`
 * steps are uniform in λ.
 * @example
 * ```ts
 * import { flowMatching, uniformLambda } from 'difflow';
 * const grid = uniformLambda(flowMatching(), 4); // λ = −10, −10/3, 10/3, 10, then t = 0
 * grid; // → [0.9933, 0.8411, 0.1589, 0.006693, 0]
 * ```
 */
export function uniformLambda(
  schedule: Schedule,
  steps: number,
  options: { lambdaMin?: number; lambdaMax?: number; toZero?: boolean } = {},
): TimeGrid {
  checkInteger('steps', steps);
  const toZero = options.toZero ?? true;
  const [rangeMin, rangeMax] = schedule.lambdaRange;
  checkFinite('lambdaMin', options.lambdaMin ?? 0);
  checkFinite('lambdaMax', options.lambdaMax ?? 0);
  const lambdaMin = Math.max(options.lambdaMin ?? -10, rangeMin);
  const lambdaMax = Math.min(options.lambdaMax ?? 10, rangeMax);
  if (!(lambdaMin < lambdaMax)) {
    throw new DifflowError(
      `lambdaMin must be below lambdaMax within '${schedule.name}'s λ range [${rangeMin}, ${rangeMax}], got ${lambdaMin} ≥ ${lambdaMax}`,
    );
  }
  const extraStep = toZero && schedule.tOfLambda(lambdaMax) > 0;
  const n = extraStep ? steps - 1 : steps;
  if (n < 1) throw new DifflowError(`a λ-uniform grid to t = 0 on '${schedule.name}' needs steps ≥ 2`);
  const ts = Array.from({ length: n + 1 }, (_, i) =>
    schedule.tOfLambda(i === n ? lambdaMax : lambdaMin + ((lambdaMax - lambdaMin) * i) / n),
  );
  if (extraStep) ts.push(0);
  return exactGrid(ts, steps);
}

/**
 * Karras et al. (2022) ρ grid in σ̃ = σ/α = e^{−λ/2}: σ̃_i = (σ̃_max^{1/ρ} + i/(N−1)(σ̃_min^{1/ρ} − σ̃_max^{1/ρ}))^ρ
 * for i < N, then t = 0. Defaults are EDM's (σ̃ ∈ [0.002, 80], ρ = 7), clipped to the schedule's range; where
 * σ̃_min reaches t = 0 (finite λ(0), e.g. VE) the N steps are all ρ-spaced, i ≤ N.
 * @example
 * ```ts
 * import { edm, karras } from 'difflow';
 * const s = edm({ sigmaMax: 80 });
 * const grid = karras(s, 3, { sigmaMin: 0.002, sigmaMax: 80, rho: 7 });
 * Array.from(grid, (t) => s.sigma(t)); // → [80, 2.515, 0.002, 0]
 * ```
 */
export function karras(schedule: Schedule, steps: number, options: { sigmaMin?: number; sigmaMax?: number; rho?: number } = {}): TimeGrid {
  checkInteger('steps', steps);
  const rho = options.rho ?? 7;
  checkPositive('rho', rho);
  checkPositive('sigmaMin', options.sigmaMin ?? 1);
  checkPositive('sigmaMax', options.sigmaMax ?? 1);
  const sigmaMin = Math.max(options.sigmaMin ?? 0.002, Math.exp(-schedule.lambdaRange[1] / 2));
  const sigmaMax = Math.min(options.sigmaMax ?? 80, Math.exp(-schedule.lambdaRange[0] / 2));
  if (!(sigmaMin < sigmaMax)) {
    throw new DifflowError(`sigmaMin must be below sigmaMax within '${schedule.name}'s σ/α range, got ${sigmaMin} ≥ ${sigmaMax}`);
  }
  const extraStep = schedule.tOfLambda(-2 * Math.log(sigmaMin)) > 0;
  const n = extraStep ? steps - 1 : steps;
  if (n < 1) throw new DifflowError(`a Karras grid on '${schedule.name}' needs steps ≥ 2`);
  const a = sigmaMax ** (1 / rho);
  const b = sigmaMin ** (1 / rho);
  const ts: number[] = [];
  for (let i = 0; i < n; i++) ts.push(schedule.tOfLambda(-2 * rho * Math.log(a + (i / n) * (b - a))));
  ts.push(schedule.tOfLambda(-2 * Math.log(sigmaMin)));
  if (extraStep) ts.push(0);
  return exactGrid(ts, steps);
}

/**
 * The EDM grid: Karras ρ = 7 with σ̃ ∈ [0.002, 80].
 * @example
 * ```ts
 * import { edm, edmGrid } from 'difflow';
 * const grid = edmGrid(edm(), 18);
 * [grid.length, grid[0], grid[18]]; // → [19, 1, 0]
 * ```
 */
export function edmGrid(schedule: Schedule, steps: number): TimeGrid {
  return karras(schedule, steps, { sigmaMin: 0.002, sigmaMax: 80, rho: 7 });
}

/**
 * A grid moved by a log-SNR shift s (λ → λ − 2 log s at every point; s > 1 spends more steps near noise).
 * On flow matching this is SD3's t' = s t / (1 + (s − 1) t). The end points 0 and 1 stay; an inner point that
 * the shift would move past an end of a schedule with finite λ there is refused (use `shifted(schedule, s)`).
 * @example
 * ```ts
 * import { flowMatching, shiftGrid, uniformT } from 'difflow';
 * shiftGrid(flowMatching(), uniformT(2), 3); // → [1, 0.75, 0]
 * ```
 */
export function shiftGrid(schedule: Schedule, grid: TimeGrid, s: number): TimeGrid {
  checkPositive('shift', s);
  checkGrid(grid);
  const offset = 2 * Math.log(s);
  const [rangeMin, rangeMax] = schedule.lambdaRange;
  const ts = Array.from(grid, (t) => {
    if (t === 0 || t === 1) return t;
    const l = schedule.lambda(t) - offset;
    if (!(l > rangeMin && l < rangeMax)) {
      throw new DifflowError(
        `shift ${s} moves t = ${t} (λ = ${l}) past the end of '${schedule.name}'s λ ` +
          `range [${rangeMin}, ${rangeMax}]: use shifted(schedule, ${s}) or a smaller shift`,
      );
    }
    return schedule.tOfLambda(l);
  });
  return exactGrid(ts, grid.length - 1);
}

/**
 * Validates a user grid and returns it as a Float64Array.
 * @example
 * ```ts
 * import { customGrid } from 'difflow';
 * customGrid([1, 0.7, 0.2, 0]); // → [1, 0.7, 0.2, 0]
 * customGrid([1, 1, 0]); // throws
 * ```
 */
export function customGrid(times: ArrayLike<number>): TimeGrid {
  checkGrid(times);
  return Float64Array.from(times);
}

/** The grid of `steps` steps through `ts`; two equal times (steps finer than the schedule or a double resolves) are refused. */
function exactGrid(ts: ArrayLike<number>, steps: number): TimeGrid {
  for (let i = 1; i < ts.length; i++) {
    if (!(ts[i] < ts[i - 1])) {
      throw new DifflowError(
        `${steps} steps are finer than the schedule or a double resolves here: times ${i - 1} and ${i} are both ${ts[i]}`,
      );
    }
  }
  checkGrid(ts);
  return Float64Array.from(ts);
}

/** The grid makers by name, for the CLI and the web page. */
export type GridName = 'uniform' | 'lambda' | 'karras' | 'edm';
export const GRID_NAMES: readonly GridName[] = ['uniform', 'lambda', 'karras', 'edm'];

/**
 * The grid `name` of `steps` steps on `schedule`, with that grid's defaults.
 * @example
 * ```ts
 * import { GRID_NAMES, cosine, gridByName } from 'difflow';
 * GRID_NAMES; // → ['uniform', 'lambda', 'karras', 'edm']
 * gridByName('uniform', cosine(), 2); // → [1, 0.5, 0]
 * ```
 */
export function gridByName(name: GridName, schedule: Schedule, steps: number): TimeGrid {
  switch (name) {
    case 'uniform':
      return uniformT(steps);
    case 'lambda':
      return uniformLambda(schedule, steps);
    case 'karras':
      return karras(schedule, steps);
    case 'edm':
      return edmGrid(schedule, steps);
  }
}

/**
 * The grid a sampler should use for a model of output `output`: as `gridByName`, but starting just below
 * t = 1 (at 1 − 1e-3, `safeTimeRange`) where an ε-output says nothing about x̂ (α(1) = 0, e.g. flow matching
 * and cosine).
 * @example
 * ```ts
 * import { cosine, samplingGrid } from 'difflow';
 * samplingGrid('uniform', cosine(), 'eps', 2); // → [0.999, 0.4995, 0]
 * samplingGrid('uniform', cosine(), 'v', 2); // → [1, 0.5, 0]
 * ```
 */
export function samplingGrid(name: GridName, schedule: Schedule, output: OutputKind, steps: number): TimeGrid {
  const { tMax } = safeTimeRange(schedule, output, 'sampling');
  if (tMax < 1 && name === 'uniform') return uniformT(steps, { tMax });
  const grid = gridByName(name, schedule, steps);
  if (tMax < 1 && grid[0] === 1) grid[0] = Math.max(grid[1] + 1e-9, tMax);
  return grid;
}
