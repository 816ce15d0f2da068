import type { Rng } from './rng.js';
import type { Schedule } from './schedule/index.js';
import { checkInteger } from './validate.js';

/**
 * The sampling prior z_1 ≈ σ_1 ε (α_1 x is dropped): [n·dim] normals scaled by σ(1).
 * @example
 * ```ts
 * import { edm, priorSample, rng } from 'difflow';
 * const z1 = priorSample(edm({ sigmaMax: 80 }), 16, 2, rng(0)); // 16 points in 2-D
 * z1.length; // → 32
 * ```
 */
export function priorSample(schedule: Schedule, n: number, dim: number, rng: Rng): Float64Array {
  checkInteger('n', n);
  checkInteger('dim', dim);
  const z = rng.normals(n * dim);
  const s = schedule.sigma(1);
  for (let i = 0; i < z.length; i++) z[i] *= s;
  return z;
}
