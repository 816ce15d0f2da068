/** `onnxDenoiser` in Node: the model from a path (or bytes), run by onnxruntime-node unless told otherwise. */
import { readFileSync } from 'node:fs';
import { DifflowError } from '../core/validate.js';
import { nodeRuntime } from '../engine/ortNode.js';
import type { Runtime, RuntimeOptions } from '../engine/runtime.js';
import { onnxDenoiser, type OnnxDenoiser, type OnnxDenoiserOptions } from '../training/onnxDenoiser.js';

export async function loadOnnxDenoiser(
  model: string | Uint8Array,
  options: OnnxDenoiserOptions & RuntimeOptions & { readonly runtime?: Runtime },
): Promise<OnnxDenoiser> {
  const { runtime = nodeRuntime, ...rest } = options;
  let bytes: Uint8Array;
  try {
    bytes = typeof model === 'string' ? readFileSync(model) : model;
  } catch (e) {
    throw new DifflowError(`cannot read the ONNX model '${model}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return onnxDenoiser(runtime, bytes, rest);
}
