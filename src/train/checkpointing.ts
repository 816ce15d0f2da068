/**
 * Training state ↔ checkpoint file (safetensors): parameters, Adam moments, EMA, step, generator state,
 * loss history and the full config. Written atomically with a checksum by io/checkpoint.ts.
 */
import { join } from 'node:path';
import { DifflowError } from '../core/validate.js';
import { readCheckpoint, writeCheckpoint } from '../io/checkpoint.js';
import type { SafetensorsTensor } from '../io/safetensors.js';
import { makeConfig, type TrainConfig } from './config.js';
import { flatten, unflatten } from '../engine/trainStep.js';
import { networkFor, type TrainState } from './trainer.js';
import { dataShape } from './data.js';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const FORMAT = 'difflow-train-1';

export function checkpointPath(runDir: string): string {
  return join(runDir, CHECKPOINT_FILE);
}

export function saveTrainState(runDir: string, config: TrainConfig, state: TrainState): void {
  const tensors: Record<string, SafetensorsTensor> = {};
  const net = networkFor(config, dataShape(config.data));
  const add = (prefix: string, flat: Float32Array) => {
    for (const [name, data] of Object.entries(unflatten(net, flat))) tensors[`${prefix}${name}`] = { dtype: 'F32', shape: [data.length], data };
  };
  add('param.', state.params);
  add('m.', state.m);
  add('v.', state.v);
  add('ema.', state.ema);
  tensors.rng = { dtype: 'U32', shape: [state.rngState.length], data: state.rngState };
  tensors.losses = { dtype: 'F32', shape: [state.losses.length], data: Float32Array.from(state.losses) };
  writeCheckpoint(checkpointPath(runDir), {
    tensors,
    metadata: { format: FORMAT, step: String(state.step), config: JSON.stringify(config) },
  });
}

/** Reads a run's checkpoint; refuses files of another format or whose shapes do not fit the config. */
export function loadTrainState(runDir: string): { config: TrainConfig; state: TrainState } {
  const path = checkpointPath(runDir);
  const { tensors, metadata } = readCheckpoint(path);
  if (metadata.format !== FORMAT) throw new DifflowError(`${path} is not a difflow training checkpoint (format '${metadata.format}')`);
  const config = makeConfig(JSON.parse(metadata.config) as Partial<TrainConfig>);
  const net = networkFor(config, dataShape(config.data));
  const take = (prefix: string): Float32Array =>
    flatten(net, Object.fromEntries(net.params.map((p) => {
      const t = tensors[`${prefix}${p.name}`];
      const n = p.shape.reduce((a, b) => a * b, 1);
      if (!t || t.dtype !== 'F32' || t.data.length !== n) throw new DifflowError(`${path}: tensor '${prefix}${p.name}' is missing or has the wrong size`);
      return [p.name, t.data as Float32Array];
    })));
  const rng = tensors.rng;
  const losses = tensors.losses;
  if (!rng || rng.dtype !== 'U32' || !losses || losses.dtype !== 'F32') throw new DifflowError(`${path}: the generator state or loss history is missing`);
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step !== losses.data.length) throw new DifflowError(`${path}: step ${metadata.step} does not match the loss history`);
  return {
    config,
    state: { step, params: take('param.'), m: take('m.'), v: take('v.'), ema: take('ema.'), rngState: rng.data as Uint32Array, losses: Array.from(losses.data as Float32Array) },
  };
}
