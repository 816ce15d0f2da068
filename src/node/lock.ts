/**
 * One training run per folder: `<run>/.lock` holds the owner's pid and host. A second run refuses while the owner
 * lives; a lock left by a crashed run (same host, pid gone) is taken over. The lock is created complete
 * (written to a temporary file, then hard-linked into place), so a reader never sees half of one.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DifflowError } from '../core/validate.js';
import { fileError, makeFolder } from '../io/files.js';

export const LOCK_FILE = '.lock';

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

function readOwner(path: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Owner;
    return typeof owner?.pid === 'number' && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Locks `runDir` for this process; returns the function that releases it (also run at process exit).
 * @throws DifflowError when a live run (or a run on another host) holds the folder.
 */
export function lockRunFolder(runDir: string): () => void {
  makeFolder(runDir);
  const path = join(runDir, LOCK_FILE);
  const me: Owner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const temp = join(runDir, `${LOCK_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, JSON.stringify(me));
  } catch (error) {
    throw fileError('write into', runDir, error);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, path);
        break;
      } catch (error) {
        if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST') || attempt > 0) {
          if (attempt > 0) throw new DifflowError(`${runDir} is locked by another run that started at the same moment; try again`);
          throw fileError('lock', runDir, error);
        }
      }
      const owner = readOwner(path);
      if (owner && owner.host !== me.host) {
        throw new DifflowError(
          `${runDir} is in use by a run on host ${owner.host} (pid ${owner.pid}); if no run is active there, remove ${path}`,
        );
      }
      if (owner && processAlive(owner.pid)) {
        throw new DifflowError(
          `${runDir} is in use by another training run (pid ${owner.pid}, since ${owner.started}); wait for it or choose another --out`,
        );
      }
      rmSync(path, { force: true }); // Stale: its run is gone.
    }
  } finally {
    rmSync(temp, { force: true });
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readOwner(path)?.pid === me.pid) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return release;
}
