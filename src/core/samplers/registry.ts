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

/** The samplers by name, for the CLI, the web page and the benchmarks. */
export const SAMPLERS = {
  ddim: ddim,
  ddpm: (d, z, g, o) => ddim(d, z, g, { ...o, eta: 1 }),
  'fm-euler': fmEuler,
  'pf-euler': pfEuler,
  heun: heun,
  dpmpp2m: dpmpp2m,
  churn: churnSampler,
  sde: sdeEuler,
} satisfies Record<string, Sampler<AnySamplerOptions>>;

export type SamplerName = keyof typeof SAMPLERS;
export const SAMPLER_NAMES = Object.keys(SAMPLERS) as SamplerName[];

/** A sampler by name; unknown names get an error listing the valid ones. */
export function samplerByName(name: string): Sampler<AnySamplerOptions> {
  return SAMPLERS[checkName('sampler', name, SAMPLER_NAMES)];
}
