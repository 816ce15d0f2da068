/**
 * What the page exposes to tests (Playwright reads `window.__difflow`): the numbers each panel plots, so
 * tests assert on data, not on pixels. Every panel keeps its entry up to date after each recomputation.
 */
import type { ImagesHooks } from './images/hooks.js';

export interface DifflowHooks {
  ready: boolean;
  panels: {
    twoSides?: {
      theta: number;
      variance: number;
      steps: number;
      ends: { exact: number[]; ddim: number[]; euler: number[] };
      /** The largest relative end-point error, |z₀ − exact| / |exact| (the zoom chart's title). */
      miss: { ddim: number; euler: number };
    };
    samplers?: {
      schedule: string;
      output: string;
      steps: number;
      /** The time scrubber: 0 = the noise, 1 = the samples. */
      progress: number;
      done: boolean;
      /** Per sampler shown: denoiser calls, RMS distance to the exact ODE answer (NaN when stochastic), spread around the modes. */
      runs: { sampler: string; deterministic: boolean; nfe: number; rmsToExact: number; spread: number }[];
    };
    weightings?: {
      bias: number;
      lambda: number[];
      curves: { name: string; w: number[] }[];
      /** The implied-weighting chart: the named weighting closest to it and the mean absolute difference. */
      implied?: { schedule: string; output: string; closest: string; distance: number };
    };
    /** weights: of each step's v̂ in the final sample; start: the weight left on the starting noise z₁. */
    churn?: { churn: number; weights: number[]; start: number };
    images?: ImagesHooks;
    train?: {
      /** ONNX Runtime is compiled and warmed up in the worker (it starts on the first interaction with the panel). */
      ready: boolean;
      running: boolean;
      step: number;
      losses: number[];
      stepsPerSecond: number;
      samples: number[];
      /** The training step of the model that drew `samples`. */
      samplesStep: number;
      /** How the last run ended: 'finished' (all its steps), 'stopped' (by the user) or 'error'; '' while none has. */
      outcome: '' | 'finished' | 'stopped' | 'error';
      /** Wall-clock seconds of the last run, from its first step to its end. */
      seconds: number;
      /** For the checkerboard: the fraction of `samples` on its black squares (NaN for other data). */
      onSquares: number;
      /** Longest main-thread task seen while training (ms), from a PerformanceObserver('longtask'). */
      longestTaskMs: number;
    };
  };
  /** A fixed, seeded sampler run (DDPM, 10 steps, 64 points of the 8-Gaussian ring, seed 7) for Node/browser parity. */
  parity(): Promise<number[]>;
}

declare global {
  interface Window {
    __difflow: DifflowHooks;
  }
}

export function hooks(): DifflowHooks {
  if (!window.__difflow) window.__difflow = { ready: false, panels: {}, parity: async () => [] };
  return window.__difflow;
}
