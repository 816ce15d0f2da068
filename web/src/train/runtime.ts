/// <reference types="vite/client" />
/**
 * onnxruntime-web for the training worker: the .wasm file's URL comes from Vite (`?url`), so it is found both
 * under `vite` (served from node_modules) and in the static build (copied to dist/assets with a hashed name).
 * The default `onnxruntime-web` entry bundles its JS glue and loads the JSEP build of the .wasm (WebAssembly
 * and WebGPU kernels). Multi-threaded WebAssembly needs SharedArrayBuffer, i.e. a cross-origin-isolated page.
 */
import * as ort from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { Runtime } from '../../../src/engine/runtime.js';
import { webRuntime } from '../../../src/engine/ortWeb.js';

/**
 * Threads for ONNX Runtime's WebAssembly backend: 1 unless the page is cross-origin isolated and the machine
 * has at least 4 cores, then half of them (at most 4), so that the page keeps cores to draw with. Measured on
 * 2 cores: 1 thread trains this panel's default model faster than 2 (~170 vs ~140 steps/s) and leaves the UI
 * thread a core.
 */
export function wasmThreads(): number {
  const cores = navigator.hardwareConcurrency ?? 1;
  if (!globalThis.crossOriginIsolated || cores < 4) return 1;
  return Math.min(4, Math.floor(cores / 2));
}

let configured: { runtime: Runtime; threads: number } | undefined;

/** The runtime (configured once: wasm paths, threads and log level are fixed when the .wasm starts). */
export function trainingRuntime(): { runtime: Runtime; threads: number } {
  if (configured) return configured;
  const threads = wasmThreads();
  ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  configured = { runtime: webRuntime({ providers: ['wasm'] }), threads };
  return configured;
}
