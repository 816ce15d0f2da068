/**
 * The training step shared by every model and every place that trains (the Node loop, the web page's worker):
 * the batch is the core's `trainingBatch` (data, t ~ p(t), ε, z = αx + σε, the target of the chosen output,
 * the weight w(λ)/p(λ)/mseWeight over the recipe's `meanLossWeight`) and one ONNX graph does forward, loss,
 * gradients, clipping, AdamW and EMA. A step maps a state to the next one: the generator's state is part of
 * the training state, so a resumed run draws exactly the batches an uninterrupted one would. Browser-safe.
 */
import { Rng } from '../core/rng.js';
import { scheduleByName, type Schedule } from '../core/schedule/index.js';
import {
  densityByName,
  meanLossWeight,
  trainingBatch,
  weighting as makeWeighting,
  type BatchRecipe,
  type LossRecipe,
} from '../core/training/index.js';
import { DifflowError } from '../core/validate.js';
import type { Runtime, Session, TensorData } from '../engine/runtime.js';
import { buildTrainStep } from '../models/denoiserGraph.js';
import { flatten } from '../engine/params.js';
import { optimizerFeeds, optimizerOutputs } from '../engine/optimizer.js';
import { trainStepSession } from '../engine/trainSession.js';
import { dit } from '../models/dit.js';
import { mlp } from '../models/mlp.js';
import { unet } from '../models/unet.js';
import { initParams, type Network } from '../models/network.js';
import type { TrainConfig } from './config.js';
import { learningRate } from './learningRate.js';
import { builtinDataset, type Dataset } from '../data/datasets.js';

/** Parameters keyed by name (views into a flat vector: see engine/params.ts `unflatten`). */
export type Weights = Record<string, Float32Array>;

/**
 * Everything a run needs to continue: flat [P] parameters, Adam moments and EMA, step, generator, losses.
 * A step never changes a state: it returns the next one (`Trainer.step`).
 */
export interface TrainState {
  readonly step: number;
  readonly params: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly ema: Float32Array;
  readonly rngState: Uint32Array;
  readonly losses: readonly number[];
}

/** What a network needs to know about its data: the dimension and, for labelled data, the classes. */
export interface DataShape {
  readonly dim: number;
  readonly classes?: readonly string[];
}

/** The network a configuration describes, for data of the given shape. */
export function networkFor(config: TrainConfig, data: DataShape): Network {
  const classes = data.classes?.length;
  if (config.model === 'unet') return unet({ classes, channels: config.hidden });
  if (config.model === 'dit') return dit({ classes, width: config.hidden, depth: config.layers });
  return mlp({ dim: data.dim, hidden: config.hidden, layers: config.layers, fourier: config.fourier });
}

export function freshState(config: TrainConfig, net: Network): TrainState {
  const rng = Rng.seeded(config.seed);
  const params = flatten(net, initParams(net, rng.split()));
  return {
    step: 0,
    params,
    m: new Float32Array(params.length),
    v: new Float32Array(params.length),
    ema: params.slice(),
    rngState: rng.state(),
    losses: [],
  };
}

/** The loss recipe a configuration names: its schedule, output kind, weighting w(λ) and time density p(t). */
export function lossRecipe(config: TrainConfig): LossRecipe {
  return {
    schedule: scheduleByName(config.schedule),
    output: config.output,
    weighting: makeWeighting(config.weighting, { bias: config.bias }),
    density: densityByName(config.density),
  };
}

/**
 * The configuration's weight normaliser, `meanLossWeight` of its loss recipe (10,000 seeded draws of p(t));
 * the torch backend is handed the same number.
 */
export function lossWeightScale(config: TrainConfig): number {
  return meanLossWeight(lossRecipe(config));
}

/** The batch recipe of a configuration for a network with `classes` classes (or none). */
export function batchRecipe(config: TrainConfig, classes: number | undefined): BatchRecipe {
  const loss = lossRecipe(config);
  return { ...loss, batch: config.batch, weightScale: meanLossWeight(loss), classes, labelDropout: config.labelDropout };
}

/** One step's result: the next state, and the loss (before the update) and gradient norm of its batch. */
export interface StepResult {
  readonly state: TrainState;
  readonly loss: number;
  readonly gradNorm: number;
}

/**
 * A configuration's training step, compiled once for a network and a data set: `step(state)` returns the next
 * state and leaves the one it was given unchanged, so a caller holds the only copy of its run's state.
 */
export class Trainer {
  readonly schedule: Schedule;
  readonly recipe: BatchRecipe;

  private constructor(
    readonly config: TrainConfig,
    readonly net: Network,
    readonly dataset: Dataset,
    private readonly session: Session,
  ) {
    this.recipe = batchRecipe(config, net.classes);
    this.schedule = this.recipe.schedule;
  }

  /**
   * Compiles the training-step graph of `config` for `dataset`, which defaults to the built-in one named by
   * `config.data` (Node passes files through node/data.ts `dataForRun`).
   */
  static async create(config: TrainConfig, runtime: Runtime, dataset: Dataset = builtinDataset(config.data)): Promise<Trainer> {
    const net = networkFor(config, dataset);
    const session = await trainStepSession(runtime, buildTrainStep(net, config.batch), {
      name: 'difflow-train-step',
      threads: config.threads,
      spinning: config.spinning,
    });
    return new Trainer(config, net, dataset, session);
  }

  /** The state of a new run: initial parameters from the configuration's seed. */
  freshState(): TrainState {
    return freshState(this.config, this.net);
  }

  /** Runs one optimisation step from `state`; returns the next state, the loss (before the update) and gradient norm. */
  async step(state: TrainState): Promise<StepResult> {
    const { config, net } = this;
    const k = state.step + 1;
    const rng = Rng.fromState(state.rngState);
    const { z, t, target, weight, label } = trainingBatch(this.recipe, this.dataset, rng);
    const B = config.batch;
    const d = net.dim;
    const feeds: Record<string, TensorData> = {
      ...optimizerFeeds(state, k, {
        lr: learningRate(k, config),
        eps: config.eps,
        weightDecay: config.weightDecay,
        emaDecay: config.emaDecay,
      }),
      z: { data: z, dims: [B, d] },
      t: { data: t, dims: [B, 1] },
      target: { data: target, dims: [B, d] },
      weight: { data: weight, dims: [B, 1] },
    };
    if (label) feeds.label = { data: label, dims: [B, label.length / B] };
    const out = await this.session.run(feeds);
    const { state: next, loss, gradNorm } = optimizerOutputs(out);
    if (!Number.isFinite(loss)) throw new DifflowError(`training diverged at step ${k}: the loss is ${loss}; lower --lr or check the data`);
    return { state: { ...next, step: k, rngState: rng.state(), losses: [...state.losses, loss] }, loss, gradNorm };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
