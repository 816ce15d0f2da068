import type { Denoised, Denoiser } from './denoiser.js';
import { DifflowError, checkFinite } from './validate.js';

/**
 * Classifier-free guidance (Ho & Salimans 2022) of any two denoisers on one schedule, e.g. a model with and
 * without its conditioning: x̂ = x̂_u + w·(x̂_c − x̂_u), ε̂ = ε̂_u + w·(ε̂_c − ε̂_u). Every output kind is affine in
 * (x̂, ε̂) at fixed z and t, so this equals guiding the raw ε̂, v̂ or û, and z = αx̂ + σε̂ still holds. w = 1 is
 * `cond` alone, w = 0 `uncond` alone (each evaluated only then); otherwise cond, then uncond, is evaluated.
 * @example
 * ```ts
 * import { flowMatching, gaussian, guided, mixtureOracle } from 'difflow';
 * const fm = flowMatching();
 * const cond = mixtureOracle(gaussian([2], 0.5), fm), uncond = mixtureOracle(gaussian([0], 1), fm);
 * const z = Float64Array.of(0);
 * (await guided(cond, uncond, 1).denoise(z, 0.5)).x[0] === cond.denoise(z, 0.5).x[0]; // → true
 * (await guided(cond, uncond, 3).denoise(z, 0.5)).x[0]; // → 4.8
 * ```
 */
export function guided(cond: Denoiser, uncond: Denoiser, w: number): Denoiser {
  checkFinite('guidance w', w);
  if (cond.schedule !== uncond.schedule) {
    throw new DifflowError(`guided: the two denoisers are on different schedules ('${cond.schedule.name}', '${uncond.schedule.name}')`);
  }
  if (w === 1) return cond;
  if (w === 0) return uncond;
  const combine = (c: Denoised, u: Denoised): Denoised => ({ x: guide(c.x, u.x, w), eps: guide(c.eps, u.eps, w) });
  return {
    schedule: cond.schedule,
    denoise(z, t) {
      // One after the other: two networks (or one network twice) need not run at once.
      const c = cond.denoise(z, t);
      if (c instanceof Promise) return c.then(async (a) => combine(a, await uncond.denoise(z, t)));
      const u = uncond.denoise(z, t);
      return u instanceof Promise ? u.then((b) => combine(c, b)) : combine(c, u);
    },
  };
}

/**
 * The guidance formula on one output, element by element: u + w·(c − u) for the conditional output c and the
 * unconditional u (any output kind: they are affine in each other at fixed z and t).
 * @example
 * ```ts
 * import { guide } from 'difflow';
 * guide([3, 1], [1, 1], 2); // → [5, 1]
 * ```
 */
export function guide(c: ArrayLike<number>, u: ArrayLike<number>, w: number): Float64Array {
  const out = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = u[i] + w * (c[i] - u[i]);
  return out;
}
