/**
 * A whole training run in a folder: fresh or resumed from its checkpoint, checkpoints every N steps and at
 * the end (atomic), and the loss curve as SVG. Killing the process loses at most the steps since the last
 * checkpoint; `resume` continues with the same batches and noise an uninterrupted run would have used.
 * The folder is locked for the run (train/lock.ts); a state with a non-finite number is never saved.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DifflowError } from '../core/validate.js';
import type { Runtime } from '../engine/runtime.js';
import { lineChart } from '../figures/plot/index.js';
import { removeStaleTemps, writeAtomic } from '../io/atomic.js';
import { badStatePart, checkpointPath, loadTrainState, saveTrainState } from './checkpointing.js';
import { makeConfig, resumeConfig, type TrainConfig } from '../training/config.js';
import { Trainer, networkFor, type TrainState } from '../training/trainer.js';
import { dataForRun, dataShape, isPointFile, pinData } from './data.js';
import { lockRunFolder, processAlive } from './lock.js';
import { checkMemory, clampThreads, trainingBytes } from './resources.js';

export interface Progress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly stepsPerSecond: number;
}

export interface RunOptions {
  readonly runDir: string;
  readonly config?: Partial<Record<keyof TrainConfig, unknown>>;
  readonly resume?: boolean;
  readonly runtime: Runtime;
  readonly onProgress?: (p: Progress) => void;
  readonly onCheckpoint?: (step: number) => void;
  /** Stop early (e.g. on SIGINT) after the current step; the checkpoint is still written. */
  readonly shouldStop?: () => boolean;
  /** Notes for the user (threads clamped, stale temporary files removed). */
  readonly warn?: (line: string) => void;
}

/** The run's config: validated flags for a new run (data pinned), or the saved recipe with the allowed changes. */
function runConfig(o: Pick<RunOptions, 'runDir' | 'config' | 'resume'>): {
  config: TrainConfig;
  state?: ReturnType<typeof loadTrainState>['state'];
} {
  const hasCheckpoint = existsSync(checkpointPath(o.runDir));
  const flags = { ...o.config };
  if (typeof flags.data === 'string' && isPointFile(flags.data)) flags.data = resolve(flags.data);
  if (!o.resume) {
    if (hasCheckpoint)
      throw new DifflowError(`${o.runDir} already holds a checkpoint: pass --resume to continue it or choose another --out`);
    return { config: pinData(makeConfig(flags), o.runDir) };
  }
  if (!hasCheckpoint) throw new DifflowError(`--resume: ${checkpointPath(o.runDir)} does not exist`);
  const loaded = loadTrainState(o.runDir);
  return { config: resumeConfig(loaded.config, flags), state: loaded.state };
}

/** A run folder ready to train in: locked, its config settled (fresh with data pinned, or the saved recipe resumed). */
export interface PreparedRun {
  readonly config: TrainConfig;
  /** The saved state of a resumed run; undefined for a fresh one. */
  readonly state?: ReturnType<typeof loadTrainState>['state'];
  readonly unlock: () => void;
}

/**
 * What every backend does before its first step: check that the run fits in memory, lock the folder, clear the
 * temporary files of a killed run, settle the config (runConfig) and clamp the threads to the machine's cores.
 */
export function prepareRun(o: Pick<RunOptions, 'runDir' | 'config' | 'resume' | 'warn'>): PreparedRun {
  const warn = o.warn ?? (() => {});
  if (!o.resume) checkFits(makeConfig({ ...o.config })); // Mistakes in the flags are reported before the folder is made.
  const unlock = lockRunFolder(o.runDir);
  try {
    const stale = removeStaleTemps(o.runDir, processAlive);
    if (stale.length > 0) warn(`removed ${stale.length} temporary file(s) left in ${o.runDir} by a killed run`);
    const chosen = runConfig(o);
    const config: TrainConfig = { ...chosen.config, threads: clampThreads(chosen.config.threads, warn) };
    checkFits(config);
    return { config, state: chosen.state, unlock };
  } catch (e) {
    unlock();
    throw e;
  }
}

export async function trainRun(o: RunOptions): Promise<{ config: TrainConfig; step: number; losses: readonly number[] }> {
  const { config, state, unlock } = prepareRun(o);
  try {
    const dataset = dataForRun(config, o.runDir);
    const trainer = await Trainer.create(config, o.runtime, dataset);
    try {
      return await train(o, config, trainer, state ?? trainer.freshState());
    } finally {
      await trainer.release();
    }
  } finally {
    unlock();
  }
}

/** Refuses a run whose network, batch or length cannot fit in memory. */
function checkFits(config: TrainConfig): void {
  const what =
    `training this ${config.model} (--hidden ${config.hidden}, --layers ` +
    `${config.layers}, --batch ${config.batch}, --steps ${config.steps})`;
  checkMemory(what, trainingBytes(config, networkFor(config, dataShape(config.data))));
}

async function train(
  o: RunOptions,
  config: TrainConfig,
  trainer: Trainer,
  first: TrainState,
): Promise<{ config: TrainConfig; step: number; losses: readonly number[] }> {
  let state = first;
  writeAtomic(join(o.runDir, 'config.json'), JSON.stringify(config, null, 2));
  const started = performance.now();
  const firstStep = state.step;
  let savedStep: number | undefined = o.resume ? firstStep : undefined;
  /** Saves the state unless a number in it is not finite: then the last good checkpoint stays and the run stops. */
  const save = () => {
    const bad = badStatePart(state);
    if (bad !== undefined) {
      throw new DifflowError(
        `training diverged at step ${state.step}: ${bad}; ` +
          `${savedStep === undefined ? 'nothing was saved' : `the checkpoint of step ${savedStep} is kept`}; lower --lr or check the data`,
      );
    }
    saveTrainState(o.runDir, config, state);
    savedStep = state.step;
    o.onCheckpoint?.(state.step);
  };
  while (state.step < config.steps && !o.shouldStop?.()) {
    const next = await trainer.step(state);
    state = next.state;
    const { loss } = next;
    const rate = (state.step - firstStep) / ((performance.now() - started) / 1000);
    o.onProgress?.({ step: state.step, steps: config.steps, loss, stepsPerSecond: rate });
    if (state.step % config.checkpointEvery === 0 && state.step < config.steps) save();
  }
  save();
  writeAtomic(join(o.runDir, 'loss.svg'), lossCurve(state.losses, config));
  return { config, step: state.step, losses: state.losses };
}

/** The loss per step and its running mean over 50 steps. */
export function lossCurve(losses: readonly number[], config: TrainConfig): string {
  const steps = losses.map((_, i) => i + 1);
  const window = 50;
  const smooth = losses.map((_, i) => {
    const lo = Math.max(0, i - window + 1);
    let s = 0;
    for (let k = lo; k <= i; k++) s += losses[k];
    return s / (i - lo + 1);
  });
  return lineChart({
    width: 640,
    height: 360,
    title: `Training loss — ${config.data}, ${config.schedule}, output ${config.output}, weighting ${config.weighting}`,
    xLabel: 'step',
    yLabel: 'loss',
    logY: true,
    series: [
      { name: 'loss', x: steps, y: losses, color: '#bbbbbb', width: 1 },
      { name: `mean of ${window}`, x: steps, y: smooth, width: 2 },
    ],
  });
}
