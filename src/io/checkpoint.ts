/**
 * Checkpoints (Node only): safetensors files written atomically and carrying a SHA-256 checksum in
 * `__metadata__.sha256`, so that a torn write, a truncated copy or any altered byte is refused on reading.
 */
import { createHash } from 'node:crypto';
import { totalmem } from 'node:os';
import { writeAtomic } from './atomic.js';
import { readRegularFile } from './files.js';
import { DifflowError } from '../core/validate.js';
import {
  checkSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  safetensorsOrder,
  tensorBytes,
  type SafetensorsFile,
  type SafetensorsTensor,
} from './safetensors.js';

/** What a checkpoint holds: tensors by name and string metadata ('sha256' is reserved). */
export interface Checkpoint {
  readonly tensors: Record<string, SafetensorsTensor>;
  readonly metadata?: Record<string, string>;
}

/** A checkpoint as read back: its metadata without the 'sha256' entry, which is given separately. */
export interface LoadedCheckpoint extends SafetensorsFile {
  readonly sha256: string;
}

/**
 * The checksum stored in `__metadata__.sha256`: SHA-256 (hex) of the JSON text
 * `{"tensors":[[name, dtype, shape], …],"metadata":[[key, value], …]}` (tensors in header order, i.e.
 * `safetensorsOrder`; metadata other than 'sha256', keys sorted), a newline, then every tensor's
 * little-endian bytes in header order. Names, dtypes, shapes, metadata and data are all covered.
 */
export function checkpointDigest(tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string> = {}): string {
  const order = safetensorsOrder(tensors);
  const description = JSON.stringify({
    tensors: order.map((name) => [name, tensors[name].dtype, tensors[name].shape]),
    metadata: Object.keys(metadata)
      .filter((key) => key !== 'sha256')
      .sort()
      .map((key) => [key, metadata[key]]),
  });
  const hash = createHash('sha256').update(`${description}\n`, 'utf8');
  for (const name of order) hash.update(tensorBytes(tensors[name]));
  return hash.digest('hex');
}

/**
 * Writes a checkpoint atomically: the bytes go to a temporary file in the same folder (created if missing),
 * which is fsynced and then renamed over `path`, so a crash leaves either the old file or the new one, never a
 * mix. Returns the checksum stored in `__metadata__.sha256`.
 * @throws DifflowError for tensors `encodeSafetensors` refuses or a 'sha256' metadata key.
 */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): string {
  const { tensors, metadata = {} } = checkpoint;
  if (Object.hasOwn(metadata, 'sha256')) throw new DifflowError("metadata key 'sha256' is reserved for the checkpoint's checksum");
  checkSafetensors(tensors, metadata);
  const sha256 = checkpointDigest(tensors, metadata);
  const bytes = encodeSafetensors(tensors, { ...metadata, sha256 });
  writeAtomic(path, bytes);
  return sha256;
}

/** The largest checkpoint read: 4 GiB, or half the machine's memory if that is less. */
const MAX_CHECKPOINT_BYTES = Math.min(2 ** 32, totalmem() / 2);

function readBytes(path: string): Uint8Array | undefined {
  return readRegularFile(path, 'checkpoint', MAX_CHECKPOINT_BYTES);
}

function verify(path: string, bytes: Uint8Array): LoadedCheckpoint {
  const file = decodeSafetensors(bytes, { source: `checkpoint ${path}` });
  const { sha256, ...metadata } = file.metadata;
  if (sha256 === undefined) throw new DifflowError(`checkpoint ${path} is truncated or corrupt: it has no __metadata__.sha256 checksum`);
  const actual = checkpointDigest(file.tensors, metadata);
  if (actual !== sha256) {
    throw new DifflowError(`checkpoint ${path} was altered: checksum mismatch (stored ${sha256}, contents hash to ${actual})`);
  }
  return { tensors: file.tensors, metadata, sha256 };
}

/**
 * Reads a checkpoint written by `writeCheckpoint`, checking that it is a regular file of a plausible size (a
 * symlink to /dev/zero is refused before reading), then its structure and checksum.
 * @throws DifflowError "checkpoint <path> not found", "checkpoint <path> is truncated or corrupt: …", or
 *   "checkpoint <path> was altered: checksum mismatch …"; FileError for a file that is not regular or too large.
 */
export function readCheckpoint(path: string): LoadedCheckpoint {
  const bytes = readBytes(path);
  if (bytes === undefined) throw new DifflowError(`checkpoint ${path} not found`);
  return verify(path, bytes);
}

/** As `readCheckpoint`, but returns undefined when no file exists at `path` (a damaged file still throws). */
export function readCheckpointIfExists(path: string): LoadedCheckpoint | undefined {
  const bytes = readBytes(path);
  return bytes === undefined ? undefined : verify(path, bytes);
}
