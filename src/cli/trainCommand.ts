/**
 * `difflow train`: a progress bar with loss and steps/s on a terminal, a line every 10% elsewhere. Ctrl-C
 * (SIGINT) or SIGTERM (`kill`, `timeout`, a container stop) ends the run after the step in flight and saves it;
 * the signal is returned, so that the process exits 130 / 143 as shells expect.
 */
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { nodeRuntime } from '../engine/ortNode.js';
import { trainRun } from '../node/loop.js';
import type { TrainConfig } from '../training/config.js';
import { backendFlags, torchRun } from '../node/torchBackend.js';

export async function trainCommand(
  runDir: string,
  allFlags: Partial<Record<string, unknown>>,
  resume: boolean,
  log: (line: string) => void,
): Promise<NodeJS.Signals | undefined> {
  const { backend, torch, rest: flags } = backendFlags(allFlags);
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'train {bar} {value}/{total} | loss {loss} | {speed} steps/s | eta {eta_formatted}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let stop: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stop = signal;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  /** 1.3 → '1.3', 745.2 → '745': image models train at a few steps per second. */
  const rate = (r: number) => (r < 10 ? r.toFixed(1) : r.toFixed(0));
  let started = false;
  let nextReport = 0;
  try {
    const result = await (backend === 'torch' ? torchRun : trainRun)({
      runDir,
      config: flags as Partial<Record<keyof TrainConfig, unknown>>,
      resume,
      runtime: nodeRuntime,
      torch,
      shouldStop: () => stop !== undefined,
      warn: (line) => process.stderr.write(`difflow: ${line}\n`),
      onProgress: (p) => {
        if (!started) {
          started = true;
          bar?.start(p.steps, p.step - 1, { loss: '-', speed: '-' });
        }
        bar?.update(p.step, { loss: p.loss.toFixed(4), speed: rate(p.stepsPerSecond) });
        if (!bar && p.step >= nextReport) {
          log(`step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  ${rate(p.stepsPerSecond)} steps/s`);
          nextReport = p.step + Math.max(1, Math.round(p.steps / 10));
        }
      },
    });
    bar?.stop();
    const tail = result.losses.slice(-100);
    const mean = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
    log(`${stop ? 'stopped' : 'done'} at step ${result.step}; mean loss of the last ${tail.length} steps ${mean.toFixed(4)}`);
    log(`checkpoint: ${join(runDir, 'checkpoint.safetensors')}, loss curve: ${join(runDir, 'loss.svg')}`);
    return stop;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
