import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileError, makeFolder } from './files.js';

/** Temporary files are `.<name>.<pid>.<random>.tmp` beside their target. */
const TEMP = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Writes a file atomically: the bytes go to a temporary file in the same folder (created if missing), which is
 * fsynced and then renamed over `path`, so a crash leaves either the old file or the new one, never a mix.
 * @throws FileError naming `path` and the reason (read-only folder, no space, a folder in the way, …).
 */
export function writeAtomic(path: string, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const folder = dirname(path);
  makeFolder(folder);
  const temp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw fileError('write', path, error);
  }
  syncFolder(folder);
}

/**
 * Removes the temporary files that writers killed mid-write left in `folder` (those of processes no longer
 * alive on this machine); returns their names. Call it only where no other process writes (a locked run folder).
 */
export function removeStaleTemps(folder: string, isAlive: (pid: number) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const stale = names.filter((name) => {
    const m = TEMP.exec(name);
    return m !== null && !isAlive(Number(m[1]));
  });
  for (const name of stale) rmSync(join(folder, name), { force: true });
  return stale;
}

/** Makes the rename durable; folders cannot be opened for fsync on some platforms (Windows), so failures pass. */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort only.
  }
}
