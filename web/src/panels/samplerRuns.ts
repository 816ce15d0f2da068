/**
 * The sampler comparison's numbers: every chosen sampler run from the same 1500 noise points of the
 * 8-Gaussian ring problem with its exact denoiser, each step's particles kept for the time scrubber, and two
 * errors: for deterministic runs the RMS distance to the exact probability-flow ODE answer from the same
 * noise (Dormand–Prince, rtol 10⁻⁸), which separates samplers at any sample size because it compares point by
 * point; for every run the spread around the modes (RMS distance to the nearest of the 8 centres), a
 * distribution measure whose exact value is known, which is what stochastic runs are measured by.
 */
import {
  SAMPLERS,
  denoiserFromModel,
  isStochastic,
  mixtureOracle,
  priorSample,
  ringMixture,
  rk45,
  rng,
  samplingGrid,
  scheduleByName,
  type GridName,
  type OutputKind,
  type SamplerName,
  type Schedule,
  type ScheduleName,
  type TimeGrid,
} from '../../../src/core/index.js';

export const N = 1500;
export const RING = { modes: 8, radius: 2, std: 0.15 } as const;
const DATA = ringMixture(RING.modes, RING.radius, RING.std);
/** The data's own spread around the modes: E‖x − μ‖² = 2·std² for 2-D Gaussians of that std. */
export const DATA_SPREAD = Math.SQRT2 * RING.std;

/** The sampling grid (karras/edm need at least 2 steps). */
export function samplerGrid(name: GridName, schedule: Schedule, output: OutputKind, steps: number): TimeGrid {
  return samplingGrid(name, schedule, output, name === 'uniform' ? steps : Math.max(2, steps));
}

/** The fixed problem on one schedule: the shared noise, a data sample, and the exact ODE answers per start time. */
export interface Problem {
  readonly schedule: Schedule;
  readonly z1: Float64Array;
  readonly data: Float64Array;
  readonly references: Map<number, Promise<Float64Array>>;
}

const problems = new Map<ScheduleName, Problem>();

export function problemFor(name: ScheduleName): Problem {
  let p = problems.get(name);
  if (!p) {
    const schedule = scheduleByName(name);
    p = { schedule, z1: priorSample(schedule, N, 2, rng(0)), data: mixtureOracle(DATA, schedule).sample(N, rng(2)), references: new Map() };
    problems.set(name, p);
  }
  return p;
}

/** The exact probability-flow ODE answer from the problem's noise at tStart (Dormand–Prince, rtol 1e-8). */
export function reference(p: Problem, tStart: number): Promise<Float64Array> {
  let r = p.references.get(tStart);
  if (!r) {
    r = rk45(mixtureOracle(DATA, p.schedule), p.z1, { tStart, rtol: 1e-8, atol: 1e-9 }).then((res) => res.z);
    p.references.set(tStart, r);
  }
  return r;
}

/** RMS over points of the distance between a [N·2] and b [N·2]. */
export function rmsDistance(a: Float64Array, b: Float64Array): number {
  let sq = 0;
  for (let i = 0; i < a.length; i++) sq += (a[i] - b[i]) ** 2;
  return Math.sqrt(sq / (a.length / 2));
}

/** RMS distance of points [N·2] to the nearest of the ring's centres (the data's own value: DATA_SPREAD). */
export function spreadAroundModes(points: Float64Array): number {
  let sq = 0;
  for (let i = 0; i < points.length; i += 2) {
    let best = Infinity;
    for (let k = 0; k < RING.modes; k++) {
      const angle = (2 * Math.PI * k) / RING.modes;
      best = Math.min(best, (points[i] - RING.radius * Math.cos(angle)) ** 2 + (points[i + 1] - RING.radius * Math.sin(angle)) ** 2);
    }
    sq += best;
  }
  return Math.sqrt(sq / (points.length / 2));
}

export interface RunSettings {
  readonly schedule: ScheduleName;
  readonly output: OutputKind;
  readonly grid: GridName;
  readonly steps: number;
  readonly eta: number;
  readonly churn: number;
}

/** One sampler's run: its particles at every grid time, denoiser calls, and its errors. */
export interface SamplerRun {
  readonly sampler: SamplerName;
  readonly deterministic: boolean;
  /** The grid's times, from noise to data [n + 1]. */
  readonly times: readonly number[];
  /** z at each grid time [n + 1][N·2]. */
  readonly states: readonly Float64Array[];
  readonly nfe: number;
  /** RMS distance to the exact ODE answer (deterministic runs; NaN otherwise). */
  readonly rmsToExact: number;
  readonly spread: number;
}

/** Runs `sampler` on the problem of `settings` (the same noise and the same seed for every sampler). */
export async function runSampler(sampler: SamplerName, settings: RunSettings): Promise<SamplerRun> {
  const p = problemFor(settings.schedule);
  const oracle = mixtureOracle(DATA, p.schedule);
  const inner = denoiserFromModel(oracle.model(settings.output), settings.output, p.schedule);
  let nfe = 0;
  const counted = {
    schedule: p.schedule,
    denoise: (z: Float64Array, t: number) => {
      nfe++;
      return inner.denoise(z, t);
    },
  };
  const times = samplerGrid(settings.grid, p.schedule, settings.output, settings.steps);
  const states: Float64Array[] = [p.z1];
  const options = { eta: settings.eta, churn: settings.churn };
  const deterministic = !isStochastic(sampler, options);
  const z = await SAMPLERS[sampler](counted, p.z1, times, {
    rng: rng(1),
    ...options,
    onStep: ({ z: zs }) => states.push(Float64Array.from(zs)),
  });
  const rmsToExact = deterministic ? rmsDistance(z, await reference(p, times[0])) : NaN;
  return { sampler, deterministic, times: Array.from(times), states, nfe, rmsToExact, spread: spreadAroundModes(z) };
}
