/**
 * A trained network as the core's denoiser: its forward graph is compiled with the weights baked in
 * (ONNX Runtime pre-packs constant weights), one session per batch size, reused across steps; every
 * sampler then works with it unchanged.
 */
import { denoiserFromModel, type Denoiser } from '../core/denoiser.js';
import type { OutputKind } from '../core/outputs.js';
import type { Schedule } from '../core/schedule/index.js';
import { checkBatch } from '../core/validate.js';
import { toOnnx } from '../engine/onnx.js';
import type { Runtime, RuntimeOptions, Session } from '../engine/runtime.js';
import { buildForward } from '../engine/trainStep.js';
import type { Network } from '../models/network.js';
import type { Weights } from './trainer.js';

export interface NetworkDenoiser extends Denoiser {
  /** Releases the ONNX Runtime sessions. */
  release(): Promise<void>;
}

export function networkDenoiser(
  net: Network,
  weights: Weights,
  kind: OutputKind,
  schedule: Schedule,
  runtime: Runtime,
  options: RuntimeOptions = {},
): NetworkDenoiser {
  const sessions = new Map<number, Promise<Session>>();
  const sessionFor = (batch: number) => {
    let s = sessions.get(batch);
    if (!s) {
      s = runtime.createSession(toOnnx(buildForward(net, batch, weights), { name: 'difflow-denoiser' }), options);
      sessions.set(batch, s);
    }
    return s;
  };
  const model = async (z: Float64Array, t: number): Promise<Float64Array> => {
    const batch = checkBatch('z', z, net.dim);
    const session = await sessionFor(batch);
    const out = await session.run({
      z: { data: Float32Array.from(z), dims: [batch, net.dim] },
      t: { data: new Float32Array(batch).fill(t), dims: [batch, 1] },
    });
    return Float64Array.from(out.out.data);
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
