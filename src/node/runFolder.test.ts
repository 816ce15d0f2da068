import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SMALL_RUN, cli, tempFolder } from '../../test/helpers/cli.js';
import { checkpointPath, loadTrainState } from './checkpointing.js';
import { LOCK_FILE } from './lock.js';

const oneLine = (r: { code: number; err: string }, code: number, pattern: RegExp) => {
  assert.equal(r.code, code, r.err);
  assert.match(r.err, /^difflow: [^\n]*\n$/);
  assert.match(r.err, pattern);
};

test(
  '--resume refuses a changed recipe, naming every differing ' + 'flag, and allows --steps, --lr, --checkpoint-every, --threads',
  async () => {
    const run = tempFolder();
    assert.equal((await cli('train', ...SMALL_RUN, '--out', run)).code, 0);
    const before = readFileSync(checkpointPath(run));
    oneLine(
      await cli('train', '--out', run, '--resume', '--schedule', 'edm', '--prediction', 'x'),
      2,
      new RegExp(
        /cannot change --schedule edm \(was fm\), --prediction x \(was u\); /.source +
          /only --steps, --lr, --checkpoint-every, --threads, --spinning may change/.source,
      ),
    );
    oneLine(await cli('train', '--out', run, '--resume', '--data', 'gmm'), 2, /--data gmm \(was moons\)/);
    oneLine(await cli('train', '--out', run, '--resume', '--schedule', 'bogus'), 2, /unknown schedule 'bogus'/);
    // The learning-rate schedule and the network's Fourier features are part of the recipe.
    oneLine(
      await cli('train', '--out', run, '--resume', '--lr-schedule', 'cosine'),
      2,
      /cannot change --lr-schedule cosine \(was constant\)/,
    );
    oneLine(await cli('train', '--out', run, '--resume', '--fourier', '2'), 2, /cannot change --fourier 2 \(was 0\)/);
    assert.deepEqual(readFileSync(checkpointPath(run)), before, 'a refused resume leaves the checkpoint untouched');
    const same = await cli(
      'train',
      '--out',
      run,
      '--resume',
      '--schedule',
      'fm',
      '--steps',
      '6',
      '--lr',
      '5e-4',
      '--checkpoint-every',
      '3',
      '--threads',
      '1',
    );
    assert.equal(same.code, 0, same.err);
    const { config, state } = loadTrainState(run);
    assert.equal(state.step, 6);
    assert.equal(config.lr, 5e-4);
    assert.equal(config.checkpointEvery, 3);
  },
);

test(
  'a second training run on the same folder refuses in one line ' + 'while the first runs; a stale lock of a dead run is taken over',
  async () => {
    const run = tempFolder();
    // A live owner: this test's parent process, on this host.
    writeFileSync(join(run, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), started: 'earlier' }));
    oneLine(await cli('train', ...SMALL_RUN, '--out', run), 2, new RegExp(`in use by another training run \\(pid ${process.ppid}`));
    oneLine(await cli('train', '--out', run, '--resume'), 2, /in use by another training run/);
    writeFileSync(join(run, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere', started: 'earlier' }));
    oneLine(await cli('train', ...SMALL_RUN, '--out', run), 2, /in use by a run on host elsewhere .* remove .*\.lock/);
    // A dead owner: a process that has exited.
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(join(run, LOCK_FILE), JSON.stringify({ pid: dead.pid, host: hostname(), started: 'earlier' }));
    const r = await cli('train', ...SMALL_RUN, '--out', run);
    assert.equal(r.code, 0, r.err);
    assert.ok(!existsSync(join(run, LOCK_FILE)), 'the lock is removed at the end of the run');
  },
);

test('two real train processes on one folder: exactly one trains, the other refuses in one line', async () => {
  const run = tempFolder();
  const start = () =>
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'train', ...SMALL_RUN, '--steps', '400', '--out', run], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  const results = await Promise.all(
    [start(), start()].map(
      (child) =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          let err = '';
          child.stderr.on('data', (d) => (err += d));
          child.on('exit', (code) => resolve({ code, err }));
        }),
    ),
  );
  const codes = results.map((r) => r.code).sort();
  assert.deepEqual(codes, [0, 2], results.map((r) => r.err).join('\n'));
  const refused = results.find((r) => r.code === 2)!;
  assert.match(refused.err, /^difflow: .*(in use by another training run|already holds a checkpoint)[^\n]*\n$/);
  assert.equal(loadTrainState(run).state.step, 400);
});

test('a data file is pinned: a changed file is refused on --resume, and sample / eval work from another folder', async () => {
  const folder = tempFolder();
  const csv = join(folder, 'points.csv');
  writeFileSync(csv, `x,y\n${Array.from({ length: 50 }, (_, i) => `${Math.cos(i)},${Math.sin(i)}`).join('\n')}`);
  const run = join(folder, 'run');
  const cwd = process.cwd();
  process.chdir(folder);
  try {
    assert.equal((await cli('train', ...SMALL_RUN, '--data', 'points.csv', '--out', 'run')).code, 0);
  } finally {
    process.chdir(cwd);
  }
  const { config } = loadTrainState(run);
  assert.equal(config.data, csv, 'the resolved path is stored');
  assert.match(config.dataSha256 ?? '', /^[0-9a-f]{64}$/);
  assert.ok(existsSync(join(run, 'data.csv')), 'a small file is copied into the run folder');
  const elsewhere = tempFolder();
  process.chdir(elsewhere);
  try {
    assert.equal((await cli('sample', '--model', run, '--n', '20', '--steps', '2', '--out', 's.json')).code, 0);
    assert.equal((await cli('eval', '--model', run, '--n', '20', '--nll', '2', '--steps', '2')).code, 0);
  } finally {
    process.chdir(cwd);
  }
  writeFileSync(csv, `x,y\n${Array.from({ length: 50 }, (_, i) => `${100 * i},${i}`).join('\n')}`);
  oneLine(
    await cli('train', '--out', run, '--resume', '--steps', '8'),
    2,
    /data file .*points\.csv changed since the run was trained \(SHA-256 [0-9a-f]{12}…, recorded [0-9a-f]{12}…\)/,
  );
  assert.equal(loadTrainState(run).state.step, 4, 'nothing was trained on the other data');
});

test('non-finite weights are never saved: --lr 1e39 stops with a clear message and the last good checkpoint stays', async () => {
  const fresh = tempFolder();
  oneLine(
    await cli('train', ...SMALL_RUN, '--warmup', '0', '--lr', '1e39', '--steps', '1', '--out', fresh),
    2,
    /training diverged at step 1: non-finite parameters: entry \d+ is (NaN|-?Infinity); nothing was saved/,
  );
  assert.ok(!existsSync(checkpointPath(fresh)));
  const run = tempFolder();
  assert.equal((await cli('train', ...SMALL_RUN, '--warmup', '0', '--out', run)).code, 0);
  const good = readFileSync(checkpointPath(run));
  oneLine(
    await cli('train', '--out', run, '--resume', '--lr', '1e39', '--steps', '8', '--checkpoint-every', '1'),
    2,
    /training diverged at step 5: .*the checkpoint of step 4 is kept/,
  );
  assert.deepEqual(readFileSync(checkpointPath(run)), good, 'the good checkpoint is byte for byte the same');
});

test(
  'temporary files left by a killed writer are removed when the ' + 'run folder is next used; --threads is clamped to the cores',
  async () => {
    const run = tempFolder();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    const stale = `.checkpoint.safetensors.${dead.pid}.0123456789ab.tmp`;
    writeFileSync(join(run, stale), 'half a checkpoint');
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((text: string) => lines.push(text) > 0) as unknown as typeof process.stderr.write;
    let r: Awaited<ReturnType<typeof cli>>;
    try {
      r = await cli('train', ...SMALL_RUN, '--threads', '5000', '--out', run);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(r.code, 0, r.err);
    assert.ok(!readdirSync(run).includes(stale));
    assert.match(lines.join(''), /removed 1 temporary file/);
    assert.match(lines.join(''), /--threads 5000: this machine has \d+ cores; using \d+/);
    assert.ok(loadTrainState(run).config.threads! <= 5000);
  },
);
