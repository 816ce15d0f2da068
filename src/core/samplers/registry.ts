import type { Schedule } from '../schedule/schedule.js';
import { checkName } from '../validate.js';
import { churnSampler, type ChurnOptions } from './churn.js';
import { ddim, type DdimOptions } from './ddim.js';
import { dpmpp2m } from './dpmSolver.js';
import { fmEuler } from './fmEuler.js';
import { heun, type HeunOptions } from './heun.js';
import { pfEuler } from './pfEuler.js';
import type { Sampler } from './sampler.js';
import { sdeEuler, type SdeOptions } from './sde.js';

/** Every sampler option; each sampler reads its own (η for ddim/sde, churn, S_churn… for heun). */
export type AnySamplerOptions = DdimOptions & ChurnOptions & HeunOptions & SdeOptions;

/** The options that tune a sampler (not `rng` or `onStep`, which every sampler takes). */
export type SamplerOption = 'eta' | 'churn' | 'sChurn' | 'sTmin' | 'sTmax' | 'sNoise';

/** What the rest of difflow knows about a sampler, stated once: the CLI, the web page and the demo derive from it. */
export interface SamplerDescriptor {
  readonly run: Sampler<AnySamplerOptions>;
  /** A short human name, e.g. 'Heun (EDM)'. */
  readonly label: string;
  /** The options `run` reads; it ignores the others. */
  readonly options: readonly SamplerOption[];
  /**
   * Whether a run with `options` draws noise from `rng`, so that it has no single answer (and needs `rng`). A
   * one-step run to σ = 0 draws none even then: the noise of a step scales with σ at its end.
   */
  stochastic(options: AnySamplerOptions): boolean;
  /** Denoiser evaluations of the step t → s on `schedule`. */
  evaluations(schedule: Schedule, t: number, s: number): number;
}

const one = () => 1;

/** The samplers by name, in the order the CLI and the web page list them. */
export const SAMPLER_DESCRIPTORS = {
  ddim: { run: ddim, label: 'DDIM (η)', options: ['eta'], stochastic: (o) => (o.eta ?? 0) > 0, evaluations: one },
  ddpm: {
    run: (d, z, g, o) => ddim(d, z, g, { ...o, eta: 1 }),
    label: 'DDPM (η = 1)',
    options: [],
    stochastic: () => true,
    evaluations: one,
  },
  'fm-euler': { run: fmEuler, label: 'flow-matching Euler', options: [], stochastic: () => false, evaluations: one },
  'pf-euler': { run: pfEuler, label: 'probability-flow Euler', options: [], stochastic: () => false, evaluations: one },
  heun: {
    run: heun,
    label: 'Heun (EDM)',
    options: ['sChurn', 'sTmin', 'sTmax', 'sNoise'],
    stochastic: (o) => (o.sChurn ?? 0) > 0,
    // A correction step, except from α = 0 (a DDIM step) and to σ = 0 (an Euler step), as in heun.ts.
    evaluations: (schedule, t, s) => (schedule.alpha(t) === 0 || schedule.sigma(s) === 0 ? 1 : 2),
  },
  dpmpp2m: { run: dpmpp2m, label: 'DPM-Solver++ 2M', options: [], stochastic: () => false, evaluations: one },
  churn: { run: churnSampler, label: 'churn sampler', options: ['churn'], stochastic: (o) => (o.churn ?? 0.5) > 0, evaluations: one },
  sde: { run: sdeEuler, label: 'SDE Euler–Maruyama (η)', options: ['eta'], stochastic: (o) => (o.eta ?? 1) > 0, evaluations: one },
} satisfies Record<string, SamplerDescriptor>;

export type SamplerName = keyof typeof SAMPLER_DESCRIPTORS;
export const SAMPLER_NAMES = Object.keys(SAMPLER_DESCRIPTORS) as SamplerName[];

/** The samplers' run functions by name, for the CLI, the web page and the benchmarks. */
export const SAMPLERS = Object.fromEntries(SAMPLER_NAMES.map((name) => [name, SAMPLER_DESCRIPTORS[name].run])) as Record<
  SamplerName,
  Sampler<AnySamplerOptions>
>;

/**
 * A sampler by name; unknown names get an error listing the valid ones.
 * @example
 * ```ts
 * import { samplerByName, uniformT, mixtureOracle, ringMixture, flowMatching, priorSample, rng } from 'difflow';
 * const oracle = mixtureOracle(ringMixture(8, 2, 0.15), flowMatching());
 * (await samplerByName('heun')(oracle, priorSample(flowMatching(), 4, 2, rng(0)), uniformT(5))).length; // → 8
 * samplerByName('euler'); // throws
 * ```
 */
export function samplerByName(name: string): Sampler<AnySamplerOptions> {
  return SAMPLERS[checkName('sampler', name, SAMPLER_NAMES)];
}

/**
 * The samplers that read `option`, in registry order.
 * @example
 * ```ts
 * import { samplersReading } from 'difflow';
 * samplersReading('eta'); // → ['ddim', 'sde']
 * ```
 */
export function samplersReading(option: SamplerOption): SamplerName[] {
  return SAMPLER_NAMES.filter((name) => (SAMPLER_DESCRIPTORS[name].options as readonly SamplerOption[]).includes(option));
}

/**
 * Whether `sampler` run with `options` draws noise (see `SamplerDescriptor.stochastic`).
 * @example
 * ```ts
 * import { isStochastic } from 'difflow';
 * isStochastic('ddim', { eta: 0 }); // → false
 * isStochastic('ddim', { eta: 1 }); // → true
 * ```
 */
export function isStochastic(sampler: SamplerName, options: AnySamplerOptions = {}): boolean {
  return SAMPLER_DESCRIPTORS[sampler].stochastic(options);
}

/**
 * Denoiser evaluations of a whole run of `sampler` on `grid`.
 * @example
 * ```ts
 * import { evaluationCount, cosine, uniformT } from 'difflow';
 * evaluationCount('dpmpp2m', cosine(), uniformT(10)); // → 10
 * evaluationCount('heun', cosine(), uniformT(10)); // → 18
 * ```
 */
export function evaluationCount(sampler: SamplerName, schedule: Schedule, grid: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i + 1 < grid.length; i++) n += SAMPLER_DESCRIPTORS[sampler].evaluations(schedule, grid[i], grid[i + 1]);
  return n;
}
