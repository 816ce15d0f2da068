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
