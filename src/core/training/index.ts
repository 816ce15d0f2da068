export { weighting, WEIGHTING_NAMES, type Weighting, type WeightingName } from './weighting.js';
export {
  uniformDensity,
  logitNormalDensity,
  edmDensity,
  cosineDensity,
  densityByName,
  DENSITY_NAMES,
  EDM_P_MEAN,
  EDM_P_STD,
  type TimeDensity,
  type DensityName,
} from './density.js';
export { epsLossWeight, outputLossWeight } from './lossWeight.js';
export {
  trainingBatch,
  batchFromDraws,
  rawLossWeight,
  meanLossWeight,
  MEAN_LOSS_WEIGHT_DRAWS,
  MEAN_LOSS_WEIGHT_SEED,
  type LossRecipe,
  type BatchRecipe,
  type BatchDraws,
  type ExampleSource,
  type TrainingBatch,
} from './batch.js';
