import { sigmoid } from '../math.js';
import { DifflowError, checkInteger } from '../validate.js';
import { defineSchedule, type Schedule } from './schedule.js';

/** The β tables of discrete DDPM-family models (names as in diffusers). */
export type BetaTable = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export const BETA_TABLES: readonly BetaTable[] = ['linear', 'scaled_linear', 'squaredcos_cap_v2'];

/**
 * β_1..β_T of a named table.
 * @example
 * ```ts
 * import { betas } from 'difflow';
 * const b = betas('linear');
 * [b.length, b[0], b[999]]; // → [1000, 0.0001, 0.02]
 * ```
 */
export function betas(table: BetaTable, steps = 1000): Float64Array {
  checkInteger('steps', steps, 2);
  const b = new Float64Array(steps);
  const lin = (lo: number, hi: number, i: number) => lo + ((hi - lo) * i) / (steps - 1);
  for (let i = 0; i < steps; i++) {
    if (table === 'linear') b[i] = lin(1e-4, 0.02, i);
    else if (table === 'scaled_linear') b[i] = lin(Math.sqrt(0.00085), Math.sqrt(0.012), i) ** 2;
    else if (table === 'squaredcos_cap_v2') {
      const abar = (s: number) => Math.cos(((s + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
      b[i] = Math.min(1 - abar((i + 1) / steps) / abar(i / steps), 0.999);
    } else throw new DifflowError(`unknown beta table '${table}'; valid: ${BETA_TABLES.join(', ')}`);
  }
  return b;
}

/**
 * A discrete DDPM table as a continuous schedule: knot i = 0..T sits at t = i/T with α_0 = 1 and
 * α_i = sqrt(ᾱ_i), ᾱ_i = Π_{j≤i}(1 − β_j); α is linear in t between knots (diffusers' timestep k ∈ 0..T−1 is
 * t = (k + 1)/T). `zeroTerminalSnr` applies Lin et al. (2024)'s rescale so that α_T = 0 (λ(1) = −∞).
 * Both α and 1 − α are kept to full precision at the knots, so σ is accurate near t = 0.
 * @example
 * ```ts
 * import { ddpm } from 'difflow';
 * const s = ddpm({ table: 'scaled_linear' });
 * s.alpha(0); // → 1
 * s.alpha(1); // → 0.06826
 * ddpm({ table: 'linear', zeroTerminalSnr: true }).alpha(1); // → 0
 * ```
 */
export function ddpm(options: { table?: BetaTable; steps?: number; zeroTerminalSnr?: boolean } = {}): Schedule {
  const table = options.table ?? 'linear';
  return fromBetas(betas(table, options.steps ?? 1000), {
    name: `ddpm-${table}${options.zeroTerminalSnr ? '-ztsnr' : ''}`,
    zeroTerminalSnr: options.zeroTerminalSnr,
  });
}

/**
 * The schedule of any β table β_1..β_T, with the knots of `ddpm`. `terminalAlphaBar` replaces ᾱ_T after the
 * zero-terminal-SNR rescale (diffusers' Euler-type schedulers use 2^−24 there to keep σ/α finite).
 * @example
 * ```ts
 * import { fromBetas } from 'difflow';
 * const s = fromBetas([0.1, 0.2, 0.3, 0.4]);
 * s.alpha(0.5) ** 2; // → 0.72
 * ```
 */
export function fromBetas(
  b: ArrayLike<number>,
  options: { name?: string; zeroTerminalSnr?: boolean; terminalAlphaBar?: number } = {},
): Schedule {
  const T = b.length;
  checkInteger('the number of betas', T, 2);
  const a = new Float64Array(T + 1); // α at knots
  const q = new Float64Array(T + 1); // 1 − α at knots
  a[0] = 1;
  let logAbar = 0;
  for (let i = 1; i <= T; i++) {
    if (!(b[i - 1] > 0 && b[i - 1] < 1)) throw new DifflowError(`betas must lie in (0, 1), but beta[${i - 1}] = ${b[i - 1]}`);
    logAbar += Math.log1p(-b[i - 1]);
    a[i] = Math.exp(0.5 * logAbar);
    q[i] = -Math.expm1(logAbar) / (1 + a[i]); // 1 − sqrt(ᾱ) = (1 − ᾱ)/(1 + sqrt(ᾱ))
  }
  if (options.zeroTerminalSnr) {
    const a1 = a[1];
    const aT = a[T];
    for (let i = 1; i <= T; i++) {
      a[i] = ((a[i] - aT) * a1) / (a1 - aT);
      q[i] = 1 - a[i];
    }
    // Knot 1 is unchanged by the rescale: keep its accurate 1 − α.
    q[1] = -Math.expm1(Math.log1p(-b[0])) / (1 + a[1]);
    a[T] = 0;
    q[T] = 1;
  }
  if (options.terminalAlphaBar !== undefined) {
    a[T] = Math.sqrt(options.terminalAlphaBar);
    q[T] = 1 - a[T];
  }
  return knotSchedule(options.name ?? 'discrete', a, q);
}

/** The piecewise-linear-α schedule through knots α_i = a[i], 1 − α_i = q[i] at t = i/T. */
function knotSchedule(name: string, a: Float64Array, q: Float64Array): Schedule {
  const T = a.length - 1;
  const seg = (t: number) => Math.min(T - 1, Math.floor(t * T));
  const lerp = (k: number[] | Float64Array, t: number) => {
    const i = seg(t);
    return k[i] + (k[i + 1] - k[i]) * (t * T - i);
  };
  const alpha = (t: number) => lerp(a, t);
  const oneMinusAlpha = (t: number) => lerp(q, t);
  const sigma2 = (t: number) => {
    const m = oneMinusAlpha(t);
    return m * (2 - m);
  };
  const dAlpha = (t: number) => {
    const i = seg(t);
    return (a[i + 1] - a[i]) * T;
  };
  const sigma = (t: number) => Math.sqrt(sigma2(t));
  return defineSchedule({
    name,
    alpha,
    sigma,
    dAlpha,
    dSigma: (t) => (-alpha(t) * dAlpha(t)) / sigma(t),
    lambda: (t) => 2 * Math.log(alpha(t)) - Math.log(sigma2(t)),
    dLambda: (t) => (2 * dAlpha(t)) / (alpha(t) * sigma2(t)),
    tOfLambda: (l) => {
      // Search the better-conditioned knot array: 1 − α (increasing) for λ > 0, α (decreasing) otherwise.
      if (l > 0) {
        const s2 = sigmoid(-l);
        return invert(q, s2 / (1 + Math.sqrt(1 - s2)), 1, T);
      }
      return invert(a, Math.sqrt(sigmoid(l)), -1, T);
    },
  });
}

/** t of the piecewise-linear knot array `k` (monotone in `direction`) at value `y`. */
function invert(k: Float64Array, y: number, direction: 1 | -1, T: number): number {
  let lo = 0;
  let hi = T;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((k[mid] - y) * direction <= 0) lo = mid;
    else hi = mid;
  }
  const frac = (y - k[lo]) / (k[lo + 1] - k[lo]);
  return (lo + Math.min(1, Math.max(0, frac))) / T;
}
