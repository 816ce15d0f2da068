/**
 * The messages between the training panel (UI thread) and its worker. Everything the worker does with ONNX
 * Runtime — training steps, sampling with the EMA weights, export — happens there; the UI thread only draws.
 */
import type { GridName, OutputKind, SamplerName, ScheduleName, WeightingName, DensityName } from '../../../src/core/index.js';
import type { BuiltinData } from '../../../src/data/datasets.js';
import type { LrScheduleName } from '../../../src/training/index.js';

/** What the panel's controls choose: the recipe (schedule × output × weighting × p(t)), the network and the optimiser. */
export interface TrainSettings {
  readonly data: BuiltinData | 'draw';
  readonly schedule: ScheduleName;
  readonly output: OutputKind;
  readonly weighting: WeightingName;
  readonly density: DensityName;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly hidden: number;
  readonly layers: number;
  /** Fourier-feature frequencies of z (src/models/mlp.ts). */
  readonly fourier: number;
  readonly lrSchedule: LrScheduleName;
  readonly seed: number;
}

export interface SampleRequest {
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly grid: GridName;
  /** Number of points. */
  readonly n: number;
  readonly seed: number;
  /** Width (px) of the chart the worker draws. */
  readonly width: number;
  /** The time t at which the learned velocity field is drawn as arrows over the samples; 0: no arrows. */
  readonly field: number;
}

export type ExportFormat = 'safetensors' | 'onnx';

export type ToWorker =
  /**
   * Starts ONNX Runtime ahead of the first run: downloads and compiles its WebAssembly, then trains and samples
   * the model of `settings` for a moment (a 'ready' message follows), so that the browser's optimising
   * compiler has done its work before the user presses Train.
   */
  | { readonly type: 'warm'; readonly settings: TrainSettings; readonly sample: SampleRequest }
  /** A fresh run; `points` [N·2] when settings.data is 'draw'. Stops a run in progress first. */
  | { readonly type: 'start'; readonly settings: TrainSettings; readonly points?: Float64Array }
  /** Trains the current model for `steps` more steps. */
  | { readonly type: 'continue'; readonly steps: number }
  | { readonly type: 'stop' }
  | { readonly type: 'sample'; readonly id: number; readonly request: SampleRequest }
  | { readonly type: 'export'; readonly id: number; readonly format: ExportFormat };

export type FromWorker =
  /** ONNX Runtime is compiled and warmed up (or a run started before it finished). */
  | { readonly type: 'ready' }
  | { readonly type: 'started'; readonly runtime: string; readonly threads: number; readonly parameters: number; readonly target: number }
  /** Losses of the steps since the previous message (so the panel holds every loss). */
  | { readonly type: 'progress'; readonly step: number; readonly losses: Float64Array; readonly stepsPerSecond: number }
  | { readonly type: 'stopped'; readonly step: number; readonly reason: 'done' | 'stopped' | 'error' }
  /**
   * samples [n·2], drawn with the EMA weights after `step` steps, and their scatter chart over the data as SVG
   * (built here, so that the UI thread only inserts it).
   */
  | {
      readonly type: 'samples';
      readonly id: number;
      readonly step: number;
      readonly samples: Float64Array;
      readonly svg: string;
      readonly seconds: number;
      readonly request: SampleRequest;
    }
  | { readonly type: 'exported'; readonly id: number; readonly bytes: Uint8Array; readonly filename: string }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };
