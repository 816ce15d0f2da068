/// <reference types="vite/client" />
/**
 * The images panel's worker: loads ONNX Runtime (WebGPU where the browser gives an adapter, else the
 * WebAssembly-only build) and the shipped model, then runs the core's samplers on it and posts every step, so
 * that the page's UI thread only draws. Runs take turns; a newer request cancels the one in flight before its
 * next network evaluation.
 */
import modelUrl from '../../assets/fmnist-unet.onnx?url';
import type { Session } from '../../../src/engine/runtime.js';
import { browserRuntime, detectBackend, wasmThreads, type Backend } from '../ort.js';
import { messageOf, nextTask } from '../workerKit.js';
import { CLASSES, MODEL_BATCH, PIXELS, sampleImages } from './model.js';
import type { FromImagesWorker, LoadInfo, ToImagesWorker } from './protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: FromImagesWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

class Cancelled extends Error {}

async function open(backend: Backend, model: Uint8Array, threads: number): Promise<Session> {
  const session = await browserRuntime(backend, threads).createSession(model, { threads });
  // One evaluation, so that the first run does not pay for the kernels' first-use set-up.
  await session.run({
    z: { data: new Float32Array(MODEL_BATCH * PIXELS), dims: [MODEL_BATCH, PIXELS] },
    t: { data: new Float32Array(MODEL_BATCH).fill(0.5), dims: [MODEL_BATCH, 1] },
    label: { data: new Float32Array(MODEL_BATCH * (CLASSES + 1)), dims: [MODEL_BATCH, CLASSES + 1] },
  });
  return session;
}

async function load(): Promise<{ session: Session; info: LoadInfo }> {
  const start = performance.now();
  const response = await fetch(modelUrl);
  if (!response.ok) throw new Error(`the model could not be downloaded (HTTP ${response.status})`);
  const model = new Uint8Array(await response.arrayBuffer());
  const threads = wasmThreads();
  let backend = await detectBackend();
  let opened: Session;
  let fallback: string | undefined;
  try {
    opened = await open(backend, model, threads);
  } catch (e) {
    if (backend === 'wasm') throw e;
    fallback = `WebGPU could not run the model (${messageOf(e)})`;
    backend = 'wasm';
    opened = await open(backend, model, threads);
  }
  const info = { backend, threads, modelBytes: model.length, seconds: (performance.now() - start) / 1000, fallback };
  return { session: opened, info };
}

let loading: Promise<Session> | undefined;
function session(): Promise<Session> {
  loading ??= load().then(({ session, info }) => {
    post({ type: 'loaded', info });
    return session;
  });
  return loading;
}

let latest = -1;
let queue: Promise<void> = Promise.resolve();

async function sample(message: Extract<ToImagesWorker, { type: 'sample' }>): Promise<void> {
  const { id, request } = message;
  if (id !== latest) return;
  const s = await session();
  const start = performance.now();
  let evaluations = 0;
  const images = await sampleImages(
    s,
    request,
    (frame) => post({ type: 'frame', id, frame }, [frame.z.buffer, ...(frame.xHat === frame.z ? [] : [frame.xHat.buffer])]),
    async () => {
      await nextTask();
      if (id !== latest) throw new Cancelled();
      evaluations++;
    },
  );
  const result = Float32Array.from(images);
  post({ type: 'done', id, images: result, seconds: (performance.now() - start) / 1000, evaluations }, [result.buffer]);
}

scope.addEventListener('message', (event: MessageEvent<ToImagesWorker>) => {
  const message = event.data;
  if (message.type === 'load') {
    session().catch((e: unknown) => post({ type: 'error', message: messageOf(e) }));
  } else {
    latest = message.id;
    queue = queue
      .then(() => sample(message))
      .catch((e: unknown) => {
        if (!(e instanceof Cancelled)) post({ type: 'error', id: message.id, message: messageOf(e) });
      });
  }
});
