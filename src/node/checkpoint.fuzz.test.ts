/**
 * Fuzz: byte-level corruption and field-level forgery of a training checkpoint. Every damaged file is refused
 * with a DifflowError or FileError (one line from the CLI), never a TypeError, RangeError or a silent NaN; a
 * forgery that happens to be a valid checkpoint loads with finite state; the good checkpoint is never touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { SMALL_RUN, cli, tempFolder } from '../../test/helpers/cli.js';
import { fuzzRuns } from '../../test/helpers/fuzz.js';
import { DifflowError } from '../core/validate.js';
import { readCheckpoint, writeCheckpoint } from '../io/checkpoint.js';
import { FileError } from '../io/files.js';
import type { SafetensorsTensor } from '../io/safetensors.js';
import { badStatePart, checkpointPath, loadTrainState } from './checkpointing.js';

const good = tempFolder();
const trained = cli('train', ...SMALL_RUN, '--out', good);
const runs = fuzzRuns(100);

/** Loads `dir`'s checkpoint: refused as a DifflowError / FileError, or valid with a finite state. */
function refusedOrValid(dir: string): 'refused' | 'valid' {
  try {
    const { state } = loadTrainState(dir);
    assert.equal(badStatePart(state), undefined, 'a loaded state is finite');
    return 'valid';
  } catch (error) {
    assert.ok(error instanceof DifflowError || error instanceof FileError, `refused with ${String(error)}`);
    assert.doesNotMatch((error as Error).message, /\n/, 'one line');
    return 'refused';
  }
}

/** A byte-level change: flip bits, overwrite a span, truncate, or append. */
const corruption = fc.oneof(
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => (b: Uint8Array) => {
    const c = b.slice();
    for (const [at, mask] of flips) c[at % c.length] ^= mask;
    return c;
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, junk]) => (b: Uint8Array) => {
    const c = b.slice();
    c.set(junk.subarray(0, Math.max(0, c.length - (at % c.length))), at % c.length);
    return c;
  }),
  fc.nat().map((n) => (b: Uint8Array) => b.slice(0, n % b.length)),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((junk) => (b: Uint8Array) => Uint8Array.from([...b, ...junk])),
);

test(`${runs.numRuns} byte-level corruptions of a checkpoint are each refused, and the good file is never touched`, async () => {
  assert.equal((await trained).code, 0);
  const original = new Uint8Array(readFileSync(checkpointPath(good))); // A copy: Buffer's slice() would be a view.
  const dir = tempFolder();
  await fc.assert(
    fc.asyncProperty(corruption, async (corrupt) => {
      const bad = corrupt(original);
      fc.pre(!Buffer.from(bad).equals(original));
      writeFileSync(checkpointPath(dir), bad);
      assert.equal(refusedOrValid(dir), 'refused');
    }),
    runs,
  );
  const r = await cli('sample', '--model', dir, '--n', '4', '--steps', '1', '--out', join(dir, 's.json'));
  assert.ok(r.code === 2 || r.code === 1, r.err);
  assert.ok(readFileSync(checkpointPath(good)).equals(original), 'the good checkpoint is unchanged');
});

/** A field-level forgery under a valid checksum: a config value, the step, a generator word or a weight. */
const forgery = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'schedule',
        'output',
        'hidden',
        'layers',
        'batch',
        'seed',
        'lr',
        'emaDecay',
        'data',
        'model',
        'threads',
        'dataSha256',
        'steps',
      ),
      fc.jsonValue(),
    )
    .map(([key, value]) => (_t: Record<string, SafetensorsTensor>, m: Record<string, string>) => {
      const config = JSON.parse(m.config) as Record<string, unknown>;
      config[key] = value;
      m.config = JSON.stringify(config);
    }),
  fc.string({ maxLength: 12 }).map((text) => (_t: Record<string, SafetensorsTensor>, m: Record<string, string>) => (m.config = text)),
  fc.string({ maxLength: 6 }).map((step) => (_t: Record<string, SafetensorsTensor>, m: Record<string, string>) => (m.step = step)),
  fc
    .array(fc.constantFrom(0, 1, 0xffffffff), { minLength: 4, maxLength: 4 })
    .map((words) => (t: Record<string, SafetensorsTensor>) => (t.rng.data as Uint32Array).set(words)),
  fc
    .tuple(fc.constantFrom('param.', 'ema.', 'm.', 'v.'), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity, -1, 1e30))
    .map(([prefix, at, value]) => (t: Record<string, SafetensorsTensor>) => {
      const names = Object.keys(t).filter((k) => k.startsWith(prefix));
      const data = t[names[at % names.length]].data as Float32Array;
      data[at % data.length] = value;
    }),
);

test(`${runs.numRuns} field-level forgeries with a valid checksum are refused, or load as a valid finite state`, async () => {
  assert.equal((await trained).code, 0);
  const original = readFileSync(checkpointPath(good));
  const { tensors, metadata } = readCheckpoint(checkpointPath(good));
  const dir = tempFolder();
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(forgery, async (forge) => {
      const copy = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { ...t, data: t.data.slice() }])) as Record<
        string,
        SafetensorsTensor
      >;
      const meta = { ...metadata };
      forge(copy, meta);
      writeCheckpoint(checkpointPath(dir), { tensors: copy, metadata: meta });
      if (refusedOrValid(dir) === 'refused') refused++;
    }),
    runs,
  );
  assert.ok(refused > runs.numRuns / 2, `most forgeries are refused (${refused} of ${runs.numRuns})`);
  assert.deepEqual(readFileSync(checkpointPath(good)), original);
});
