import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalAfterProgress, straightAndResumed } from '../../test/helpers/kill.js';
import { loadTrainState } from './checkpointing.js';

const CLI = ['--import', 'tsx', 'src/cli/run.ts'];
const small = [
  '--data',
  'moons',
  '--batch',
  '64',
  '--hidden',
  '32',
  '--layers',
  '2',
  '--steps',
  '80',
  '--checkpoint-every',
  '20',
  '--threads',
  '1',
  '--seed',
  '3',
];
const difflow = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'difflow-run-'));

test('kill -9 during training, then --resume: the loss curve and final parameters equal an uninterrupted run', async () => {
  const { straight: a, resumed: b } = await straightAndResumed({ args: small, every: 20, timeoutMs: 60_000, tmp });
  assert.equal(b.step, 80);
  assert.deepEqual(b.losses, a.losses, 'same loss curve (one thread: bit-identical)');
  assert.deepEqual(b.params, a.params, 'parameters');
  assert.deepEqual(b.ema, a.ema, 'EMA');
  assert.deepEqual(b.m, a.m, 'Adam m');
});

test(
  'SIGINT or SIGTERM ends training after the step in flight, saves that step ' +
    '(not only the last periodic checkpoint), unlocks the folder and exits 130 / 143',
  async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const dir = tmp();
      const child = spawn(
        process.execPath,
        [...CLI, 'train', ...small, '--steps', '100000', '--checkpoint-every', '100000', '--out', dir],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      // The first progress line comes after the first step; stop a little later. No periodic checkpoint comes
      // before step 100000, so a checkpoint at all is the one written on the signal.
      const { code, output } = await signalAfterProgress(child, /step \d+\/100000/, signal, 300);
      assert.equal(code, signal === 'SIGINT' ? 130 : 143, `${signal}: exit code ${code}\n${output}`);
      assert.ok(!existsSync(join(dir, '.lock')), `${signal}: the run folder is unlocked`);
      const stopped = /stopped at step (\d+)/.exec(output);
      assert.ok(stopped, `${signal}: ${output}`);
      const step = loadTrainState(dir).state.step;
      assert.equal(step, Number(stopped[1]), `${signal}: the checkpoint holds the step reached`);
      assert.ok(step > 0 && step < 100_000, `${signal}: stopped at step ${step}`);
    }
  },
);

test('a truncated or tampered checkpoint is refused with a clear error', () => {
  const dir = tmp();
  assert.equal(difflow('train', ...small, '--steps', '5', '--out', dir).status, 0);
  const file = join(dir, 'checkpoint.safetensors');
  const bytes = readFileSync(file);
  const altered = Buffer.from(bytes);
  altered[altered.length - 10] ^= 0x40;
  writeFileSync(file, altered);
  let r = difflow('sample', '--model', dir, '--n', '10', '--out', join(dir, 's.json'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /was altered: checksum mismatch/);
  writeFileSync(file, bytes.subarray(0, bytes.length - 100));
  r = difflow('sample', '--model', dir, '--n', '10', '--out', join(dir, 's.json'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /truncated or corrupt/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('NaN data, a zero learning rate, bad names and an existing run get clear one-line errors', () => {
  const dir = tmp();
  const nanFile = join(dir, 'points.json');
  writeFileSync(
    nanFile,
    JSON.stringify([
      [0, 1],
      [NaN, 2],
      [1, 1],
    ]).replace('null', '"NaN"'),
  );
  const cases: [string[], RegExp][] = [
    [['train', '--data', nanFile, '--out', join(dir, 'a')], /point 2 is not two finite numbers/],
    [['train', '--lr', '0', '--out', join(dir, 'b')], /--lr must be a finite number > 0 \(a zero learning rate never trains\)/],
    [['train', '--prediction', 'w', '--out', join(dir, 'c')], /unknown prediction 'w'; valid: eps, x, v, u/],
    [['train', '--weighting', 'fmm', '--out', join(dir, 'c')], /unknown weighting 'fmm'; valid: fm, /],
    [['train', '--data', 'moon', '--out', join(dir, 'c')], /unknown data set 'moon'; valid: moons, 8gaussians/],
    [['sample', '--model', join(dir, 'none'), '--out', join(dir, 's.json')], /not found/],
  ];
  for (const [args, pattern] of cases) {
    const r = difflow(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const run = join(dir, 'run');
  assert.equal(difflow('train', ...small, '--steps', '2', '--out', run).status, 0);
  const again = difflow('train', ...small, '--steps', '2', '--out', run);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already holds a checkpoint: pass --resume/);
});
