import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMALL_RUN, cli, tempFolder } from '../../test/helpers/cli.js';

/** One line on stderr starting 'difflow: ', matching `pattern`, with the exit code. */
function assertOneLine(r: { code: number; err: string }, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.err);
  assert.match(r.err, /^difflow: [^\n]*\n$/, 'exactly one line');
  assert.match(r.err, pattern);
}

const run = tempFolder();
const trained = cli('train', ...SMALL_RUN, '--out', run);

test('seed 0, the documented default, and 2^53 − 1 are accepted by every command; 2^53, −1 and 1.5 are refused', async () => {
  assert.equal((await trained).code, 0);
  for (const seed of ['0', String(2 ** 53 - 1)]) {
    assert.equal((await cli('oracle', '--seed', seed, '--n', '10', '--steps', '2')).code, 0, `oracle --seed ${seed}`);
    assert.equal(
      (await cli('sample', '--model', run, '--n', '10', '--steps', '2', '--seed', seed, '--out', join(run, 's.json'))).code,
      0,
      `sample --seed ${seed}`,
    );
    assert.equal(
      (await cli('eval', '--model', run, '--n', '10', '--nll', '2', '--steps', '2', '--seed', seed)).code,
      0,
      `eval --seed ${seed}`,
    );
    // demo's seed passes parsing; the unwritable folder is the next check, exit 1.
    assertOneLine(
      await cli('demo', '--no-train', '--seed', seed, '--out', '/proc/difflow/demo'),
      1,
      /cannot create the folder \/proc\/difflow/,
    );
  }
  assert.equal((await cli('train', ...SMALL_RUN, '--steps', '1', '--seed', String(2 ** 53 - 1), '--out', join(tempFolder(), 'r'))).code, 0);
  for (const seed of [String(2 ** 53), '-1', '1.5', '0x10', '']) {
    for (const command of [['oracle'], ['demo', '--no-train'], ['sample', '--model', run, '--out', 'x.json'], ['eval', '--model', run]]) {
      assertOneLine(await cli(...command, '--seed', seed), 2, /--seed must be an integer in \[0, 2\^53\)/);
    }
    assertOneLine(await cli('train', '--seed', seed, '--out', tempFolder()), 2, /--seed must be/);
  }
});

test('sizes that cannot fit in memory are refused in one line before any work', async () => {
  assert.equal((await trained).code, 0);
  for (const [args, pattern] of [
    [['oracle', '--n', '1e12'], /--n 1e12 would need about [\d,]+ TiB of memory/],
    [['oracle', '--steps', '1e12'], /--steps 1e12 would need/],
    [['sample', '--model', run, '--n', '1e12', '--out', join(run, 'x.json')], /--n 1000000000000 would need/],
    [['train', '--hidden', '1e6', '--out', tempFolder()], /training this mlp \(--hidden 1000000.* would need/],
    [['train', '--batch', '1e9', '--out', tempFolder()], /--batch 1000000000.* would need/],
    [['train', '--steps', '1e12', '--out', tempFolder()], /--steps 1000000000000\) would need/],
    [['train', '--data', 'fashion-mnist', '--hidden', '1e5', '--out', tempFolder()], /training this unet .* would need/],
  ] as const) {
    const started = performance.now();
    assertOneLine(await cli(...args), 2, pattern);
    assert.ok(performance.now() - started < 2000, `${args.join(' ')} is refused at once`);
  }
});

test('options that a sampler or a model would ignore are refused, naming the flag as typed', async () => {
  assert.equal((await trained).code, 0);
  const out = join(run, 'x.json');
  for (const [args, pattern] of [
    [['oracle', '--sampler', 'dpmpp2m', '--eta', '0.5'], /--eta applies to the ddim and sde samplers, not to dpmpp2m/],
    [['sample', '--model', run, '--sampler', 'heun', '--churn', '0.3', '--out', out], /--churn applies to the churn sampler, not to heun/],
    [['sample', '--model', run, '--guidance', '3', '--out', out], /--guidance applies to image models only/],
    [['sample', '--model', run, '--per-class', '3', '--out', out], /--per-class applies to image models only/],
    [['eval', '--model', run, '--clip-x'], /--clip-x applies to image models only/],
    [['train', '--ema-decay', 'nan', '--out', tempFolder()], /^difflow: --ema-decay must be a number, got 'nan'/],
    [['train', '--label-dropout', '0x1', '--out', tempFolder()], /--label-dropout must be a number, got '0x1'/],
    [['train', '--lr', '', '--out', tempFolder()], /--lr must be a number, got ''/],
  ] as const)
    assertOneLine(await cli(...args), 2, pattern);
});

test('empty paths are refused; sample --n 1 writes its sample and exits 0', async () => {
  assert.equal((await trained).code, 0);
  for (const args of [
    ['train', '--out', ''],
    ['figures', '--out', ''],
    ['sample', '--model', '', '--out', 'x.json'],
    ['sample', '--model', run, '--out', ' '],
    ['export', '--model', run, '--onnx', ''],
  ]) {
    assertOneLine(await cli(...args), 2, /must name a file or folder, got an empty path/);
  }
  const one = await cli('sample', '--model', run, '--n', '1', '--steps', '2', '--out', join(run, 'one.json'));
  assert.equal(one.code, 0, one.err);
  assert.match(one.out.join('\n'), /^1 samples with dpmpp2m/);
});

test('file-system failures are one line with the path and the reason (exit 1), found before sampling or computing figures', async () => {
  assert.equal((await trained).code, 0);
  const folder = tempFolder();
  mkdirSync(join(folder, 'a-folder.json'));
  writeFileSync(join(folder, 'a-file'), 'x');
  for (const [args, pattern] of [
    [
      ['figures', '--out', '/proc/difflow-figures', '--only', '3-weightings'],
      /^difflow: cannot create the folder \/proc\/difflow-figures: no such file or folder \(ENOENT\)/,
    ],
    [
      ['figures', '--out', join(folder, 'a-file', 'figs')],
      /cannot create the folder .*a-file\/figs: a part of the path is a file, not a folder \(ENOTDIR\)/,
    ],
    [
      ['sample', '--model', run, '--n', '1e6', '--steps', '1000', '--out', join(folder, 'a-folder.json')],
      /cannot write .*a-folder\.json: it is a folder/,
    ],
    [['sample', '--model', run, '--out', '/proc/difflow/s.json'], /cannot create the folder \/proc\/difflow/],
    [['export', '--model', run, '--onnx', join(folder, 'a-file', 'm.onnx')], /a-file: a file of that name exists|ENOTDIR/],
    [['train', ...SMALL_RUN, '--out', '/proc/difflow-run'], /cannot create the folder \/proc\/difflow-run/],
    [
      ['sample', '--model', join(folder, 'a-file'), '--out', 'x.json'],
      /checkpoint .*a-file\/checkpoint\.safetensors: a part of the path is a file/,
    ],
  ] as const) {
    const started = performance.now();
    assertOneLine(await cli(...args), 1, pattern);
    assert.ok(performance.now() - started < 3000, `${args.join(' ')} fails at once`);
  }
});

test('an image model refuses --n and --nll (it samples --per-class per class) and checks its output before sampling', async () => {
  process.env.DIFFLOW_FASHION_MNIST = join(process.cwd(), 'test/fixtures/fashion-mnist-tiny');
  const image = tempFolder();
  const r = await cli(
    'train',
    '--data',
    'fashion-mnist',
    '--hidden',
    '8',
    '--batch',
    '8',
    '--steps',
    '1',
    '--threads',
    '1',
    '--out',
    image,
  );
  assert.equal(r.code, 0, r.err);
  assertOneLine(
    await cli('sample', '--model', image, '--n', '10', '--out', join(image, 'g.png')),
    2,
    /--n does not apply to image models .*; use --per-class/,
  );
  assertOneLine(await cli('eval', '--model', image, '--nll', '10'), 2, /--nll does not apply to image models/);
  assertOneLine(
    await cli('sample', '--model', image, '--per-class', '1e9', '--out', join(image, 'g.png')),
    2,
    /--per-class 1000000000 would need about [\d,.]+ TiB/,
  );
  assertOneLine(await cli('sample', '--model', image, '--out', '/proc/difflow/g.png'), 1, /cannot create the folder \/proc\/difflow/);
});
