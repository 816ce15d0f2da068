/** The Session adapter shared by onnxruntime-node and onnxruntime-web (both implement onnxruntime-common). */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { DifflowError } from '../core/validate.js';
import { TENSOR_TYPES, type Session, type TypedTensor, type TensorData, type TensorInfo, type TensorType } from './runtime.js';

type TensorClass = new (type: TensorType, data: TypedTensor['data'], dims: readonly number[]) => OrtTensor;

const info = (metadata: readonly InferenceSession.ValueMetadata[]): TensorInfo[] =>
  metadata.map((m) => (m.isTensor ? { name: m.name, type: m.type, dims: [...m.shape] } : { name: m.name, type: 'non-tensor', dims: [] }));

/** An ONNX Runtime output as a difflow TypedTensor; float16 arrives as its bits (Uint16Array) where there is no Float16Array. */
function fromOrt(name: string, t: OrtTensor): TypedTensor {
  const type = t.type as TensorType;
  if (!TENSOR_TYPES.includes(type))
    throw new DifflowError(`output '${name}' is a ${t.type} tensor; difflow carries ${TENSOR_TYPES.join(', ')}`);
  const view = t.data as ArrayBufferView & { length: number };
  const data = type === 'float16' && !(view instanceof Uint16Array) ? new Uint16Array(view.buffer, view.byteOffset, view.length) : view;
  return { type, data, dims: t.dims } as TypedTensor;
}

export function wrapSession(session: InferenceSession, TensorOf: TensorClass): Session {
  const runTensors = async (feeds: Record<string, TypedTensor>) => {
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new TensorOf(t.type ?? 'float32', t.data, t.dims);
    const result = await session.run(ortFeeds);
    const out: Record<string, TypedTensor> = {};
    for (const [name, t] of Object.entries(result)) out[name] = fromOrt(name, t);
    return out;
  };
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputs: info(session.inputMetadata),
    outputs: info(session.outputMetadata),
    runTensors,
    async run(feeds) {
      const out: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(await runTensors(feeds))) {
        if (t.type !== 'float32') throw new DifflowError(`output '${name}' is ${t.type}, not float32: use runTensors for this model`);
        out[name] = { data: t.data, dims: t.dims };
      }
      return out;
    },
    release: () => session.release(),
  };
}
