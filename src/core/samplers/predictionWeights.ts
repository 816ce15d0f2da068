import { checkGrid, type TimeGrid } from '../grids.js';
import { toXEps, type OutputKind } from '../outputs.js';
import type { Schedule } from '../schedule/index.js';
import { checkFinite } from '../validate.js';

/**
 * How much each step's network output contributes to the final sample of the churn sampler (FRAMEWORK.md
 * §5, the post's churn figure). Every step is affine in (z_t, output): with x̂ = p z + q o and ε̂ = p' z + q' o
 * (the linear conversions of `kind`), z_s = A z_t + B o_t + noise, A = α_s p + c p', B = α_s q + c q',
 * c = σ_s e^{−δ/2}. Unrolled, z_N = (Π A) z_0 + Σ_i B_i Π_{j>i} A_j o_i + noise.
 * @returns weights[i] on step i's output, and `start`, the weight left on the initial noise.
 * @example
 * ```ts
 * import { flowMatching, predictionWeights, uniformT } from 'difflow';
 * const { weights, start } = predictionWeights(flowMatching(), uniformT(4), 0, 'x');
 * weights; // → [0, 0, 0, 1]
 * start; // → 0
 * ```
 */
export function predictionWeights(
  schedule: Schedule,
  grid: TimeGrid,
  churn: number,
  kind: OutputKind,
): { weights: Float64Array; start: number } {
  checkGrid(grid);
  checkFinite('churn', churn, 0, 0.999999);
  const steps = grid.length - 1;
  const A = new Float64Array(steps);
  const B = new Float64Array(steps);
  const one = Float64Array.of(1);
  const zero = Float64Array.of(0);
  for (let i = 0; i < steps; i++) {
    const [t, s] = [grid[i], grid[i + 1]];
    const [alphaT, sigmaT] = [schedule.alpha(t), schedule.sigma(t)];
    const fromZ = toXEps(kind, zero, one, alphaT, sigmaT); // (p, p')
    const fromO = toXEps(kind, one, zero, alphaT, sigmaT); // (q, q')
    const delta = churn === 0 ? 0 : (churn / (1 - churn)) * (schedule.lambda(s) - schedule.lambda(t));
    const c = schedule.sigma(s) * Math.exp(-delta / 2);
    const alphaS = schedule.alpha(s);
    A[i] = alphaS * fromZ.x[0] + c * fromZ.eps[0];
    B[i] = alphaS * fromO.x[0] + c * fromO.eps[0];
  }
  const weights = new Float64Array(steps);
  let tail = 1;
  for (let i = steps - 1; i >= 0; i--) {
    weights[i] = B[i] * tail;
    tail *= A[i];
  }
  return { weights, start: tail };
}
