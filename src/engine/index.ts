/** difflow's network engine (no `node:` imports): graphs, autodiff, ONNX lowering, parameters, the optimiser step, runtimes. */
export { Graph, size, type Tensor, type Shape, type Node } from './graph.js';
export { Builder } from './builder.js';
export { OPS, type OpName } from './ops.js';
export { gradients } from './autodiff.js';
export { interpret } from './interpret.js';
export { toOnnx, toOnnxAnyBatch, OPSET } from './onnx.js';
export {
  paramLayout,
  flatten,
  unflatten,
  initParams,
  parameterCount,
  checkedParams,
  type ParamSpec,
  type ParamSlot,
  type Params,
  type HasParams,
} from './params.js';
export {
  buildOptimizerStep,
  optimizerFeeds,
  optimizerOutputs,
  takeOptimizerOutputs,
  adamScalars,
  emaDecayAt,
  DEFAULT_OPTIMIZER,
  OPTIMIZER_IO,
  type OptimizerSpec,
  type OptimizerState,
  type OptimizerScalars,
} from './optimizer.js';
export { trainStepSession, trainStepModel } from './trainSession.js';
export type { Runtime, RuntimeOptions, Session, TensorData, TypedTensor, TensorInfo, TensorType } from './runtime.js';
export { TENSOR_TYPES } from './runtime.js';
export { webRuntime, type OrtWeb, type WebRuntimeOptions } from './ortWeb.js';
