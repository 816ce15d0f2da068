/** What the images panel exposes to tests (window.__difflow.panels.images). */
import type { ImageRequest } from './model.js';

export interface ImagesHooks {
  /** ONNX Runtime and the model are loaded (after the first interaction with the panel). */
  loaded: boolean;
  /** The backend detected and used: 'webgpu' or 'wasm' ('' before loading). */
  backend: string;
  running: boolean;
  /** The latest request's number; `images` etc. belong to it once `running` is false. */
  id: number;
  /** The last frame drawn: step i of `steps` (i = steps: the result). */
  step: number;
  steps: number;
  request: ImageRequest | undefined;
  /** The ten images of the latest finished run, [10·784] in about [−1, 1]. */
  images: number[];
  /** Seconds the worker spent on the run (network evaluations and sampler). */
  seconds: number;
  evaluations: number;
  /** Mean RMS distance between two of the ten images. */
  diversity: number;
  error: string;
}
