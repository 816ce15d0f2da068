/** Sample-quality metrics for point clouds stored flat as [count·dim]. */
export { energyDistance } from './energy.js';
export type { EnergyDistanceOptions, EnergyEstimator } from './energy.js';
export { frechetDistance, meanAndCovariance, sqrtPsd, symmetricEigen, type MeanAndCovariance, type SymmetricEigen } from './frechet.js';
export { mmd, medianHeuristicBandwidth } from './mmd.js';
export type { MmdOptions } from './mmd.js';
export { slicedWasserstein, wasserstein1d } from './slicedWasserstein.js';
export type { SlicedWassersteinOptions } from './slicedWasserstein.js';
