/** difflow's network engine (no `node:` imports): graphs, autodiff, ONNX lowering, models, training steps. */
export { Graph, size, type Tensor, type Shape, type Node } from './graph.js';
export { Builder } from './builder.js';
export { OPS, type OpName } from './ops.js';
export { gradients } from './autodiff.js';
export { interpret } from './interpret.js';
export { toOnnx, toOnnxAnyBatch, OPSET } from './onnx.js';
export { buildForward, buildTrainStep, buildOptimizerStep, optimizerFeeds, takeOptimizerOutputs, trainStepSession, adamScalars, emaDecayAt, paramLayout, flatten, unflatten, DEFAULT_OPTIMIZER, type OptimizerSpec, type OptimizerState, type ParamSlot } from './trainStep.js';
export type { Runtime, RuntimeOptions, Session, TensorData, TypedTensor, TensorInfo, TensorType } from './runtime.js';
export { TENSOR_TYPES } from './runtime.js';
export { toFloat16Bits, fromFloat16Bits, toBfloat16Bits, fromBfloat16Bits } from '../io/float16.js';
export { mlp } from '../models/mlp.js';
export { initParams, parameterCount, type Network, type ParamSpec } from '../models/network.js';
export { timeEmbedding } from '../models/timeEmbedding.js';
export { TOY_DATASETS, TOY_NAMES, toyByName, type ToyName } from '../data/toy2d.js';
export { encodeSafetensors, decodeSafetensors, type SafetensorsTensor } from '../io/safetensors.js';
export { webRuntime, type OrtWeb, type WebRuntimeOptions } from './ortWeb.js';
