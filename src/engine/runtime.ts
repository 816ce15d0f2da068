/**
 * One interface over ONNX Runtime for Node (onnxruntime-node) and browsers (onnxruntime-web): sessions are
 * created once and reused. difflow's own graphs take and give float32 (`run`); models made elsewhere may use
 * float16, float64, int32 or int64 tensors (`runTensors`, with the model's inputs and outputs described).
 */

/** A float32 tensor: what difflow's own graphs take and give. `type` may be left out. */
export interface TensorData {
  readonly type?: 'float32';
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** A tensor of any element type the runtimes carry; float16 values are held as their IEEE bits (io/float16). */
export type TypedTensor =
  | TensorData
  | { readonly type: 'float16'; readonly data: Uint16Array; readonly dims: readonly number[] }
  | { readonly type: 'float64'; readonly data: Float64Array; readonly dims: readonly number[] }
  | { readonly type: 'int32'; readonly data: Int32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] };

export type TensorType = NonNullable<TypedTensor['type']>;
export const TENSOR_TYPES: readonly TensorType[] = ['float32', 'float16', 'float64', 'int32', 'int64'];

/** A model input or output as the model declares it: a symbolic dimension is its name (e.g. 'batch'). */
export interface TensorInfo {
  readonly name: string;
  /** The element type, as ONNX Runtime names it ('float32', 'int64', …; types beyond TensorType are possible). */
  readonly type: string;
  readonly dims: readonly (number | string)[];
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The model's inputs and outputs, in order, with element types and shapes. */
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** float32 in, float32 out (a model with another output type is refused, naming the output). */
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
  /** Any of the carried element types in and out. */
  runTensors(feeds: Record<string, TypedTensor>): Promise<Record<string, TypedTensor>>;
  release(): Promise<void>;
}

export type Spinning = boolean | 'auto';

export interface RuntimeOptions {
  /** Intra-op threads; default: every core. */
  readonly threads?: number;
  /**
   * Let worker threads spin between a run's ops instead of sleeping (onnxruntime-node; they stop when the run
   * ends). Spinning saves a wake-up per op — the U-Net train step has ~1,500 ops: 616 → 475 ms on an idle
   * 2-core machine — but costs when another process wants the cores (871 → 1,037 ms with one busy process).
   * 'auto' spins when no other thread is runnable as the session is created; default false.
   */
  readonly spinning?: Spinning;
  /**
   * Let ONNX Runtime rewrite convolutions with constant weights into its blocked (NCHWc) kernels (CPU, Node;
   * default true). Fast for sampling graphs, whose weights are constants. In a training step the weights are
   * inputs, and the only constant-weight convolutions are the im2col patch convolutions of the filter
   * gradients, which the rewrite slows (a reorder back to NCHW after each): trainers turn it off (U-Net train
   * step, batch 64, 2 threads, A/B in one process: 718 → 641 ms).
   */
  readonly blockedConvs?: boolean;
}

export interface Runtime {
  readonly name: string;
  createSession(model: Uint8Array, options?: RuntimeOptions): Promise<Session>;
  /**
   * The channel block of the runtime's blocked-layout (NCHWc) convolution kernels, checked against the plain
   * convolution on this machine; undefined where it has none (onnxruntime-web, CPUs without them). Graphs
   * lowered with `toOnnx(graph, { convBlock })` use those kernels for convolutions whose weights are inputs.
   */
  convBlock?(): Promise<number | undefined>;
}
