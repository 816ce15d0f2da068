/**
 * The β table of a diffusers DDPM-family config as a difflow schedule (the DDPM knots of schedule/ddpm.ts:
 * diffusers' timestep k ∈ 0..T−1 is t = (k + 1)/T, with α_k = sqrt(ᾱ_k)), plus the two views diffusers
 * samples in: σ̃_k = sqrt((1 − ᾱ_k)/ᾱ_k) (Euler-type schedulers) and the timestep ↔ σ̃ interpolation.
 */
import { DifflowError } from '../validate.js';
import { betas, fromBetas, type Schedule } from '../schedule/index.js';
import { bool, int, num, numbers, oneOf, type Parsed } from './config.js';

export const TABLE_KEYS = {
  num_train_timesteps: int(1000, 'T, the number of training timesteps', 2),
  beta_start: num(0.0001, 'β_1 of the linear and scaled_linear tables'),
  beta_end: num(0.02, 'β_T of the linear and scaled_linear tables'),
  beta_schedule: oneOf('linear', ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const, 'the β table', ['exp', 'sigmoid']),
  trained_betas: numbers('explicit β_1..β_T (replaces beta_schedule)'),
  rescale_betas_zero_snr: bool(false, 'Lin et al. (2024) rescale to zero terminal SNR'),
} as const;

export type TableConfig = Parsed<typeof TABLE_KEYS>;

/** A discrete table: its schedule, T, and t, ᾱ, σ̃ by diffusers timestep k. */
export interface BetaTable {
  readonly schedule: Schedule;
  readonly T: number;
  /** difflow time of integer timestep k: (k + 1)/T. */
  tOf(k: number): number;
  /** σ̃_k = sqrt((1 − ᾱ_k)/ᾱ_k) for k = 0..T−1 (diffusers' `sigmas` before set_timesteps). */
  readonly sigmas: Float64Array;
}

/** torch.linspace in float32: start + step·i for the first half, end − step·(n − 1 − i) for the rest. */
function linspace32(start: number, stop: number, n: number): Float64Array {
  const f = Math.fround;
  const a = f(start);
  const b = f(stop);
  const step = f(f(b - a) / (n - 1));
  return Float64Array.from({ length: n }, (_, i) => (i < n >> 1 ? f(a + f(step * i)) : f(b - f(step * (n - 1 - i)))));
}

/** β_1..β_T as diffusers stores them (a float32 tensor). */
export function configBetas(c: TableConfig): Float64Array {
  const T = c.num_train_timesteps;
  if (c.trained_betas) {
    if (c.trained_betas.length !== T) {
      throw new DifflowError(`trained_betas has ${c.trained_betas.length} entries but num_train_timesteps is ${T}`);
    }
    return Float64Array.from(c.trained_betas, Math.fround);
  }
  switch (c.beta_schedule) {
    case 'linear':
      return linspace32(c.beta_start, c.beta_end, T);
    case 'scaled_linear':
      return linspace32(Math.sqrt(c.beta_start), Math.sqrt(c.beta_end), T).map((b) => Math.fround(b * b));
    case 'squaredcos_cap_v2':
      return betas('squaredcos_cap_v2', T).map(Math.fround);
  }
}

/** ᾱ_k as diffusers computes it: torch.cumprod of the float32 (1 − β), accumulated in double, stored in float32. */
export function configAlphaBar(c: TableConfig): Float64Array {
  const b = configBetas(c);
  const alphaBar = new Float64Array(b.length);
  let product = 1;
  for (let k = 0; k < b.length; k++) {
    product *= Math.fround(1 - b[k]);
    alphaBar[k] = Math.fround(product);
  }
  return alphaBar;
}

/**
 * The table of a config: diffusers' float32 ᾱ as difflow knots (the β that reproduce them, with the
 * zero-SNR rescale of schedule/ddpm.ts), so that the grid is the one diffusers steps on. `terminalAlphaBar`
 * is what diffusers' σ-based schedulers put at ᾱ_{T−1} after the rescale (2^−24, keeping σ̃ finite).
 */
export function betaTable(c: TableConfig, options: { terminalAlphaBar?: number } = {}): BetaTable {
  const T = c.num_train_timesteps;
  const alphaBar = configAlphaBar(c);
  const schedule = fromBetas(
    alphaBar.map((a, k) => (k === 0 ? 1 - a : 1 - a / alphaBar[k - 1])),
    {
      name: `diffusers-${c.trained_betas ? 'trained' : c.beta_schedule}${c.rescale_betas_zero_snr ? '-ztsnr' : ''}`,
      zeroTerminalSnr: c.rescale_betas_zero_snr,
      terminalAlphaBar: c.rescale_betas_zero_snr ? options.terminalAlphaBar : undefined,
    },
  );
  const tOf = (k: number) => (k + 1) / T;
  // diffusers' float32 σ̃ = ((1 − ᾱ)/ᾱ)^½.
  const f = Math.fround;
  const sigmas = Float64Array.from({ length: T }, (_, k) => {
    const a = f(schedule.alpha(tOf(k)) ** 2);
    return f(Math.sqrt(f(f(1 - a) / a)));
  });
  return { schedule, T, tOf, sigmas };
}

/** The zero-SNR terminal ᾱ of diffusers' Euler, Heun and DPM-Solver schedulers. */
export const EULER_TERMINAL_ALPHA_BAR = 2 ** -24;
