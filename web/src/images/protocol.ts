/** The messages between the images panel (UI thread) and its worker, which runs ONNX Runtime and the sampler. */
import type { Backend } from '../ort.js';
import type { Frame, ImageRequest } from './model.js';

export type ToImagesWorker =
  /** Load ONNX Runtime (the build for the detected backend) and the model; 'loaded' or 'error' follows. */
  | { readonly type: 'load' }
  /** Sample; a newer request cancels this one before its next network evaluation. */
  | { readonly type: 'sample'; readonly id: number; readonly request: ImageRequest };

export interface LoadInfo {
  readonly backend: Backend;
  readonly threads: number;
  /** Bytes of the model file. */
  readonly modelBytes: number;
  /** From the 'load' message to a warmed-up session (download, compile, one evaluation). */
  readonly seconds: number;
  /** Why WebGPU was detected but not used, if so. */
  readonly fallback?: string;
}

export type FromImagesWorker =
  | { readonly type: 'loaded'; readonly info: LoadInfo }
  | { readonly type: 'frame'; readonly id: number; readonly frame: Frame }
  /**
   * images [IMAGES·PIXELS]; seconds: the sampling run alone (every network evaluation and the sampler's
   * arithmetic, with the frames posted), from the request's arrival to the last step.
   */
  | { readonly type: 'done'; readonly id: number; readonly images: Float32Array; readonly seconds: number; readonly evaluations: number }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };
