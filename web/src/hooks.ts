/**
 * What the page exposes to tests (Playwright reads `window.__difflow`): the numbers each panel plots, so
 * tests assert on data, not on pixels. Every panel keeps its entry up to date after each recomputation.
 */
import type { ImagesHooks } from './images/hooks.js';

export interface DifflowHooks {
  ready: boolean;
  panels: {
    twoSides?: { theta: number; variance: number; steps: number; ends: { exact: number[]; ddim: number[]; euler: number[] } };
    samplers?: { schedule: string; output: string; sampler: string; steps: number; nfe: number; error: number; frames: number; done: boolean };
    weightings?: { bias: number; lambda: number[]; curves: { name: string; w: number[] }[] };
    churn?: { churn: number; weights: number[] };
    images?: ImagesHooks;
    train?: {
      /** ONNX Runtime is compiled and warmed up in the worker (it starts on the first interaction with the panel). */
      ready: boolean;
      running: boolean;
      step: number;
      losses: number[];
      stepsPerSecond: number;
      samples: number[];
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
