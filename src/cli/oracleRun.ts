/**
 * Samplers against the exact denoiser of a 2-D Gaussian mixture: error of each deterministic sampler against
 * the exact ODE answer (Dormand–Prince at tight tolerance) and, for every sampler, the energy distance of its
 * samples to fresh data. Shared by `difflow demo`, `difflow oracle` and bench/samplers.
 */
import {
  SAMPLERS, energyDistance, gridByName, mixtureOracle, priorSample, ringMixture, rk45, rng,
  type AnySamplerOptions, type Denoiser, type GridName, type Oracle, type SamplerName, type Schedule,
} from '../core/index.js';

export const DETERMINISTIC: readonly SamplerName[] = ['ddim', 'fm-euler', 'pf-euler', 'heun', 'dpmpp2m'];
export const STOCHASTIC: readonly SamplerName[] = ['ddpm', 'churn', 'sde'];

export interface OracleSetup {
  readonly schedule: Schedule;
  readonly oracle: Oracle;
  readonly z1: Float64Array;
  readonly reference: Float64Array;
  readonly data: Float64Array;
}

/** The demo's problem: 8 Gaussians on a ring, n prior samples, the exact ODE answer from them. */
export async function setup(schedule: Schedule, n: number, seed: number): Promise<OracleSetup> {
  const oracle = mixtureOracle(ringMixture(8, 2, 0.15), schedule);
  const g = rng(seed);
  const z1 = priorSample(schedule, n, 2, g);
  const reference = (await rk45(oracle, z1, { rtol: 1e-9, atol: 1e-10 })).z;
  return { schedule, oracle, z1, reference, data: oracle.sample(n, g) };
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
  /** RMS distance per point to the exact ODE answer (deterministic samplers only). */
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
  const z = await SAMPLERS[sampler](d, s.z1, gridByName(grid, s.schedule, steps), { rng: rng(seed), ...options });
  const deterministic = DETERMINISTIC.includes(sampler);
  let sq = 0;
  for (let i = 0; i < z.length; i++) sq += (z[i] - s.reference[i]) ** 2;
  return {
    sampler,
    steps,
    nfe: d.calls,
    rmse: deterministic ? Math.sqrt(sq / (z.length / 2)) : undefined,
    energy: energyDistance(z, s.data, 2),
    z,
  };
}
