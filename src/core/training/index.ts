export { weighting, WEIGHTING_NAMES, type Weighting, type WeightingName } from './weighting.js';
export {
  uniformDensity, logitNormalDensity, edmDensity, cosineDensity, densityByName, DENSITY_NAMES, EDM_P_MEAN, EDM_P_STD,
  type TimeDensity, type DensityName,
} from './density.js';
export { epsLossWeight, outputLossWeight } from './lossWeight.js';
