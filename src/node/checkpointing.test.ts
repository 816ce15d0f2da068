import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SMALL_RUN, cli, tempFolder } from '../../test/helpers/cli.js';
import { DifflowError } from '../core/validate.js';
import { readCheckpoint, writeCheckpoint } from '../io/checkpoint.js';
import { FileError } from '../io/files.js';
import type { SafetensorsTensor } from '../io/safetensors.js';
import { checkpointPath, loadTrainState } from './checkpointing.js';

const good = tempFolder();
const trained = cli('train', ...SMALL_RUN, '--out', good);

/** A run folder holding the good checkpoint with one field forged, under a valid checksum. */
async function forged(change: (tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string>) => void): Promise<string> {
  assert.equal((await trained).code, 0);
  const { tensors, metadata } = readCheckpoint(checkpointPath(good));
  const copy = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { ...t, data: t.data.slice() }])) as Record<
    string,
    SafetensorsTensor
  >;
  const meta = { ...metadata };
  change(copy, meta);
  const dir = tempFolder();
  writeCheckpoint(checkpointPath(dir), { tensors: copy, metadata: meta });
  return dir;
}

test('forged but well-checksummed checkpoints are refused field by field, in one line', async () => {
  const cases: [string, (t: Record<string, SafetensorsTensor>, m: Record<string, string>) => void, RegExp][] = [
    ['config not JSON', (_, m) => (m.config = '{oops'), /its config is not JSON/],
    ['config null', (_, m) => (m.config = 'null'), /its config is not a JSON object/],
    ['config an array', (_, m) => (m.config = '[1]'), /its config is not a JSON object/],
    [
      'config with a bad schedule',
      (_, m) => (m.config = m.config.replace('"schedule":"fm"', '"schedule":"nope"')),
      /its config is invalid: unknown schedule 'nope'/,
    ],
    [
      'config with a huge network',
      (_, m) => (m.config = m.config.replace('"hidden":16', '"hidden":1000000')),
      /tensor 'param\..*' is missing or has the wrong size/,
    ],
    ['all-zero generator state', (t) => (t.rng.data as Uint32Array).fill(0), /the generator state must be 4 words, not all zero/],
    [
      'NaN in the EMA',
      (t) => {
        for (const k of Object.keys(t))
          if (k.startsWith('ema.')) {
            t[k].data[0] = NaN;
            break;
          }
      },
      /non-finite EMA weights: entry 0 is NaN/,
    ],
    [
      'Infinity in the parameters',
      (t) => {
        for (const k of Object.keys(t))
          if (k.startsWith('param.')) {
            t[k].data[1] = Infinity;
            break;
          }
      },
      /non-finite parameters: entry 1 is Infinity/,
    ],
    [
      'negative Adam second moment',
      (t) => {
        for (const k of Object.keys(t))
          if (k.startsWith('v.')) {
            t[k].data[0] = -1;
            break;
          }
      },
      /negative Adam's second moment/,
    ],
    ['NaN in the loss history', (t) => (t.losses.data[0] = NaN), /the loss history holds a non-finite value/],
    ['step not matching the history', (_, m) => (m.step = '3'), /step 3 does not match the loss history/],
    ['another format', (_, m) => (m.format = 'other'), /is not a difflow training checkpoint/],
    [
      'a missing tensor',
      (t) => {
        for (const k of Object.keys(t))
          if (k.startsWith('m.')) {
            delete t[k];
            break;
          }
      },
      /tensor 'm\..*' is missing/,
    ],
  ];
  for (const [what, change, pattern] of cases) {
    const dir = await forged(change);
    assert.throws(
      () => loadTrainState(dir),
      (e) => e instanceof DifflowError && pattern.test(e.message),
      what,
    );
    const r = await cli('sample', '--model', dir, '--n', '5', '--out', join(dir, 's.json'));
    assert.equal(r.code, 2, `${what}: ${r.err}`);
    assert.match(r.err, /^difflow: [^\n]*\n$/, what);
  }
});

test('a checkpoint that is a symlink to /dev/zero, a fifo or a folder is refused at once, without reading it', async () => {
  const zero = tempFolder();
  symlinkSync('/dev/zero', checkpointPath(zero));
  const fifo = tempFolder();
  execFileSync('mkfifo', [checkpointPath(fifo)]);
  const folder = tempFolder();
  mkdirSync(checkpointPath(folder));
  for (const dir of [zero, fifo, folder]) {
    const started = performance.now();
    assert.throws(
      () => loadTrainState(dir),
      (e) => e instanceof FileError && /is not a regular file/.test(e.message),
    );
    const r = await cli('sample', '--model', dir, '--out', join(dir, 's.json'));
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^difflow: cannot read the checkpoint .*checkpoint\.safetensors: it is not a regular file\n$/);
    assert.ok(performance.now() - started < 1000);
  }
});
