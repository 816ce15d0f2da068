/**
 * The σ̃ grids of diffusers' σ-based schedulers (σ̃ = σ/α, EDM's σ) and the map back to a model timestep.
 * diffusers stores σ̃ in float32; `float32` rounds a grid the same way, so difflow's grid is the one diffusers
 * actually steps on.
 */
import { linspace } from './numpy.js';

/** Karras et al. (2022) ρ-spacing from σ_max down to σ_min over n points (diffusers' _convert_to_karras). */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): Float64Array {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** n points uniform in log σ from σ_max down to σ_min (DPM-Solver's use_lu_lambdas, EDM's exponential). */
export function logUniformSigmas(sigmaMin: number, sigmaMax: number, n: number): Float64Array {
  return linspace(Math.log(sigmaMax), Math.log(sigmaMin), n).map(Math.exp);
}

/**
 * diffusers' _sigma_to_t: the fractional timestep of σ̃ by linear interpolation of log σ̃ between the two
 * training timesteps around it (clamped to [0, T − 1]).
 */
export function sigmaToTimestep(sigma: number, trainingSigmas: ArrayLike<number>): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  const n = trainingSigmas.length;
  let low = 0;
  for (let k = 0; k < n; k++) if (logSigma - Math.log(trainingSigmas[k]) >= 0) low = k;
  low = Math.min(low, n - 2);
  const lo = Math.log(trainingSigmas[low]);
  const hi = Math.log(trainingSigmas[low + 1]);
  const w = Math.min(1, Math.max(0, (lo - logSigma) / (lo - hi)));
  return (1 - w) * low + w * (low + 1);
}

/** Rounds every entry to float32, as diffusers' `.astype(np.float32)` / `torch.float32` tables are. */
export function float32(a: Float64Array): Float64Array {
  return a.map(Math.fround);
}

/**
 * A σ grid whose final σ repeats the last evaluated one (a Karras or Lu grid ending at σ_min, then
 * final_sigmas_type "sigma_min"): diffusers' step from σ to σ leaves z as it is, so that point is dropped.
 */
export function withoutRepeatedEnd(sigmas: Float64Array): Float64Array {
  const n = sigmas.length;
  return n > 2 && sigmas[n - 1] === sigmas[n - 2] ? sigmas.subarray(0, -1) : sigmas;
}
