/**
 * The worker's model-side helpers: the training configuration from the panel's settings, sampling with the
 * current EMA weights (a forward graph whose parameters are inputs, so one compiled session serves every
 * request while the weights change), and the two downloads. Browser-safe: pure modules and a Runtime only.
 */
import {
  SAMPLERS,
  denoiserFromModel,
  priorSample,
  rng,
  samplingGrid,
  type Denoiser,
  type OutputKind,
  type Schedule,
} from '../../../src/core/index.js';
import { builtinDataset, pointDataset, type Dataset } from '../../../src/data/datasets.js';
import { toOnnx } from '../../../src/engine/onnx.js';
import type { Runtime, Session } from '../../../src/engine/runtime.js';
import { buildForward } from '../../../src/models/denoiserGraph.js';
import { unflatten } from '../../../src/engine/params.js';
import { encodeSafetensors, type SafetensorsTensor } from '../../../src/io/safetensors.js';
import type { Network } from '../../../src/models/network.js';
import { makeConfig, type Trainer, type TrainConfig, type TrainState } from '../../../src/training/index.js';
import type { ExportFormat, SampleRequest, TrainSettings } from './protocol.js';

/** The library's TrainConfig for the panel's settings; drawn points train as the data set 'points'. */
export function trainConfig(settings: TrainSettings, threads: number): TrainConfig {
  const { data, ...rest } = settings;
  const config = makeConfig({
    ...rest,
    data: data === 'draw' ? 'moons' : data,
    warmup: Math.min(100, Math.floor(settings.steps / 10)),
    threads,
  });
  return data === 'draw' ? { ...config, data: 'points' } : config;
}

export function datasetFor(settings: TrainSettings, points: Float64Array | undefined): Dataset {
  if (settings.data !== 'draw') return builtinDataset(settings.data);
  return pointDataset(points ?? new Float64Array(0));
}

/** Forward sessions (z [B, dim], t [B, 1] and every parameter as inputs → out [B, dim]), one per batch size. */
export class ForwardSessions {
  private readonly sessions = new Map<number, Promise<Session>>();

  constructor(
    private readonly net: Network,
    private readonly runtime: Runtime,
    private readonly threads: number,
  ) {}

  session(batch: number): Promise<Session> {
    let s = this.sessions.get(batch);
    if (!s) {
      s = this.runtime.createSession(toOnnx(buildForward(this.net, batch), { name: 'difflow-forward' }), { threads: this.threads });
      this.sessions.set(batch, s);
    }
    return s;
  }

  /** The network with flat parameters `flat` [P] as the core's denoiser. */
  denoiser(flat: Float32Array, kind: OutputKind, schedule: Schedule): Denoiser {
    const { net } = this;
    const weights = unflatten(net, flat);
    const model = async (z: Float64Array, t: number): Promise<Float64Array> => {
      const batch = z.length / net.dim;
      const session = await this.session(batch);
      const feeds: Record<string, { data: Float32Array; dims: readonly number[] }> = {
        z: { data: Float32Array.from(z), dims: [batch, net.dim] },
        t: { data: new Float32Array(batch).fill(t), dims: [batch, 1] },
      };
      for (const p of net.params) feeds[p.name] = { data: weights[p.name], dims: p.shape };
      const out = await session.run(feeds);
      return Float64Array.from(out.out.data);
    };
    return denoiserFromModel(model, kind, schedule);
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await (await s).release();
    this.sessions.clear();
  }
}

/** Samples [n·2] from a state's EMA weights (states are never changed by training, so no copy is needed). */
export async function sampleEma(
  trainer: Trainer,
  state: TrainState,
  sessions: ForwardSessions,
  request: SampleRequest,
): Promise<Float64Array> {
  const { config, schedule, net } = trainer;
  const denoiser = sessions.denoiser(state.ema, config.output, schedule);
  const z1 = priorSample(schedule, request.n, net.dim, rng(request.seed));
  const grid = samplingGrid(request.grid, schedule, config.output, request.steps);
  return SAMPLERS[request.sampler](denoiser, z1, grid, { rng: rng(request.seed + 1) });
}

/** Grid points per side of the velocity-field arrows. */
export const FIELD_GRID = 15;

/**
 * The learned probability-flow velocity at time t on a FIELD_GRID² grid over [−3, 3]²: points [K·2] and
 * dz/dt = α'(t)·x̂ + σ'(t)·ε̂ there [K·2], from a state's EMA weights.
 */
export async function velocityField(
  trainer: Trainer,
  state: TrainState,
  sessions: ForwardSessions,
  t: number,
): Promise<{ points: Float64Array; velocity: Float64Array }> {
  const { config, schedule } = trainer;
  const points = new Float64Array(2 * FIELD_GRID * FIELD_GRID);
  for (let i = 0; i < FIELD_GRID; i++) {
    for (let j = 0; j < FIELD_GRID; j++) {
      const k = 2 * (i * FIELD_GRID + j);
      points[k] = -3 + (6 * j) / (FIELD_GRID - 1);
      points[k + 1] = -3 + (6 * i) / (FIELD_GRID - 1);
    }
  }
  const { x, eps } = await sessions.denoiser(state.ema, config.output, schedule).denoise(points, t);
  const [dAlpha, dSigma] = [schedule.dAlpha(t), schedule.dSigma(t)];
  return { points, velocity: x.map((xi, i) => dAlpha * xi + dSigma * eps[i]) };
}

function describe(config: TrainConfig, net: Network): string {
  return (
    `difflow denoiser: inputs z [batch, ${net.dim}] and t [batch, 1] (t = 0 data, t = 1 noise); ` +
    `output 'out' is the ${config.output} prediction on the '${config.schedule}' schedule.`
  );
}

/** The EMA weights as a download: safetensors (one F32 tensor per parameter) or a standalone ONNX denoiser. */
export function exportModel(trainer: Trainer, state: TrainState, format: ExportFormat): { bytes: Uint8Array; filename: string } {
  const { config, net } = trainer;
  const weights = unflatten(net, state.ema);
  const metadata = {
    format: 'difflow',
    output: config.output,
    schedule: config.schedule,
    step: String(state.step),
    time: 't in [0, 1], 0 = data, 1 = noise',
    network: JSON.stringify(net.describe),
    config: JSON.stringify(config),
  };
  const stem = `difflow-${config.data}-${config.schedule}-${config.output}-${state.step}`;
  if (format === 'onnx') {
    const bytes = toOnnx(buildForward(net, 1, weights), {
      name: 'difflow-denoiser',
      batchDim: 'batch',
      docString: describe(config, net),
      metadata,
    });
    return { bytes, filename: `${stem}.onnx` };
  }
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const p of net.params) tensors[p.name] = { dtype: 'F32', shape: p.shape, data: weights[p.name] };
  return { bytes: encodeSafetensors(tensors, metadata), filename: `${stem}.safetensors` };
}
