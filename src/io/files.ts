/**
 * File-system failures as one line naming the path and the reason, and the checks that find them before a long
 * computation: folders made without Node's recursive `mkdir` (which loops forever under /proc), output paths
 * probed before sampling, and files read only when they are regular and of a plausible size.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A file-system failure: its message is one line, `cannot <action> <path>: <reason>`. The CLI exits 1. */
export class FileError extends Error {
  override name = 'FileError';
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** The one-line FileError for a Node system error (other errors are returned unchanged). */
export function fileError(action: string, path: string, error: unknown): unknown {
  if (error instanceof FileError || !(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return error;
  return new FileError(`cannot ${action} ${path}: ${REASONS[error.code] ?? error.message.split(',')[0]} (${error.code})`);
}

/** Creates a folder and its parents (like `mkdir -p`); a FileError names the first part that cannot be made. */
export function makeFolder(folder: string): void {
  const path = resolve(folder);
  let kind: 'folder' | 'other' | 'missing';
  try {
    kind = statSync(path).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw fileError('create the folder', folder, error);
    kind = 'missing';
  }
  if (kind === 'folder') return;
  if (kind === 'other') throw new FileError(`cannot create the folder ${folder}: a file of that name exists`);
  if (dirname(path) !== path) makeFolder(dirname(path));
  try {
    mkdirSync(path);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw fileError('create the folder', folder, error);
  }
}

/** Makes `folder` and proves it writable by writing and removing a small file, before any long computation. */
export function checkOutputFolder(folder: string): void {
  makeFolder(folder);
  const probe = join(folder, `.difflow-probe.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(probe, 'probe', { flag: 'wx' });
  } catch (error) {
    throw fileError('write into', folder, error);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** As `checkOutputFolder` for the folder of `file`, and refuses a `file` that is a folder. */
export function checkOutputFile(file: string): void {
  checkOutputFolder(dirname(file));
  let folder = false;
  try {
    folder = statSync(file).isDirectory();
  } catch {
    // Absent: it will be created.
  }
  if (folder) throw new FileError(`cannot write ${file}: it is a folder`);
}

/**
 * Reads a whole file that must be a regular file of at most `maxBytes` (a symlink to /dev/zero, a fifo or a
 * huge file is refused before reading). Returns undefined when it does not exist.
 */
export function readRegularFile(path: string, what: string, maxBytes: number): Uint8Array | undefined {
  let fd: number;
  try {
    // Non-blocking, so that a fifo is refused instead of waiting for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw fileError(`read the ${what}`, path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileError(`cannot read the ${what} ${path}: it is not a regular file`);
    if (stat.size > maxBytes)
      throw new FileError(`cannot read the ${what} ${path}: ${stat.size} bytes is more than the ${maxBytes} a ${what} may have`);
    const bytes = new Uint8Array(stat.size);
    for (let at = 0; at < bytes.length; ) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) throw new FileError(`cannot read the ${what} ${path}: it shrank while being read`);
      at += n;
    }
    return bytes;
  } catch (error) {
    throw fileError(`read the ${what}`, path, error);
  } finally {
    closeSync(fd);
  }
}
