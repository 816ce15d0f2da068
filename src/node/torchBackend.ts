/**
 * `difflow train --backend torch`: the same run handed to PyTorch's distributed engine. difflow validates the
 * config, writes the initial state (its own initialisation, so both backends start from the same parameters)
 * and a spec, and launches `torchrun` on the worker in python/difflow_torch (DDP: gloo on CPU, NCCL on GPUs).
 * Rank 0 prints a JSON line per step and writes difflow's checkpoint; difflow relays the progress, turns
 * SIGINT/SIGTERM into a stop file the ranks agree on, and draws the loss curve at the end. The run folder is
 * then an ordinary difflow run (sample, eval, export, explorer, `--resume` on either backend).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DifflowError, checkInteger, checkName } from '../core/validate.js';
import { writeAtomic } from '../io/atomic.js';
import { checkpointPath, loadTrainState, saveTrainState } from './checkpointing.js';
import type { TrainConfig } from '../training/config.js';
import { dataForRun, dataShape } from './data.js';
import { lossCurve, prepareRun, type Progress, type RunOptions } from './loop.js';
import { freshState, lossWeightScale, networkFor } from '../training/trainer.js';

export type Backend = 'onnx' | 'torch';
export type Device = 'cpu' | 'cuda';

/** The torch backend's settings: processes per node, nodes and their rendezvous, device, interpreter. */
export interface TorchOptions {
  readonly nproc: number;
  readonly nnodes: number;
  readonly rdzvEndpoint?: string;
  readonly device: Device;
  readonly python?: string;
}

/** The folder holding the difflow_torch package (put on PYTHONPATH). */
export const PYTHON_DIR = fileURLToPath(new URL('../../python', import.meta.url));
export const TORCH_HINT = 'apt-get install python3-torch';

/** Splits the backend flags off `difflow train`'s flags, validated (one-line errors). */
export function backendFlags(flags: Partial<Record<string, unknown>>): {
  backend: Backend;
  torch: TorchOptions;
  rest: Record<string, unknown>;
} {
  const { backend = 'onnx', nproc = 1, nnodes = 1, rdzvEndpoint, device = 'cpu', python, ...rest } = flags;
  const chosen = checkName('backend', String(backend), ['onnx', 'torch'] as const);
  const torch = {
    nproc: Number(nproc),
    nnodes: Number(nnodes),
    rdzvEndpoint: rdzvEndpoint as string | undefined,
    device: checkName('device', String(device), ['cpu', 'cuda'] as const),
    python: python as string | undefined,
  };
  checkInteger('--nproc', torch.nproc);
  checkInteger('--nnodes', torch.nnodes);
  if (chosen === 'onnx' && (flags.nproc ?? flags.nnodes ?? flags.rdzvEndpoint ?? flags.device ?? flags.python) !== undefined) {
    throw new DifflowError('--nproc, --nnodes, --rdzv-endpoint, --device and --python need --backend torch');
  }
  if (torch.nnodes > 1 && !torch.rdzvEndpoint)
    throw new DifflowError(`--nnodes ${torch.nnodes} needs --rdzv-endpoint host:port (the rendezvous every node connects to)`);
  return { backend: chosen, torch, rest };
}

/** True when `python` runs and finds torch (without importing it: seconds saved on every launch). */
function hasTorch(python: string): boolean {
  return (
    spawnSync(python, ['-c', "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"], { stdio: 'ignore' })
      .status === 0
  );
}

/** The interpreter: --python, else $DIFFLOW_PYTHON, else the first python3 on PATH that imports torch. */
export function findPython(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const given = explicit ?? env.DIFFLOW_PYTHON;
  if (given) {
    if (!hasTorch(given))
      throw new DifflowError(`${given} cannot import torch: ${TORCH_HINT} (or point --python / DIFFLOW_PYTHON at a python3 that has it)`);
    return given;
  }
  const found = (env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'python3'))
    .find((p) => existsSync(p) && hasTorch(p));
  if (!found) throw new DifflowError(`no python3 on PATH imports torch: ${TORCH_HINT} (or pass --python / set DIFFLOW_PYTHON)`);
  return found;
}

/**
 * torch 1.13's torchrun cannot parse its own default '--redirects 0 --tee 0' on Python ≥ 3.11 (a zero IntFlag
 * is no longer iterated: AttributeError in `to_map`); a map naming only local rank 9 means "none" for ranks 0–8
 * (a 10th local rank's output goes to torchrun's log files).
 */
const STD_FIX = ['--redirects', '9:3', '--tee', '9:3'];

/** torchrun's command line for a spec file (torch 1.13's spelling of the flags). */
export function torchrunArgs(o: TorchOptions, specPath: string): string[] {
  const rendezvous =
    o.nnodes > 1 || o.rdzvEndpoint ? ['--rdzv_backend', 'c10d', '--rdzv_endpoint', String(o.rdzvEndpoint)] : ['--standalone'];
  return [
    '-m',
    'torch.distributed.run',
    ...STD_FIX,
    '--nnodes',
    String(o.nnodes),
    '--nproc_per_node',
    String(o.nproc),
    ...rendezvous,
    '-m',
    'difflow_torch.train',
    specPath,
  ];
}

/** `trainRun`'s options, with the torch settings in place of the ONNX runtime. */
export type TorchRunOptions = Omit<RunOptions, 'runtime' | 'onCheckpoint'> & { readonly torch: TorchOptions };

/** Each of the N processes draws B/N examples of the global batch B. */
function checkSplit(config: TrainConfig, o: TorchOptions): void {
  const world = o.nproc * o.nnodes;
  if (config.batch % world !== 0)
    throw new DifflowError(`--batch ${config.batch} does not split over ${world} processes: choose a multiple of ${world}`);
}

/** Runs the training on PyTorch; resolves like `trainRun` with the run's config, last step and losses. */
export async function torchRun(o: TorchRunOptions): Promise<{ config: TrainConfig; step: number; losses: readonly number[] }> {
  const python = findPython(o.torch.python);
  const { config, state, unlock } = prepareRun(o); // the same lock, recipe checks and pinned data as the ONNX backend
  // One scratch folder per launcher: on several nodes sharing the run folder, each node's difflow has its own.
  const work = join(o.runDir, `.torch-${hostname()}-${process.pid}`);
  try {
    return await runIn(work, python, o, config, state !== undefined);
  } finally {
    rmSync(work, { recursive: true, force: true });
    unlock();
  }
}

/**
 * torchRun's body, with `work` a scratch folder for the spec, the initial state and the stop file. A fresh run
 * starts from difflow's own initialisation (written to `work`), a resumed one from the run's checkpoint.
 */
async function runIn(
  work: string,
  python: string,
  o: TorchRunOptions,
  config: TrainConfig,
  resumed: boolean,
): Promise<{ config: TrainConfig; step: number; losses: readonly number[] }> {
  checkSplit(config, o.torch);
  mkdirSync(work, { recursive: true });
  dataForRun(config, o.runDir); // a missing, changed or malformed data file is one line here, not a traceback from every rank
  const shape = dataShape(config.data);
  const net = networkFor(config, shape);
  if (!resumed) saveTrainState(work, config, freshState(config, net));
  const checkpoint = checkpointPath(resumed ? o.runDir : work);
  const spec = {
    runDir: resolve(o.runDir),
    config,
    configJson: JSON.stringify(config),
    checkpoint: resolve(checkpoint),
    stopFile: resolve(work, 'stop'),
    data: /\.(json|csv)$/i.test(config.data) ? resolve(config.data) : config.data,
    dim: shape.dim,
    classes: shape.classes?.length ?? null,
    params: net.params.map((p) => [p.name, p.shape]),
    weightScale: lossWeightScale(config),
    device: o.torch.device,
    threads: config.threads ?? Math.max(1, Math.floor(availableParallelism() / o.torch.nproc)),
    launcherPid: process.pid,
  };
  const specPath = join(work, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
  writeAtomic(join(o.runDir, 'config.json'), JSON.stringify(config, null, 2));
  await launch(python, torchrunArgs(o.torch, specPath), o, spec.stopFile);
  const { state } = loadTrainState(o.runDir);
  writeAtomic(join(o.runDir, 'loss.svg'), lossCurve(state.losses, config));
  return { config, step: state.step, losses: state.losses };
}

/** Spawns torchrun in its own process group (a terminal's Ctrl-C reaches difflow, which asks the ranks to stop). */
function launch(python: string, args: string[], o: TorchRunOptions, stopFile: string): Promise<void> {
  const env = { ...process.env, PYTHONPATH: [PYTHON_DIR, process.env.PYTHONPATH].filter(Boolean).join(delimiter), OMP_NUM_THREADS: '1' };
  const child = spawn(python, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  child.stdout.on('data', (d: Buffer) => {
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{"step"')) o.onProgress?.(JSON.parse(line) as Progress);
  });
  const poll = setInterval(() => {
    if (o.shouldStop?.() && !existsSync(stopFile)) writeFileSync(stopFile, '');
  }, 100);
  return new Promise((done, fail) => {
    child.on('error', (e) => fail(new DifflowError(`cannot start ${python}: ${e.message}`)));
    child.on('close', (code) => {
      clearInterval(poll);
      if (code === 0) return done();
      const mistake = stderr.split('\n').find((l) => l.startsWith('difflow: '));
      const traceback = stderr
        .slice(Math.max(0, stderr.indexOf('Traceback')))
        .split('\n')
        .slice(0, 40)
        .join('\n');
      fail(mistake ? new DifflowError(mistake.slice('difflow: '.length)) : new Error(`torchrun exited with status ${code}:\n${traceback}`));
    });
  });
}
