/**
 * The Runtime over onnxruntime-web (WebAssembly; WebGPU where the browser has it). No `node:` imports: the
 * same code runs in browsers (through a bundler) and in Node (tests check it against onnxruntime-node).
 */
import * as ort from 'onnxruntime-web';
import type { Runtime, RuntimeOptions, Session } from './runtime.js';
import { wrapSession } from './ortSession.js';

export interface WebRuntimeOptions {
  /** Execution providers in order of preference (default ['wasm']; e.g. ['webgpu', 'wasm']). */
  readonly providers?: readonly string[];
  /** Where the .wasm files are served from (a bundler usually sets this). */
  readonly wasmPaths?: string;
}

export function webRuntime(options: WebRuntimeOptions = {}): Runtime {
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
