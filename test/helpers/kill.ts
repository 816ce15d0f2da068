/** For kill -9 tests: wait until a run's checkpoint has reached a step, then SIGKILL the training process. */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint } from '../../src/io/checkpoint.js';
import { loadTrainState } from '../../src/node/checkpointing.js';
import type { TrainState } from '../../src/training/trainer.js';

export async function killAfterCheckpoint(child: ChildProcess, file: string, minStep: number, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      let step = 0;
      try {
        step = existsSync(file) ? Number(readCheckpoint(file).metadata.step) : 0;
      } catch {
        step = 0; // mid-rename: try again
      }
      if (step >= minStep) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`no checkpoint past step ${minStep} within ${timeoutMs / 1000} s`));
      }
    }, 5);
  });
  await new Promise((r) => child.on('exit', r));
}

/**
 * For signal tests: collects a training process's stdout and stderr, sends `signal` `delayMs` after its output
 * first matches `progress`, and resolves with the exit code and everything it printed.
 */
export async function signalAfterProgress(
  child: ChildProcess,
  progress: RegExp,
  signal: NodeJS.Signals,
  delayMs = 0,
): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  let done = false;
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (c) => {
      done = true;
      r(c);
    }),
  );
  // Waits for the progress line, or for an early exit (a failed start then fails the caller's asserts, not a hang).
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (done) {
        clearInterval(poll);
        resolve();
      } else if (progress.test(output)) {
        clearInterval(poll);
        setTimeout(() => {
          child.kill(signal);
          resolve();
        }, delayMs);
      }
    }, 10);
  });
  return { code: await exited, output };
}

/**
 * The kill -9 test of a training command: `args` trained straight into one folder, and into another killed
 * (SIGKILL) once a checkpoint at step ≥ `every` exists, then resumed with `--resume`. Checks that the last
 * checkpoint before the kill is intact and both runs exit 0; returns both folders' final states.
 */
export async function straightAndResumed(o: {
  readonly args: readonly string[];
  readonly every: number;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly tmp: () => string;
}): Promise<{ straight: TrainState; resumed: TrainState; straightDir: string }> {
  const cli = ['--import', 'tsx', 'src/cli/run.ts'];
  const difflow = (...args: string[]) => spawnSync(process.execPath, [...cli, ...args], { encoding: 'utf8', env: o.env ?? process.env });
  const straightDir = o.tmp();
  const s = difflow('train', ...o.args, '--out', straightDir);
  assert.equal(s.status, 0, s.stderr);
  const killed = o.tmp();
  const child = spawn(process.execPath, [...cli, 'train', ...o.args, '--out', killed], { stdio: 'ignore', env: o.env ?? process.env });
  await killAfterCheckpoint(child, join(killed, 'checkpoint.safetensors'), o.every, o.timeoutMs);
  const atKill = loadTrainState(killed).state.step;
  assert.ok(atKill >= o.every && atKill % o.every === 0, `the last checkpoint is intact (step ${atKill})`);
  const r = difflow('train', '--out', killed, '--resume');
  assert.equal(r.status, 0, r.stderr);
  return { straight: loadTrainState(straightDir).state, resumed: loadTrainState(killed).state, straightDir };
}
