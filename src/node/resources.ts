/**
 * What a command will need, estimated before it starts, so that `--n 1e12` or `--hidden 1e6` is refused in one
 * line instead of ending in a RangeError, an ONNX Runtime error or a native abort; and ONNX Runtime's threads
 * clamped to the machine's cores. The estimates are generous upper bounds, not measurements.
 */
import { availableParallelism, totalmem } from 'node:os';
import { DifflowError } from '../core/validate.js';
import type { Network } from '../models/network.js';
import type { TrainConfig } from '../training/config.js';

/** The share of the machine's memory a command may plan to use. */
const MEMORY_SHARE = 0.8;
const GIB = 2 ** 30;

const size = (bytes: number) =>
  bytes >= 2 ** 40 ? `${Math.round(bytes / 2 ** 40).toLocaleString('en')} TiB` : `${(bytes / GIB).toFixed(1)} GiB`;

/** Refuses work estimated to need more than the machine's memory. */
export function checkMemory(what: string, bytes: number, machine = totalmem()): void {
  if (!(bytes <= MEMORY_SHARE * machine)) {
    throw new DifflowError(`${what} would need about ${size(bytes)} of memory; this machine has ${size(machine)}`);
  }
}

/** Sampling n points of dimension `dim` with `steps` steps: a dozen float64 copies of the batch, and the grid. */
export function samplingBytes(n: number, dim: number, steps = 0): number {
  return 12 * 8 * n * dim + 16 * (steps + 1);
}

/** Activation floats per example of a network's training step (forward and backward). */
function activationsPerExample(config: TrainConfig, net: Network): number {
  if (config.model === 'unet') return 60 * config.hidden * net.dim;
  if (config.model === 'dit') return 40 * config.hidden * 49 * config.layers + 8 * 49 * 49 * config.layers;
  return 12 * config.hidden * config.layers;
}

/** A training run: parameters with Adam, EMA and gradients (and ONNX Runtime's copies), activations, loss history. */
export function trainingBytes(config: TrainConfig, net: Network): number {
  const parameters = net.params.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
  return 4 * 12 * parameters + 4 * config.batch * (activationsPerExample(config, net) + 4 * net.dim) + 12 * config.steps;
}

/** `--threads` clamped to the machine's cores; `warn` is told when it was. */
export function clampThreads(
  threads: number | undefined,
  warn: (line: string) => void,
  cores = availableParallelism(),
): number | undefined {
  if (threads === undefined || threads <= cores) return threads;
  warn(`--threads ${threads}: this machine has ${cores} cores; using ${cores}`);
  return cores;
}
