/**
 * ONNX Runtime for the training worker: the WebAssembly-only build (`onnxruntime-web/wasm`, see ../ort.ts),
 * imported when the worker creates its first session. WebGPU would not help here: the 2-D models are tiny.
 */
import type { Runtime } from '../../../src/engine/runtime.js';
import { browserRuntime, wasmThreads } from '../ort.js';

let configured: { runtime: Runtime; threads: number } | undefined;

/** The runtime, configured once. */
export function trainingRuntime(): { runtime: Runtime; threads: number } {
  if (configured) return configured;
  const threads = wasmThreads();
  configured = { runtime: browserRuntime('wasm', threads), threads };
  return configured;
}
