/** `difflow train`: a progress bar with loss and steps/s on a terminal, a line every 10% elsewhere; Ctrl-C saves. */
import cliProgress from 'cli-progress';
import { nodeRuntime } from '../engine/ortNode.js';
import { trainRun } from '../train/loop.js';
import type { TrainConfig } from '../train/config.js';

export async function trainCommand(runDir: string, flags: Partial<Record<keyof TrainConfig, unknown>>, resume: boolean, log: (line: string) => void): Promise<void> {
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar({ format: 'train {bar} {value}/{total} | loss {loss} | {speed} steps/s | eta {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.once('SIGINT', onSigint);
  let started = false;
  let nextReport = 0;
  try {
    const result = await trainRun({
      runDir,
      config: flags,
      resume,
      runtime: nodeRuntime,
      shouldStop: () => stop,
      onProgress: (p) => {
        if (!started) {
          started = true;
          bar?.start(p.steps, p.step - 1, { loss: '-', speed: '-' });
        }
        bar?.update(p.step, { loss: p.loss.toFixed(4), speed: p.stepsPerSecond.toFixed(0) });
        if (!bar && p.step >= nextReport) {
          log(`step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  ${p.stepsPerSecond.toFixed(0)} steps/s`);
          nextReport = p.step + Math.max(1, Math.round(p.steps / 10));
        }
      },
    });
    bar?.stop();
    const tail = result.losses.slice(-100);
    const mean = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
    log(`${stop ? 'stopped' : 'done'} at step ${result.step}; mean loss of the last ${tail.length} steps ${mean.toFixed(4)}`);
    log(`checkpoint: ${runDir}/checkpoint.safetensors, loss curve: ${runDir}/loss.svg`);
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}
