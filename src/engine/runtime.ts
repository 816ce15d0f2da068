/**
 * One interface over ONNX Runtime for Node (onnxruntime-node) and browsers (onnxruntime-web): sessions are
 * created once and reused; tensors cross as Float32Arrays with their shapes.
 */
export interface TensorData {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
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
