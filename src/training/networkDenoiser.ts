/**
 * A trained network as the core's denoiser: its forward graph is compiled with the weights baked in
 * (ONNX Runtime pre-packs constant weights), one session per batch size, reused across steps; every
 * sampler then works with it unchanged.
 *
 * Class-conditional networks take one label per sample (K = the null class) and a classifier-free guidance
 * scale w (Ho & Salimans 2022): out = out(z, ∅) + w·(out(z, c) − out(z, ∅)) in one doubled batch (guidance.ts,
 * shared with the web page), the same as the core's `guided` on x̂ and ε̂ (ε, x, v and u are affine in each
 * other at fixed z and t); w = 1 is the conditional model, w = 0 the unconditional one.
 */
import { denoiserFromModel, type Denoiser } from '../core/denoiser.js';
import type { OutputKind } from '../core/outputs.js';
import type { Schedule } from '../core/schedule/index.js';
import { DifflowError, checkBatch, checkFinite } from '../core/validate.js';
import { toOnnx } from '../engine/onnx.js';
import type { Runtime, RuntimeOptions, Session } from '../engine/runtime.js';
import { buildForward } from '../models/denoiserGraph.js';
import type { Network } from '../models/network.js';
import { denoiserFeeds, guidedModel } from './guidance.js';
import type { Weights } from './trainer.js';

export interface NetworkDenoiser extends Denoiser {
  /** Releases the ONNX Runtime sessions. */
  release(): Promise<void>;
}

export interface ConditioningOptions {
  /** Class-conditional networks: the label of each sample, 0 … K − 1, or K for none (unconditional). */
  readonly labels?: Int32Array;
  /** Classifier-free guidance scale w (default 1: the conditional model alone). */
  readonly guidance?: number;
  /** Largest batch sent to ONNX Runtime at once (memory); bigger inputs are split. Default 256. */
  readonly chunk?: number;
}

export function networkDenoiser(
  net: Network,
  weights: Weights,
  kind: OutputKind,
  schedule: Schedule,
  runtime: Runtime,
  options: RuntimeOptions & ConditioningOptions = {},
): NetworkDenoiser {
  const { labels, guidance = 1, chunk = 256, ...runtimeOptions } = options;
  const K = net.classes;
  checkFinite('guidance', guidance);
  if (K !== undefined && !labels)
    throw new DifflowError('this network is class-conditional: give a label per sample (or the null class for none)');
  if (K === undefined && labels) throw new DifflowError('labels were given, but this network is not class-conditional');
  if (labels) {
    const bad = labels.findIndex((l) => !(Number.isInteger(l) && l >= 0 && l <= K!));
    if (bad >= 0) throw new DifflowError(`label ${bad} is ${labels[bad]}; labels must be 0 … ${K! - 1}, or ${K} for none`);
  }
  const sessions = new Map<number, Promise<Session>>();
  const sessionFor = (batch: number) => {
    let s = sessions.get(batch);
    if (!s) {
      s = runtime.createSession(toOnnx(buildForward(net, batch, weights), { name: 'difflow-denoiser' }), runtimeOptions);
      sessions.set(batch, s);
    }
    return s;
  };
  /** The raw network output for rows of z with the given labels, in chunks. */
  const forward = async (z: Float64Array, t: number, rows?: Int32Array): Promise<Float64Array> => {
    const d = net.dim;
    const n = z.length / d;
    const out = new Float64Array(n * d);
    for (let start = 0; start < n; start += chunk) {
      const b = Math.min(chunk, n - start);
      const feeds = denoiserFeeds(z.subarray(start * d, (start + b) * d), t, d, rows?.subarray(start, start + b), K);
      const result = await (await sessionFor(b)).run(feeds);
      out.set(result.out.data, start * d);
    }
    return out;
  };
  const guided = labels && guidedModel(forward, labels, K!, guidance);
  const model = async (z: Float64Array, t: number): Promise<Float64Array> => {
    const n = checkBatch('z', z, net.dim);
    if (labels && labels.length !== n) throw new DifflowError(`${labels.length} labels for a batch of ${n} samples`);
    if (!guided || guidance === 1) return forward(z, t, labels);
    if (guidance === 0) return forward(z, t, new Int32Array(n).fill(K!));
    return guided(z, t);
  };
  const denoiser = denoiserFromModel(model, kind, schedule);
  return {
    schedule,
    denoise: denoiser.denoise,
    async release() {
      for (const s of sessions.values()) await (await s).release();
      sessions.clear();
    },
  };
}
