/** A trained run folder loaded for sampling: its parts, its training data and a denoiser factory. */
import {
  SAMPLERS,
  priorSample,
  rng,
  samplingGrid,
  type AnySamplerOptions,
  type GridName,
  type SamplerName,
  type TimeGrid,
} from '../core/index.js';
import { dataForRun, type Dataset } from '../node/data.js';
import { loadRun, type LoadedRun } from '../node/loadDenoiser.js';
import type { ConditioningOptions, NetworkDenoiser } from '../training/networkDenoiser.js';
import { derivedRng } from './seeds.js';

/** A trained run loaded for sampling: its parts (loadRun), the training data and a denoiser factory. */
export interface LoadedModel extends LoadedRun {
  /** The training data (read on first use). */
  readonly dataset: Dataset;
  /** A denoiser with the given labels and guidance (class-conditional networks need labels). */
  makeDenoiser(conditioning?: ConditioningOptions): NetworkDenoiser;
  /** The unconditional denoiser of a 2-D model. */
  readonly denoiser: NetworkDenoiser;
}

/** Loads a run folder with its EMA (or raw) weights; its denoisers use `threads` ONNX Runtime threads (default: every core). */
export function loadModel(runDir: string, useEma = true, threads?: number): LoadedModel {
  const run = loadRun(runDir, { ema: useEma });
  // Sampling and evaluation spin ONNX Runtime's threads when the machine is otherwise idle, as training does.
  const makeDenoiser = (conditioning: ConditioningOptions = {}) => run.toDenoiser({ spinning: 'auto', threads, ...conditioning });
  let dataset: Dataset | undefined;
  let denoiser: NetworkDenoiser | undefined;
  return {
    ...run,
    makeDenoiser,
    get dataset() {
      dataset ??= dataForRun(run.config, runDir);
      return dataset;
    },
    get denoiser() {
      denoiser ??= makeDenoiser();
      return denoiser;
    },
  };
}

/** The sampling grid for a loaded model (see core `samplingGrid`). */
export function gridFor(name: GridName, model: LoadedModel, steps: number): TimeGrid {
  return samplingGrid(name, model.schedule, model.config.output, steps);
}

export async function sampleModel(
  model: LoadedModel,
  sampler: SamplerName,
  steps: number,
  grid: GridName,
  n: number,
  seed: number,
  options: AnySamplerOptions = {},
): Promise<Float64Array> {
  const z1 = priorSample(model.schedule, n, model.dataset.dim, rng(seed));
  return SAMPLERS[sampler](model.denoiser, z1, gridFor(grid, model, steps), { rng: derivedRng(seed, 1), ...options });
}
