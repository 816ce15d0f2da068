export { type Oracle, makeOracle } from './oracle.js';
export { type Mixture, mixture, gaussian, pointSet, mixtureOracle, gaussianPath, ringMixture } from './mixture.js';
