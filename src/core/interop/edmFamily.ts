/**
 * EDMEulerScheduler: EDM (Karras et al. 2022) with its preconditioning, on difflow's `edm` schedule
 * (α = 1, σ = σ_max t). The model sees c_in z = z/sqrt(σ² + σ_d²) at model time c_noise = ¼ log σ and
 * returns F with x̂ = c_skip z + c_out F, c_skip = σ_d²/(σ² + σ_d²), c_out = ±σσ_d/sqrt(σ² + σ_d²) (− for
 * v_prediction). The step is Euler in σ, i.e. DDIM; the last step goes to σ = 0.
 */
import { ddim } from '../samplers/index.js';
import { edm } from '../schedule/index.js';
import { int, num, oneOf, readConfig, type DiffusersConfig } from './config.js';
import { gridModelTime, noEta, type Plan } from './plan.js';
import { float32, karrasSigmas, logUniformSigmas } from './sigmaGrids.js';

export const EDM_EULER_KEYS = {
  sigma_min: num(0.002, 'the smallest σ of the grid'),
  sigma_max: num(80, 'the largest σ of the grid'),
  sigma_data: num(0.5, 'σ_d of the preconditioning'),
  sigma_schedule: oneOf('karras', ['karras', 'exponential'] as const, 'the σ grid: Karras ρ or uniform in log σ'),
  rho: num(7, 'ρ of the Karras grid'),
  prediction_type: oneOf('epsilon', ['epsilon', 'v_prediction'] as const, 'the sign of c_out'),
  final_sigmas_type: oneOf('zero', ['zero'] as const, 'the last σ', ['sigma_min']),
  num_train_timesteps: int(1000, 'not used by the EDM numbers'),
} as const;

export function edmEulerPlan(config: DiffusersConfig, steps: number): Plan {
  const c = readConfig('EDMEulerScheduler', config, EDM_EULER_KEYS);
  const schedule = edm({ sigmaMax: c.sigma_max });
  const sigmas = float32(
    c.sigma_schedule === 'karras'
      ? karrasSigmas(c.sigma_min, c.sigma_max, steps, c.rho)
      : logUniformSigmas(c.sigma_min, c.sigma_max, steps),
  );
  // c_noise = ¼ log σ, computed by diffusers on the float32 σ.
  const timesteps = sigmas.map((s) => Math.fround(0.25 * Math.log(s)));
  const grid = Float64Array.from([...Array.from(sigmas, (s) => Math.min(1, s / c.sigma_max)), 0]);
  const sd2 = c.sigma_data ** 2;
  const sign = c.prediction_type === 'epsilon' ? 1 : -1;
  return {
    className: 'EDMEulerScheduler',
    schedule,
    grid,
    timesteps,
    outputKind: 'edm',
    initNoiseSigma: Math.hypot(c.sigma_max, 1),
    modelTime: gridModelTime(grid, timesteps, (t) => 0.25 * Math.log(schedule.sigma(t))),
    inputScale: (t) => 1 / Math.sqrt(schedule.sigma(t) ** 2 + sd2),
    predict(output, z, t) {
      const sigma = schedule.sigma(t);
      const cSkip = sd2 / (sigma * sigma + sd2);
      const cOut = (sign * sigma * c.sigma_data) / Math.sqrt(sigma * sigma + sd2);
      const x = z.map((zk, k) => cSkip * zk + cOut * output[k]);
      return { x, eps: z.map((zk, k) => (zk - x[k]) / sigma) };
    },
    sampler: (denoiser, z, g, o) => {
      noEta('EDMEulerScheduler', o);
      return ddim(denoiser, z, g, { onStep: o.onStep });
    },
    config: c,
  };
}
