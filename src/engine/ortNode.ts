/** The Runtime over onnxruntime-node (Node only). */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Runtime, RuntimeOptions, Session } from './runtime.js';
import { wrapSession } from './ortSession.js';

export const nodeRuntime: Runtime = {
  name: `onnxruntime-node ${ort.env.versions.node ?? ''}`.trim(),
  async createSession(model: Uint8Array, options: RuntimeOptions = {}): Promise<Session> {
    const threads = options.threads ?? availableParallelism();
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: {
        session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } },
        ...(options.blockedConvs === false ? { optimization: { disable_specified_optimizers: 'NchwcTransformer' } } : {}),
      },
    });
    return wrapSession(session, ort.Tensor);
  },
};
