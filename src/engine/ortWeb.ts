/**
 * The Runtime over onnxruntime-web. No `node:` imports: the same code runs in browsers (through a bundler)
 * and in Node (tests check it against onnxruntime-node). The caller passes the ONNX Runtime module, so that
 * a page loads only the build it uses: `onnxruntime-web/wasm` (WebAssembly kernels only) or
 * `onnxruntime-web/webgpu` (WebGPU kernels, for browsers that have WebGPU); in Node, `onnxruntime-web`.
 */
import type * as Ort from 'onnxruntime-web';
import type { Runtime, RuntimeOptions, Session } from './runtime.js';
import { wrapSession } from './ortSession.js';

/** One of onnxruntime-web's entry points (they share one API). */
export type OrtWeb = typeof Ort;

export interface WebRuntimeOptions {
  /** Execution providers in order of preference (default ['wasm']; e.g. ['webgpu', 'wasm']). */
  readonly providers?: readonly string[];
  /** Where the .wasm files are served from (a bundler usually sets this). */
  readonly wasmPaths?: string;
}

export function webRuntime(ort: OrtWeb, options: WebRuntimeOptions = {}): Runtime {
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  return {
    name: `onnxruntime-web ${ort.env.versions.web ?? ''}`.trim(),
    async createSession(model: Uint8Array, runOptions: RuntimeOptions = {}): Promise<Session> {
      if (runOptions.threads !== undefined) ort.env.wasm.numThreads = runOptions.threads;
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [...(options.providers ?? ['wasm'])],
        graphOptimizationLevel: 'all',
      });
      return wrapSession(session, ort.Tensor);
    },
  };
}
