/**
 * 2-D toy data sets for diffusion and flow-matching demos. Each is a pure function `(n, rng) → [n·2]`
 * (x₀, y₀, x₁, y₁, …) drawing n independent points, so the same seed gives the same points in Node and in
 * browsers. Shapes and scales follow FFJORD (Grathwohl et al., 2019) and torchcfm, as noted per set; all are
 * roughly zero-mean with per-coordinate standard deviations between 1 and 2.
 */
import type { Rng } from '../core/rng.js';
import { checkInteger, checkName } from '../core/validate.js';

/** Draws `n` points: returns [n·2] (x, y) pairs. */
export type ToySampler = (n: number, rng: Rng) => Float64Array;

/** Names of the toy data sets. */
export type ToyName = 'moons' | '8gaussians' | 'checkerboard' | 'spirals' | 'swissroll';

/** Standard deviation of the noise around the two moons, in the units of the unit semicircles. */
export const MOONS_NOISE = 0.1;
/** Radius of the ring of `8gaussians` (same as `ringMixture(8, 2, 0.15)`, so that oracle is its exact density). */
export const RING_RADIUS = 2;
/** Standard deviation of each of the 8 Gaussians. */
export const RING_STD = 0.15;
/** Standard deviation of the Gaussian noise around the spiral and swiss-roll curves. */
export const CURVE_NOISE = 0.1;

function allocate(n: number): Float64Array {
  checkInteger('n', n, 1);
  return new Float64Array(2 * n);
}

/**
 * Two interleaved moons (sklearn `make_moons`): the upper unit semicircle (cos θ, sin θ) and the lower one
 * (1 − cos θ, ½ − sin θ), θ ~ U[0, π], each point on either with probability ½, plus N(0, 0.1²) noise; then
 * mapped by p ↦ 2·(p − (½, ¼)) (FFJORD's ×2, centred exactly), so x ∈ ≈[−3, 3] and y ∈ ≈[−1.5, 1.5].
 * @returns [n·2]
 */
export function moons(n: number, rng: Rng): Float64Array {
  const out = allocate(n);
  for (let i = 0; i < n; i++) {
    const theta = Math.PI * rng.uniform();
    const upper = rng.uniform() < 0.5;
    const x = upper ? Math.cos(theta) : 1 - Math.cos(theta);
    const y = upper ? Math.sin(theta) : 0.5 - Math.sin(theta);
    out[2 * i] = 2 * (x + MOONS_NOISE * rng.normal() - 0.5);
    out[2 * i + 1] = 2 * (y + MOONS_NOISE * rng.normal() - 0.25);
  }
  return out;
}

/**
 * Eight Gaussians with std 0.15 centred at 2·(cos 2πk/8, sin 2πk/8), k = 0 … 7 equally likely: the density
 * of `ringMixture(8, 2, 0.15)`. (FFJORD uses radius 2√2 and std 0.35; torchcfm radius 5 and std 0.32.)
 * @returns [n·2]
 */
export function eightGaussians(n: number, rng: Rng): Float64Array {
  const out = allocate(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(8 * rng.uniform());
    const angle = (2 * Math.PI * k) / 8;
    out[2 * i] = RING_RADIUS * Math.cos(angle) + RING_STD * rng.normal();
    out[2 * i + 1] = RING_RADIUS * Math.sin(angle) + RING_STD * rng.normal();
  }
  return out;
}

/**
 * A 4 × 4 checkerboard on [−2, 2)² with unit squares: points are uniform on the 8 'black' squares, those
 * where ⌊x⌋ + ⌊y⌋ is even. This is FFJORD's checkerboard at half its scale (FFJORD's spans [−4, 4)²).
 * @returns [n·2]
 */
export function checkerboard(n: number, rng: Rng): Float64Array {
  const out = allocate(n);
  for (let i = 0; i < n; i++) {
    const x = 4 * rng.uniform() - 2;
    const row = Math.floor(2 * rng.uniform()); // which of the column's two black squares
    const y = rng.uniform() + 2 * row - 2 + (((Math.floor(x) % 2) + 2) % 2);
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}

/**
 * Two spiral arms ±(−(s/3) cos s, (s/3) sin s), s = 3π·√u with u ~ U[0, 1) (about uniform along the arc),
 * each arm equally likely, plus N(0, 0.1²) noise. The radius s/3 grows linearly with the angle s over 1½ turns
 * (FFJORD's spirals without its one-sided U[0, ½) offsets).
 * @returns [n·2]
 */
export function spirals(n: number, rng: Rng): Float64Array {
  const out = allocate(n);
  for (let i = 0; i < n; i++) {
    const s = 3 * Math.PI * Math.sqrt(rng.uniform());
    const sign = rng.uniform() < 0.5 ? 1 : -1;
    const r = s / 3;
    out[2 * i] = sign * -r * Math.cos(s) + CURVE_NOISE * rng.normal();
    out[2 * i + 1] = sign * r * Math.sin(s) + CURVE_NOISE * rng.normal();
  }
  return out;
}

/**
 * The 2-D swiss roll of FFJORD: sklearn's `make_swiss_roll` projected on (x, z) and divided by 5, i.e.
 * (t cos t, t sin t)/5 with t ~ U[3π/2, 9π/2] (radius t/5 ∈ [0.94, 2.83] grows with the angle t), plus
 * N(0, 0.1²) noise (FFJORD's noise is 0.2 at this scale). Its mean is ≈ (0.4, 0.04).
 * @returns [n·2]
 */
export function swissroll(n: number, rng: Rng): Float64Array {
  const out = allocate(n);
  for (let i = 0; i < n; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * rng.uniform());
    out[2 * i] = (t * Math.cos(t)) / 5 + CURVE_NOISE * rng.normal();
    out[2 * i + 1] = (t * Math.sin(t)) / 5 + CURVE_NOISE * rng.normal();
  }
  return out;
}

/** A registry entry: a one-line description (for the CLI and the web page) and the sampler. */
export interface ToyDataset {
  readonly description: string;
  readonly sample: ToySampler;
}

/** Every toy data set by name. */
export const TOY_DATASETS: Readonly<Record<ToyName, ToyDataset>> = {
  moons: { description: 'two interleaved half circles with small noise (sklearn make_moons ×2, centred)', sample: moons },
  '8gaussians': { description: 'eight Gaussians (std 0.15) on a circle of radius 2', sample: eightGaussians },
  checkerboard: { description: 'uniform on the 8 black squares of a 4 × 4 checkerboard on [−2, 2)²', sample: checkerboard },
  spirals: { description: 'two interleaved spiral arms, radius growing with angle over 1½ turns', sample: spirals },
  swissroll: { description: "2-D swiss roll (sklearn make_swiss_roll's x, z divided by 5)", sample: swissroll },
};

/** The names of `TOY_DATASETS`, in registry order. */
export const TOY_NAMES: readonly ToyName[] = Object.keys(TOY_DATASETS) as ToyName[];

/** The data set called `name`; throws `DifflowError("unknown data set 'x'; valid: …")` for any other name. */
export function toyByName(name: string): ToyDataset {
  return TOY_DATASETS[checkName('data set', name, TOY_NAMES)];
}
