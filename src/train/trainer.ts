/**
 * The training loop shared by every model: batches are drawn in TypeScript with the core's maths (data,
 * t ~ p(t), ε, z = αx + σε, the target of the chosen output, the weight w(λ)/p(λ)/mseWeight) and one ONNX
 * graph does forward, loss, gradients, clipping, AdamW and EMA. Seeded: the generator's state is part of
 * the training state, so a resumed run draws exactly the batches an uninterrupted one would.
 */
import { fromXEps } from '../core/outputs.js';
import { Rng } from '../core/rng.js';
import { scheduleByName, type Schedule } from '../core/schedule/index.js';
import { densityByName, outputLossWeight, weighting as makeWeighting, type TimeDensity, type Weighting } from '../core/training/index.js';
import { trainingTime } from '../core/timeRange.js';
import { DifflowError } from '../core/validate.js';
import type { Runtime, Session, TensorData } from '../engine/runtime.js';
import { buildTrainStep } from '../models/denoiserGraph.js';
import { flatten } from '../engine/params.js';
import { optimizerFeeds, optimizerOutputs, takeOptimizerOutputs } from '../engine/optimizer.js';
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

/** Everything a run needs to continue: flat [P] parameters, Adam moments and EMA, step, generator, losses. */
export interface TrainState {
  step: number;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  ema: Float32Array;
  rngState: Uint32Array;
  losses: number[];
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
  return { step: 0, params, m: new Float32Array(params.length), v: new Float32Array(params.length), ema: params.slice(), rngState: rng.state(), losses: [] };
}

/** An example's loss weight before normalisation: w(λ)/p(λ)/mseWeight at t kept inside [0, 1] (`trainingTime`). */
function rawLossWeight(config: TrainConfig, weighting: Weighting, density: TimeDensity, schedule: Schedule, t: number): number {
  const tc = trainingTime(t);
  return outputLossWeight(weighting, density, schedule, config.output, tc);
}

/**
 * The mean raw loss weight under p(t) (10,000 draws of a fixed generator), divided out so every recipe trains
 * at a comparable scale; the torch backend is handed the same number.
 */
export function lossWeightScale(config: TrainConfig): number {
  const schedule = scheduleByName(config.schedule);
  const weighting = makeWeighting(config.weighting, { bias: config.bias });
  const density = densityByName(config.density);
  const probe = Rng.seeded(12345);
  let sum = 0;
  for (let i = 0; i < 10_000; i++) sum += rawLossWeight(config, weighting, density, schedule, density.sampleT(probe, schedule));
  const scale = sum / 10_000;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new DifflowError(`the weighting '${config.weighting}' with density '${config.density}' and ` +
      `output '${config.output}' gives no finite loss weights on '${config.schedule}'`);
  }
  return scale;
}

export class Trainer {
  readonly net: Network;
  readonly schedule: Schedule;
  readonly dataset: Dataset;
  private readonly weighting: Weighting;
  private readonly density: TimeDensity;
  private readonly rng: Rng;
  /** Mean per-example weight under p(t), divided out so every recipe trains at a comparable scale. */
  private readonly weightScale: number;

  private constructor(readonly config: TrainConfig, readonly state: TrainState, private readonly session: Session, dataset: Dataset) {
    this.dataset = dataset;
    this.net = networkFor(config, this.dataset);
    if (this.net.classes !== undefined && !this.dataset.sampleLabelled) throw new DifflowError(`the ${config.model} model is class-conditional, but the data set '${dataset.name}' has no labels`);
    this.schedule = scheduleByName(config.schedule);
    this.weighting = makeWeighting(config.weighting, { bias: config.bias });
    this.density = densityByName(config.density);
    this.rng = Rng.fromState(state.rngState);
    this.weightScale = lossWeightScale(config);
  }

  /**
   * A trainer from a fresh or restored state; compiles the training-step graph once. `dataset` defaults to the
   * built-in one named by `config.data` (Node passes files through train/data.ts `dataByName`).
   */
  static async create(config: TrainConfig, runtime: Runtime, state?: TrainState, dataset: Dataset = builtinDataset(config.data)): Promise<Trainer> {
    const net = networkFor(config, dataset);
    const session = await trainStepSession(runtime, buildTrainStep(net, config.batch), { name: 'difflow-train-step', threads: config.threads, spinning: config.spinning });
    return new Trainer(config, state ?? freshState(config, net), session, dataset);
  }

  private rawWeight(t: number): number {
    return rawLossWeight(this.config, this.weighting, this.density, this.schedule, t);
  }

  /**
   * One batch: z [B·dim], t [B], target [B·dim], weight [B] and, for class-conditional networks, the one-hot
   * label [B·(K + 1)], each label replaced by the null class K with probability `labelDropout`.
   */
  private batch(): Record<'z' | 't' | 'target' | 'weight', Float32Array> & { label?: Float32Array } {
    const { batch: B } = this.config;
    const d = this.dataset.dim;
    const K = this.net.classes;
    let x: Float64Array;
    let label: Float32Array | undefined;
    if (K !== undefined && this.dataset.sampleLabelled) {
      const drawn = this.dataset.sampleLabelled(B, this.rng);
      x = drawn.x;
      label = new Float32Array(B * (K + 1));
      for (let b = 0; b < B; b++) label[b * (K + 1) + (this.rng.uniform() < this.config.labelDropout ? K : drawn.labels[b])] = 1;
    } else x = this.dataset.sample(B, this.rng);
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) throw new DifflowError(`the data set '${this.dataset.name}' produced a non-finite value (${x[i]}) at step ${this.state.step + 1}`);
    }
    const z = new Float32Array(B * d);
    const target = new Float32Array(B * d);
    const t = new Float32Array(B);
    const weight = new Float32Array(B);
    const eps = this.rng.normals(B * d);
    for (let b = 0; b < B; b++) {
      const tb = trainingTime(this.density.sampleT(this.rng, this.schedule));
      const alpha = this.schedule.alpha(tb);
      const sigma = this.schedule.sigma(tb);
      const xb = x.subarray(b * d, (b + 1) * d);
      const eb = eps.subarray(b * d, (b + 1) * d);
      const out = fromXEps(this.config.output, xb, eb, alpha, sigma);
      for (let j = 0; j < d; j++) {
        z[b * d + j] = alpha * xb[j] + sigma * eb[j];
        target[b * d + j] = out[j];
      }
      t[b] = tb;
      weight[b] = this.rawWeight(tb) / this.weightScale;
    }
    return { z, t, target, weight, label };
  }

  /** Runs one optimisation step; returns its loss (before the update) and gradient norm. */
  async step(): Promise<{ loss: number; gradNorm: number }> {
    const { config, state, net } = this;
    const k = state.step + 1;
    const lr = learningRate(k, config);
    const { z, t, target, weight, label } = this.batch();
    const B = config.batch;
    const d = net.dim;
    const feeds: Record<string, TensorData> = {
      ...optimizerFeeds(state, k, { lr, eps: config.eps, weightDecay: config.weightDecay, emaDecay: config.emaDecay }),
      z: { data: z, dims: [B, d] }, t: { data: t, dims: [B, 1] }, target: { data: target, dims: [B, d] }, weight: { data: weight, dims: [B, 1] },
    };
    if (label) feeds.label = { data: label, dims: [B, label.length / B] };
    const out = await this.session.run(feeds);
    const { loss, gradNorm } = optimizerOutputs(out);
    if (!Number.isFinite(loss)) throw new DifflowError(`training diverged at step ${k}: the loss is ${loss}; lower --lr or check the data`);
    takeOptimizerOutputs(state, out);
    state.step = k;
    state.losses.push(loss);
    state.rngState = this.rng.state();
    return { loss, gradNorm };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
