import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DifflowError } from '../core/validate.js';
import { checkpointDigest, readCheckpoint, readCheckpointIfExists, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

function withFolder(body: (folder: string) => void): void {
  const folder = mkdtempSync(join(tmpdir(), 'difflow-ckpt-'));
  try {
    body(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function checkpoint(step: number): Checkpoint {
  return {
    tensors: {
      'layer.0.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-3, step]) },
      'layer.0.bias': { dtype: 'F64', shape: [3], data: new Float64Array([0.25, -0.5, step]) },
      rng: { dtype: 'U32', shape: [4], data: new Uint32Array([1, 2, 3, 4294967295]) },
      step: { dtype: 'I64', shape: [], data: new BigInt64Array([BigInt(step)]) },
    },
    metadata: { step: String(step), schedule: 'cosine' },
  };
}

const message = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DifflowError, `expected a DifflowError, got ${String(e)}`);
  assert.match(e.message, pattern);
  return true;
};

test('a checkpoint round trip returns its tensors and metadata, with the checksum kept apart', () => {
  withFolder((folder) => {
    const path = join(folder, 'model.safetensors');
    const saved = checkpoint(7);
    const sha256 = writeCheckpoint(path, saved);
    assert.match(sha256, /^[0-9a-f]{64}$/);
    const loaded = readCheckpoint(path);
    assert.equal(loaded.sha256, sha256);
    assert.deepEqual(loaded.metadata, saved.metadata);
    assert.deepEqual(loaded.tensors, saved.tensors);
    // The file is plain safetensors whose metadata also holds the checksum of its contents.
    const plain = decodeSafetensors(readFileSync(path));
    assert.deepEqual(plain.metadata, { ...saved.metadata, sha256 });
    assert.equal(checkpointDigest(plain.tensors, plain.metadata), sha256);
    assert.deepEqual(readdirSync(folder), ['model.safetensors'], 'no temporary file is left behind');
    writeCheckpoint(path, checkpoint(8));
    assert.equal(readCheckpoint(path).metadata.step, '8');
    assert.deepEqual(readdirSync(folder), ['model.safetensors']);
  });
});

test('a truncated checkpoint is refused as truncated or corrupt at every length', () => {
  withFolder((folder) => {
    const path = join(folder, 'model.safetensors');
    writeCheckpoint(path, checkpoint(1));
    const bytes = readFileSync(path);
    for (let length = 0; length < bytes.length; length += 7) {
      writeFileSync(path, bytes.subarray(0, length));
      assert.throws(() => readCheckpoint(path), message(new RegExp(`^checkpoint ${path} is truncated or corrupt: `)), `length ${length}`);
    }
  });
});

test('one flipped bit anywhere in the file is refused, and in the tensor data it reads as altered', () => {
  withFolder((folder) => {
    const path = join(folder, 'model.safetensors');
    writeCheckpoint(path, checkpoint(3));
    const bytes = readFileSync(path);
    const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
    for (let i = 0; i < bytes.length; i++) {
      const flipped = Uint8Array.from(bytes);
      flipped[i] ^= i % 2 === 0 ? 0x01 : 0x80;
      writeFileSync(path, flipped);
      const pattern = i >= dataStart ? /was altered: checksum mismatch/ : /is truncated or corrupt|was altered/;
      assert.throws(() => readCheckpoint(path), message(pattern), `byte ${i}`);
    }
  });
});

test('altered metadata, a renamed tensor or a reshaped tensor under the old checksum is refused as altered', () => {
  withFolder((folder) => {
    const path = join(folder, 'model.safetensors');
    writeCheckpoint(path, checkpoint(5));
    const { tensors, metadata } = decodeSafetensors(readFileSync(path));
    const weight = tensors['layer.0.weight'];
    const forgeries = [
      encodeSafetensors(tensors, { ...metadata, step: '6' }),
      encodeSafetensors(tensors, { ...metadata, extra: 'x' }),
      encodeSafetensors({ ...tensors, 'layer.0.weight': { ...weight, shape: [3, 2] } }, metadata),
      encodeSafetensors(Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name.replace('0', '1'), t])), metadata),
    ];
    for (const [k, bytes] of forgeries.entries()) {
      writeFileSync(path, bytes);
      assert.throws(() => readCheckpoint(path), message(new RegExp(`^checkpoint ${path} was altered: checksum mismatch`)), `forgery ${k}`);
    }
  });
});

test('a crash between writing the temporary file and renaming it leaves the old checkpoint intact', () => {
  withFolder((folder) => {
    const path = join(folder, 'model.safetensors');
    const sha256 = writeCheckpoint(path, checkpoint(1));
    // What a writer killed before its rename leaves: a (possibly partial) temporary file beside the checkpoint.
    writeCheckpoint(join(folder, 'next.safetensors'), checkpoint(2));
    const next = readFileSync(join(folder, 'next.safetensors'));
    rmSync(join(folder, 'next.safetensors'));
    const temp = join(folder, `.model.safetensors.${process.pid}.0123456789ab.tmp`);
    writeFileSync(temp, next.subarray(0, next.length >> 1));
    const loaded = readCheckpoint(path);
    assert.equal(loaded.sha256, sha256);
    assert.equal(loaded.metadata.step, '1');
    // The next save still succeeds and replaces the checkpoint as a whole.
    writeCheckpoint(path, checkpoint(2));
    assert.equal(readCheckpoint(path).metadata.step, '2');
  });
});

test('readCheckpointIfExists returns undefined for a missing file, and readCheckpoint names the missing path', () => {
  withFolder((folder) => {
    const path = join(folder, 'sub', 'model.safetensors');
    assert.equal(readCheckpointIfExists(path), undefined);
    assert.throws(() => readCheckpoint(path), message(new RegExp(`^checkpoint ${path} not found$`)));
    writeCheckpoint(path, checkpoint(4)); // creates the missing folder
    assert.equal(readCheckpointIfExists(path)?.metadata.step, '4');
    writeFileSync(path, 'not a checkpoint');
    assert.throws(() => readCheckpointIfExists(path), message(/is truncated or corrupt/));
  });
});

test('a reserved sha256 metadata key and a safetensors file without a checksum are refused', () => {
  withFolder((folder) => {
    const path = join(folder, 'model.safetensors');
    const { tensors } = checkpoint(1);
    assert.throws(() => writeCheckpoint(path, { tensors, metadata: { sha256: 'x' } }), message(/'sha256' is reserved/));
    assert.throws(
      () => writeCheckpoint(path, { tensors: { x: { dtype: 'F32', shape: [3], data: new Float32Array(2) } } }),
      message(/shape \[3\]/),
    );
    assert.deepEqual(readdirSync(folder), [], 'nothing is written for a refused checkpoint');
    writeFileSync(path, encodeSafetensors(tensors, { step: '1' }));
    assert.throws(() => readCheckpoint(path), message(/has no __metadata__\.sha256 checksum/));
  });
});
