export type { Sampler, SamplerOptions, StepInfo } from './sampler.js';
export { ddim, type DdimOptions } from './ddim.js';
export { fmEuler } from './fmEuler.js';
export { pfEuler } from './pfEuler.js';
export { heun, type HeunOptions } from './heun.js';
export { dpmpp2m } from './dpmSolver.js';
export { churnSampler, type ChurnOptions } from './churn.js';
export { sdeEuler, type SdeOptions } from './sde.js';
export {
  SAMPLERS,
  SAMPLER_DESCRIPTORS,
  SAMPLER_NAMES,
  evaluationCount,
  isStochastic,
  samplerByName,
  samplersReading,
  type AnySamplerOptions,
  type SamplerDescriptor,
  type SamplerName,
  type SamplerOption,
} from './registry.js';
export { predictionWeights } from './predictionWeights.js';
