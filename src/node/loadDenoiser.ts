/** difflow's own training runs as denoisers in one call: checkpoint → config, network, weights, schedule. */
import type { Schedule } from '../core/schedule/index.js';
import { scheduleByName } from '../core/schedule/index.js';
import { nodeRuntime } from '../engine/ortNode.js';
import type { Runtime, RuntimeOptions } from '../engine/runtime.js';
import { unflatten } from '../engine/params.js';
import type { Network } from '../models/network.js';
import { loadTrainState } from './checkpointing.js';
import type { TrainConfig } from '../training/config.js';
import { dataShape } from './data.js';
import { networkDenoiser, type ConditioningOptions, type NetworkDenoiser } from '../training/networkDenoiser.js';
import { networkFor, type TrainState, type Weights } from '../training/trainer.js';

export interface LoadOptions {
  /** The EMA weights (default) or the raw ones. */
  readonly ema?: boolean;
}

/** A training run read for sampling: its parts and a denoiser factory. */
export interface LoadedRun {
  readonly runDir: string;
  readonly config: TrainConfig;
  readonly state: TrainState;
  readonly net: Network;
  readonly schedule: Schedule;
  readonly weights: Weights;
  /** Class names of a class-conditional run (label i is classNames[i]); empty otherwise. */
  readonly classNames: readonly string[];
  /** The trained network as a denoiser on its schedule, with labels and guidance where it is class-conditional. */
  toDenoiser(options?: RuntimeOptions & ConditioningOptions & { readonly runtime?: Runtime }): NetworkDenoiser;
}

export function loadRun(runDir: string, options: LoadOptions = {}): LoadedRun {
  const { config, state } = loadTrainState(runDir);
  const shape = dataShape(config.data);
  const net = networkFor(config, shape);
  const schedule = scheduleByName(config.schedule);
  const weights = unflatten(net, options.ema === false ? state.params : state.ema);
  return {
    runDir,
    config,
    state,
    net,
    schedule,
    weights,
    classNames: shape.classes ?? [],
    toDenoiser: ({ runtime = nodeRuntime, ...rest } = {}) => networkDenoiser(net, weights, config.output, schedule, runtime, rest),
  };
}

/**
 * The trained model of a run folder as a denoiser for any sampler, e.g.
 * `await dpmpp2m(loadDenoiser('run'), priorSample(…), uniformT(20))`; `labels` and `guidance` for
 * class-conditional runs; release() it when done.
 */
export function loadDenoiser(
  runDir: string,
  options: LoadOptions & RuntimeOptions & ConditioningOptions & { readonly runtime?: Runtime } = {},
): NetworkDenoiser {
  const { ema, ...rest } = options;
  return loadRun(runDir, { ema }).toDenoiser(rest);
}
