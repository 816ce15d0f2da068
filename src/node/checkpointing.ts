/**
 * Training state ↔ checkpoint file (safetensors): parameters, Adam moments, EMA, step, generator state,
 * loss history and the full config. Written atomically with a checksum by io/checkpoint.ts.
 */
import { join } from 'node:path';
import { DifflowError } from '../core/validate.js';
import { readCheckpoint, writeCheckpoint } from '../io/checkpoint.js';
import type { SafetensorsTensor } from '../io/safetensors.js';
import { makeConfig, type TrainConfig } from '../training/config.js';
import { flatten, unflatten } from '../engine/params.js';
import { networkFor, type TrainState } from '../training/trainer.js';
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
    for (const [name, data] of Object.entries(unflatten(net, flat)))
      tensors[`${prefix}${name}`] = { dtype: 'F32', shape: [data.length], data };
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

/** What is wrong with a state's numbers (a non-finite value, a negative second moment), or undefined. */
export function badStatePart(state: TrainState): string | undefined {
  const parts: [string, Float32Array][] = [
    ['parameters', state.params],
    ['EMA weights', state.ema],
    ["Adam's first moment", state.m],
    ["Adam's second moment", state.v],
  ];
  for (const [name, values] of parts) {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return `non-finite ${name}: entry ${i} is ${values[i]}`;
  }
  const negative = state.v.findIndex((x) => x < 0);
  return negative >= 0 ? `negative Adam's second moment: entry ${negative} is ${state.v[negative]}` : undefined;
}

/** The config stored in a checkpoint, validated like the command line's (forged JSON is refused). */
function storedConfig(path: string, text: string | undefined): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    throw new DifflowError(`${path}: its config is not JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DifflowError(`${path}: its config is not a JSON object`);
  try {
    return makeConfig(raw as Partial<TrainConfig>);
  } catch (error) {
    throw error instanceof DifflowError ? new DifflowError(`${path}: its config is invalid: ${error.message}`) : error;
  }
}

/**
 * Reads a run's checkpoint and validates every field: format, config (as `makeConfig` would), each tensor's
 * dtype and size for the config's network, finite parameters, EMA and Adam state, a generator state that is
 * not all zero, and a step equal to the length of a finite loss history.
 */
export function loadTrainState(runDir: string): { config: TrainConfig; state: TrainState } {
  const path = checkpointPath(runDir);
  const { tensors, metadata } = readCheckpoint(path);
  if (metadata.format !== FORMAT) throw new DifflowError(`${path} is not a difflow training checkpoint (format '${metadata.format}')`);
  const config = storedConfig(path, metadata.config);
  const net = networkFor(config, dataShape(config.data));
  const take = (prefix: string): Float32Array =>
    flatten(
      net,
      Object.fromEntries(
        net.params.map((p) => {
          const t = tensors[`${prefix}${p.name}`];
          const n = p.shape.reduce((a, b) => a * b, 1);
          if (t?.dtype !== 'F32' || t.data.length !== n)
            throw new DifflowError(`${path}: tensor '${prefix}${p.name}' is missing or has the wrong size`);
          return [p.name, t.data as Float32Array];
        }),
      ),
    );
  const rng = tensors.rng;
  const losses = tensors.losses;
  if (rng?.dtype !== 'U32' || !losses || losses.dtype !== 'F32')
    throw new DifflowError(`${path}: the generator state or loss history is missing`);
  if (rng.data.length !== 4 || rng.data.every((w) => w === 0))
    throw new DifflowError(`${path}: the generator state must be 4 words, not all zero`);
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step !== losses.data.length)
    throw new DifflowError(`${path}: step ${metadata.step} does not match the loss history`);
  if (!losses.data.every(Number.isFinite)) throw new DifflowError(`${path}: the loss history holds a non-finite value`);
  const state: TrainState = {
    step,
    params: take('param.'),
    m: take('m.'),
    v: take('v.'),
    ema: take('ema.'),
    rngState: rng.data as Uint32Array,
    losses: Array.from(losses.data as Float32Array),
  };
  const bad = badStatePart(state);
  if (bad !== undefined) throw new DifflowError(`${path}: ${bad}; the checkpoint is damaged`);
  return { config, state };
}
