/** The Runtime over onnxruntime-node (Node only). */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Runtime, RuntimeOptions, Session, TensorData } from './runtime.js';

export const nodeRuntime: Runtime = {
  name: `onnxruntime-node ${ort.env.versions.node ?? ''}`.trim(),
  async createSession(model: Uint8Array, options: RuntimeOptions = {}): Promise<Session> {
    const threads = options.threads ?? availableParallelism();
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
    });
    return {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      async run(feeds) {
        const ortFeeds: Record<string, ort.Tensor> = {};
        for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', t.data, t.dims.slice());
        const result = await session.run(ortFeeds);
        const out: Record<string, TensorData> = {};
        for (const [name, t] of Object.entries(result)) out[name] = { data: t.data as Float32Array, dims: t.dims };
        return out;
      },
      release: () => session.release(),
    };
  },
};
