/** For kill -9 tests: wait until a run's checkpoint has reached a step, then SIGKILL the training process. */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readCheckpoint } from '../../src/io/checkpoint.js';

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
export async function signalAfterProgress(child: ChildProcess, progress: RegExp, signal: NodeJS.Signals, delayMs = 0): Promise<{ code: number | null; output: string }> {
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
