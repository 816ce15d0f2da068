/** The Session adapter shared by onnxruntime-node and onnxruntime-web (both implement onnxruntime-common). */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Session, TensorData } from './runtime.js';

type TensorClass = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

export function wrapSession(session: InferenceSession, TensorOf: TensorClass): Session {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new TensorOf('float32', t.data, t.dims);
      const result = await session.run(ortFeeds);
      const out: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(result)) out[name] = { data: t.data as Float32Array, dims: t.dims };
      return out;
    },
    release: () => session.release(),
  };
}
