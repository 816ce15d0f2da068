/**
 * A whole training run in a folder: fresh or resumed from its checkpoint, checkpoints every N steps and at
 * the end (atomic), and the loss curve as SVG. Killing the process loses at most the steps since the last
 * checkpoint; `resume` continues with the same batches and noise an uninterrupted run would have used.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DifflowError } from '../core/validate.js';
import type { Runtime } from '../engine/runtime.js';
import { lineChart } from '../figures/plot/index.js';
import { writeAtomic } from '../io/atomic.js';
import { checkpointPath, loadTrainState, saveTrainState } from './checkpointing.js';
import { makeConfig, type TrainConfig } from './config.js';
import { Trainer } from './trainer.js';
import { dataByName } from './data.js';

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
}

export async function trainRun(o: RunOptions): Promise<{ config: TrainConfig; step: number; losses: number[] }> {
  const hasCheckpoint = existsSync(checkpointPath(o.runDir));
  let config: TrainConfig;
  let trainer: Trainer;
  if (o.resume) {
    if (!hasCheckpoint) throw new DifflowError(`--resume: ${checkpointPath(o.runDir)} does not exist`);
    const loaded = loadTrainState(o.runDir);
    // Only the length of the run may change on resume.
    config = o.config?.steps !== undefined ? makeConfig({ ...loaded.config, steps: o.config.steps }) : loaded.config;
    trainer = await Trainer.create(config, o.runtime, loaded.state, dataByName(config.data));
  } else {
    if (hasCheckpoint) throw new DifflowError(`${o.runDir} already holds a checkpoint: pass --resume to continue it or choose another --out`);
    config = makeConfig(o.config ?? {});
    trainer = await Trainer.create(config, o.runtime, undefined, dataByName(config.data));
  }
  const { state } = trainer;
  writeAtomic(join(o.runDir, 'config.json'), JSON.stringify(config, null, 2));
  const started = performance.now();
  const firstStep = state.step;
  try {
    while (state.step < config.steps && !o.shouldStop?.()) {
      const { loss } = await trainer.step();
      const rate = (state.step - firstStep) / ((performance.now() - started) / 1000);
      o.onProgress?.({ step: state.step, steps: config.steps, loss, stepsPerSecond: rate });
      if (state.step % config.checkpointEvery === 0 && state.step < config.steps) {
        saveTrainState(o.runDir, config, state);
        o.onCheckpoint?.(state.step);
      }
    }
    saveTrainState(o.runDir, config, state);
    o.onCheckpoint?.(state.step);
    writeAtomic(join(o.runDir, 'loss.svg'), lossCurve(state.losses, config));
  } finally {
    await trainer.release();
  }
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
