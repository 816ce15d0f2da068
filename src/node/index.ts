/**
 * difflow in Node: onnxruntime-node, training runs in a folder (checkpoints, resume, the lock), data files,
 * Fashion-MNIST and FD-FMNIST, trained run folders and ONNX files as denoisers. Everything of the browser-safe
 * `difflow/training` entry is exported here too.
 */
export * from '../training/index.js';
export { nodeRuntime } from '../engine/ortNode.js';
export { trainRun, lossCurve, prepareRun, type Progress, type RunOptions, type PreparedRun } from './loop.js';
export { dataByName, DATA_NAMES, GMM, type Dataset, type DataName } from './data.js';
export { saveTrainState, loadTrainState, checkpointPath } from './checkpointing.js';
export { fashionMnistDataset, loadFashionMnist, FASHION_MNIST_CLASSES } from './fashionMnist.js';
export { FmnistClassifier, classify, imageMetrics, realStatistics } from './fmnistMetric.js';
export { writeCheckpoint, readCheckpoint } from '../io/checkpoint.js';
export { loadOnnxDenoiser } from './loadOnnxDenoiser.js';
export { loadDenoiser, loadRun, type LoadedRun, type LoadOptions } from './loadDenoiser.js';
export { torchRun, type TorchRunOptions } from './torchBackend.js';
