/** difflow's core: plain TypeScript over typed arrays; runs unchanged in Node and in browsers. */
export * from './math.js';
export * from './rng.js';
export * from './validate.js';
export * from './schedule/index.js';
export * from './outputs.js';
export * from './denoiser.js';
export * from './guided.js';
export * from './prior.js';
export * from './grids.js';
export * from './oracles/index.js';
export * from './samplers/index.js';
export * from './training/index.js';
export * from './likelihood.js';
export { rk45, dopri5, type Rk45Options, type Rk45Result } from './samplers/rk45.js';
export * from './metrics/index.js';
export * from './interop/index.js';
export * from './timeRange.js';
