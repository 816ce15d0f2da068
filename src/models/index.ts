/** difflow's networks (no `node:` imports): the denoisers, their building blocks and their forward and training-step graphs. */
export type { Network } from './network.js';
export { mlp } from './mlp.js';
export { unet, type UNetOptions } from './unet.js';
export { dit, type DitOptions } from './dit.js';
export { timeEmbedding } from './timeEmbedding.js';
export { buildForward, buildTrainStep } from './denoiserGraph.js';
export { torchName, torchStateDict } from './torchNames.js';
