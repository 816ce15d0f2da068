/**
 * Samplers against the exact denoiser of a 2-D Gaussian mixture: error of each deterministic sampler against
 * the exact ODE answer (Dormand–Prince at tight tolerance) and, for every sampler, the energy distance of its
 * samples to fresh data. Shared by `difflow demo`, `difflow oracle` and bench/samplers.
 */
import {
  SAMPLERS,
  SAMPLER_NAMES,
  energyDistance,
  gridByName,
  isStochastic,
  mixtureOracle,
  priorSample,
  ringMixture,
  rk45,
  rng,
  type AnySamplerOptions,
  type Denoiser,
  type GridName,
  type Oracle,
  type SamplerName,
  type Schedule,
} from '../core/index.js';

/** The samplers that are deterministic with their default options, in registry order. */
export const DETERMINISTIC: readonly SamplerName[] = SAMPLER_NAMES.filter((name) => !isStochastic(name));
/** The samplers that draw noise with their default options, in registry order. */
export const STOCHASTIC: readonly SamplerName[] = SAMPLER_NAMES.filter((name) => isStochastic(name));

/**
 * The stochastic rows of the demo's table. Churn ½ is DDPM (η = 1) exactly (FRAMEWORK.md §5; the demo checks it),
 * so the churn row shows churn ¼, half-way between DDIM and DDPM.
 */
export const STOCHASTIC_ROWS: readonly { readonly label: string; readonly sampler: SamplerName; readonly options?: AnySamplerOptions }[] = [
  { label: 'ddpm (η = 1 ≡ churn ½)', sampler: 'ddpm' },
  { label: 'churn ¼', sampler: 'churn', options: { churn: 0.25 } },
  { label: 'sde (η = 1)', sampler: 'sde' },
];

export interface OracleSetup {
  readonly schedule: Schedule;
  readonly oracle: Oracle;
  /** The starting points, σ(1)·ε; a sampler takes them as z at its grid's first time. */
  readonly z1: Float64Array;
  /** The exact ODE answer at t = 0 from z1 taken at tStart (Dormand–Prince, rtol 1e-9), computed once per tStart. */
  reference(tStart: number): Promise<Float64Array>;
  readonly data: Float64Array;
}

/** The demo's problem: 8 Gaussians on a ring, n prior samples, the exact ODE answers from them (from t = 1 made at once). */
export async function setup(schedule: Schedule, n: number, seed: number): Promise<OracleSetup> {
  const oracle = mixtureOracle(ringMixture(8, 2, 0.15), schedule);
  const g = rng(seed);
  const z1 = priorSample(schedule, n, 2, g);
  const references = new Map<number, Promise<Float64Array>>();
  const reference = (tStart: number) => {
    let r = references.get(tStart);
    if (!r) {
      r = rk45(oracle, z1, { tStart, rtol: 1e-9, atol: 1e-10 }).then((out) => out.z);
      references.set(tStart, r);
    }
    return r;
  };
  await reference(1);
  return { schedule, oracle, z1, reference, data: oracle.sample(n, g) };
}

/** max_i |a_i − b_i| */
export function maxDifference(a: Float64Array, b: Float64Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** Counts denoiser calls. */
export function counting(d: Denoiser): Denoiser & { calls: number } {
  const counted = {
    schedule: d.schedule,
    calls: 0,
    denoise(z: Float64Array, t: number) {
      counted.calls++;
      return d.denoise(z, t);
    },
  };
  return counted;
}

export interface RunResult {
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly nfe: number;
  /** RMS distance per point to the exact ODE answer (deterministic runs only: `isStochastic` false for the options). */
  readonly rmse: number | undefined;
  readonly energy: number;
  readonly z: Float64Array;
}

export async function run(
  s: OracleSetup,
  sampler: SamplerName,
  steps: number,
  grid: GridName,
  options: AnySamplerOptions = {},
  seed = 1,
): Promise<RunResult> {
  const d = counting(s.oracle);
  const times = gridByName(grid, s.schedule, steps);
  const z = await SAMPLERS[sampler](d, s.z1, times, { rng: rng(seed), ...options });
  const nfe = d.calls;
  const deterministic = !isStochastic(sampler, options);
  let sq = 0;
  if (deterministic) {
    // The reference starts where the sampler did: a λ or Karras grid starts below t = 1.
    const reference = await s.reference(times[0]);
    for (let i = 0; i < z.length; i++) sq += (z[i] - reference[i]) ** 2;
  }
  return {
    sampler,
    steps,
    nfe,
    rmse: deterministic ? Math.sqrt(sq / (z.length / 2)) : undefined,
    energy: energyDistance(z, s.data, 2),
    z,
  };
}
