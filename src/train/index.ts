/** difflow in Node: ONNX Runtime, the training loop, checkpoints and trained models as denoisers. */
export { nodeRuntime } from '../engine/ortNode.js';
export { Trainer, freshState, networkFor, type TrainState, type Weights } from './trainer.js';
export { trainRun, lossCurve, type Progress, type RunOptions } from './loop.js';
export { makeConfig, DEFAULTS, NATURAL_WEIGHTING, type TrainConfig } from './config.js';
export { dataByName, DATA_NAMES, GMM, type Dataset, type DataName } from './data.js';
export { saveTrainState, loadTrainState, checkpointPath } from './checkpointing.js';
export { networkDenoiser, type NetworkDenoiser, type ConditioningOptions } from './networkDenoiser.js';
export { fashionMnistDataset, loadFashionMnist, FASHION_MNIST_CLASSES } from './fashionMnist.js';
export { FmnistClassifier, classify, imageMetrics, realStatistics } from './fmnistMetric.js';
export { unet } from '../models/unet.js';
export { dit } from '../models/dit.js';
export { writeCheckpoint, readCheckpoint } from '../io/checkpoint.js';
export { onnxDenoiser, type OnnxDenoiser, type OnnxDenoiserOptions } from './onnxDenoiser.js';
export { loadOnnxDenoiser } from './loadOnnxDenoiser.js';
export { readSignature, type Signature, type SignatureNames } from './onnxSignature.js';
export { loadDenoiser, loadRun, type LoadedRun, type LoadOptions } from './loadDenoiser.js';
