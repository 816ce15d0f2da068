/**
 * Training, browser-safe (no `node:` imports): the networks, the recipe of a run (`TrainConfig`), the trainer
 * (one compiled ONNX step, `state → state`), trained networks and external ONNX models as denoisers. It runs on
 * any `Runtime`: onnxruntime-node (`nodeRuntime` from `difflow/node`) or onnxruntime-web in a browser.
 */
export { mlp, unet, dit, type Network, type UNetOptions, type DitOptions } from '../models/index.js';
export {
  Trainer,
  freshState,
  networkFor,
  lossRecipe,
  batchRecipe,
  lossWeightScale,
  type TrainState,
  type StepResult,
  type Weights,
  type DataShape,
} from './trainer.js';
export {
  makeConfig,
  resumeConfig,
  DEFAULTS,
  MODEL_DEFAULTS,
  MODEL_NAMES,
  NATURAL_WEIGHTING,
  RESUMABLE_KEYS,
  type TrainConfig,
  type ModelName,
} from './config.js';
export { learningRate, LR_SCHEDULE_NAMES, type LrScheduleName, type LrRecipe } from './learningRate.js';
export { networkDenoiser, type NetworkDenoiser, type ConditioningOptions } from './networkDenoiser.js';
export { denoiserFeeds, guidedModel, type LabelledForward } from './guidance.js';
export { onnxDenoiser, type OnnxDenoiser, type OnnxDenoiserOptions } from './onnxDenoiser.js';
export { readSignature, type Signature, type SignatureNames } from './onnxSignature.js';
