/// <reference types="vite/client" />
/**
 * ONNX Runtime for the page's workers, loaded on first use and only the build a backend needs:
 *
 *   backend   entry point              .wasm file                                 size (gzip)
 *   wasm      onnxruntime-web/wasm     ort-wasm-simd-threaded.wasm                14.2 MB (3.7 MB)
 *   webgpu    onnxruntime-web/webgpu   ort-wasm-simd-threaded.asyncify.wasm       26.8 MB (6.7 MB)
 *
 * (The default `onnxruntime-web` entry would fetch the JSEP build, 28.3 MB, even for WebAssembly alone.) The
 * .wasm URLs come from Vite (`?url`), so they resolve under `vite` (node_modules) and in the static build
 * (dist/assets, hashed). Multi-threaded WebAssembly needs SharedArrayBuffer, i.e. a cross-origin-isolated page.
 */
import type { Runtime } from '../../src/engine/runtime.js';
import { webRuntime, type OrtWeb } from '../../src/engine/ortWeb.js';

export type Backend = 'wasm' | 'webgpu';

/** Bytes fetched for each backend's .wasm (uncompressed), as the page states them. */
export const WASM_BYTES: Record<Backend, number> = { wasm: 14_239_897, webgpu: 26_781_914 };

/**
 * Threads for ONNX Runtime's WebAssembly backend: 1 unless the page is cross-origin isolated and the machine
 * has at least 4 cores, then half of them (at most 4), so that the page keeps cores to draw with. Measured on
 * 2 cores: 1 thread trains the training panel's default model faster than 2 (~170 vs ~140 steps/s) and leaves
 * the UI thread a core.
 */
export function wasmThreads(): number {
  const cores = navigator.hardwareConcurrency ?? 1;
  if (!globalThis.crossOriginIsolated || cores < 4) return 1;
  return Math.min(4, Math.floor(cores / 2));
}

interface GpuAdapter {
  readonly info?: { readonly isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

interface GpuNavigator {
  readonly gpu?: { requestAdapter(): Promise<GpuAdapter | null> };
}

/**
 * 'webgpu' when this browser gives a hardware WebGPU adapter (asked, not assumed from the user agent), else
 * 'wasm'. A fallback adapter is a software rasteriser on the CPU (headless Chromium with
 * --enable-unsafe-webgpu gives SwiftShader): the images panel's 20 steps did not finish in 400 s there.
 */
export async function detectBackend(): Promise<Backend> {
  const gpu = (navigator as GpuNavigator).gpu;
  if (!gpu) return 'wasm';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter || adapter.info?.isFallbackAdapter || adapter.isFallbackAdapter) return 'wasm';
    return 'webgpu';
  } catch {
    return 'wasm';
  }
}

async function importOrt(backend: Backend): Promise<{ ort: OrtWeb; wasm: string }> {
  if (backend === 'webgpu') {
    const [ort, wasm] = await Promise.all([
      import('onnxruntime-web/webgpu'),
      import('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url'),
    ]);
    return { ort, wasm: wasm.default };
  }
  const [ort, wasm] = await Promise.all([import('onnxruntime-web/wasm'), import('onnxruntime-web/ort-wasm-simd-threaded.wasm?url')]);
  return { ort, wasm: wasm.default };
}

/**
 * A Runtime on `backend` that imports its ONNX Runtime build when the first session is created (configured
 * once: wasm path, threads and log level are fixed when the .wasm starts).
 */
export function browserRuntime(backend: Backend, threads: number): Runtime {
  let loaded: Promise<Runtime> | undefined;
  const load = async () => {
    const { ort, wasm } = await importOrt(backend);
    ort.env.wasm.wasmPaths = { wasm };
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    return webRuntime(ort, { providers: [backend] });
  };
  return {
    name: `onnxruntime-web (${backend === 'webgpu' ? 'WebGPU' : 'WebAssembly'})`,
    async createSession(model, options) {
      loaded ??= load();
      return (await loaded).createSession(model, options);
    },
  };
}
