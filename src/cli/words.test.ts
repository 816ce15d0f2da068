import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { program } from './main.js';
import { EXAMPLES } from './examples.js';
import { SMALL_RUN, cli, tempFolder } from '../../test/helpers/cli.js';

const commands = (): readonly Command[] => program({ log: () => {}, error: () => {} }, () => {}).commands;

test('every subcommand has examples, and each example uses only flags its command declares', () => {
  for (const c of commands()) {
    const examples = EXAMPLES[c.name()] ?? [];
    assert.ok(examples.length > 0, `${c.name()} has examples`);
    const flags = c.options.map((o) => o.long);
    for (const line of examples) {
      assert.ok(line.startsWith(`difflow ${c.name()} `) || line === `difflow ${c.name()}`, line);
      for (const flag of line.match(/--[a-z-]+/g) ?? []) assert.ok(flags.includes(flag), `${line}: ${flag} is an option of ${c.name()}`);
    }
  }
});

test('help texts write every default one way, as "(default: …)"', () => {
  for (const c of commands()) {
    const help = c.helpInformation().replace(/\s+/g, ' ');
    assert.doesNotMatch(help, /default(?!: )/i, c.name());
    assert.doesNotMatch(help, /default: "/, `${c.name()}: no quotes around a default`);
  }
});

test('every command that runs ONNX Runtime takes --threads, and train names its network and prediction', () => {
  const byName = new Map(commands().map((c) => [c.name(), c.options.map((o) => o.long)]));
  for (const name of ['train', 'sample', 'eval', 'demo']) assert.ok(byName.get(name)?.includes('--threads'), name);
  assert.ok(byName.get('train')?.includes('--network') && byName.get('train')?.includes('--prediction'));
});

test('--version prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const writes: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => writes.push(s) > 0) as typeof process.stdout.write;
  try {
    assert.equal((await cli('--version')).code, 0);
  } finally {
    process.stdout.write = write;
  }
  assert.equal(writes.join(''), `${version}\n`);
});

test('train --model and --output still work for one version, each with one deprecation note on stderr', async () => {
  const run = join(tempFolder(), 'run');
  const r = await cli('train', ...SMALL_RUN, '--model', 'mlp', '--output', 'x', '--out', run);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, 'difflow: deprecated: use --network instead of --model\ndifflow: deprecated: use --prediction instead of --output\n');
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { model: string; output: string };
  assert.deepEqual([config.model, config.output], ['mlp', 'x']);
});

test('an old spelling next to its new one is refused in one line', async () => {
  const r = await cli('train', '--network', 'mlp', '--model', 'mlp', '--out', join(tempFolder(), 'run'));
  assert.equal(r.code, 2);
  assert.equal(r.err, 'difflow: --model is the deprecated spelling of --network; give --network only\n');
});

test('train --network and --prediction reach the run config, with no note', async () => {
  const run = join(tempFolder(), 'run');
  const r = await cli('train', ...SMALL_RUN, '--network', 'mlp', '--prediction', 'v', '--out', run);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  assert.equal((JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { output: string }).output, 'v');
});
