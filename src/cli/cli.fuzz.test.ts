/**
 * Fuzz: random bad arguments for every subcommand. Each case is a valid, cheap command line with one defect
 * (a bad value, an unknown option, a missing value or required option, an extra argument); every case must end
 * in exactly one line on stderr and exit 2, quickly, without a stack trace. Run in-process for speed; a few
 * cases also through a real process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { GRID_NAMES, SAMPLER_NAMES, SCHEDULE_NAMES } from '../core/index.js';
import { SMALL_RUN, cli, tempFolder } from '../../test/helpers/cli.js';
import { fuzzRuns } from '../../test/helpers/fuzz.js';

const run = tempFolder();
const trained = cli('train', ...SMALL_RUN, '--out', run);
const out = join(run, 'fuzz-out');

type Kind = 'count' | 'size' | 'seed' | 'number' | 'schedule' | 'sampler' | 'grid' | 'path' | 'name';
/** Per subcommand: its fixed valid prefix and its options with their kind and a cheap valid value. */
const COMMANDS: Record<string, { base: string[]; options: [string, Kind, string][] }> = {
  oracle: {
    base: ['oracle', '--n', '8', '--steps', '2'],
    options: [
      ['--n', 'size', '8'],
      ['--steps', 'size', '2'],
      ['--seed', 'seed', '1'],
      ['--schedule', 'schedule', 'fm'],
      ['--sampler', 'sampler', 'ddim'],
      ['--grid', 'grid', 'uniform'],
      ['--eta', 'number', '0.5'],
    ],
  },
  demo: {
    base: ['demo', '--no-train', '--out', '/proc/difflow-never'],
    options: [
      ['--n', 'size', '8'],
      ['--seed', 'seed', '1'],
      ['--schedule', 'schedule', 'fm'],
      ['--grid', 'grid', 'uniform'],
      ['--out', 'path', '/proc/difflow-never'],
    ],
  },
  figures: {
    base: ['figures', '--out', '/proc/difflow-never'],
    options: [
      ['--out', 'path', '/proc/difflow-never'],
      ['--only', 'name', '3-weightings'],
    ],
  },
  // An unwritable --out: a command line that is in fact valid ends in exit 1 there, and the property catches it.
  train: {
    base: ['train', ...SMALL_RUN, '--out', '/proc/difflow-never'],
    options: [
      ['--steps', 'size', '4'],
      ['--batch', 'size', '32'],
      ['--hidden', 'size', '16'],
      ['--layers', 'count', '1'],
      ['--seed', 'seed', '0'],
      ['--lr', 'number', '1e-3'],
      ['--ema-decay', 'number', '0.9'],
      ['--label-dropout', 'number', '0.1'],
      ['--warmup', 'seed', '1'],
      ['--fourier', 'seed', '0'],
      ['--lr-schedule', 'name', 'constant'],
      ['--checkpoint-every', 'count', '2'],
      ['--threads', 'count', '1'],
      ['--schedule', 'schedule', 'fm'],
      ['--data', 'name', 'moons'],
      ['--network', 'name', 'mlp'],
      ['--prediction', 'name', 'u'],
      ['--weighting', 'name', 'fm'],
      ['--density', 'name', 'uniform'],
      ['--spinning', 'name', 'never'],
      ['--out', 'path', 'x'],
    ],
  },
  sample: {
    base: ['sample', '--model', run, '--n', '8', '--steps', '2', '--out', `${out}.json`],
    options: [
      ['--n', 'size', '8'],
      ['--steps', 'size', '2'],
      ['--seed', 'seed', '0'],
      ['--sampler', 'sampler', 'ddim'],
      ['--grid', 'grid', 'uniform'],
      ['--eta', 'number', '0.3'],
      ['--threads', 'count', '1'],
      ['--model', 'path', run],
      ['--out', 'path', `${out}.json`],
    ],
  },
  eval: {
    base: ['eval', '--model', run, '--n', '8', '--nll', '2', '--steps', '2'],
    options: [
      ['--n', 'count', '8'],
      ['--nll', 'count', '2'],
      ['--steps', 'size', '2'],
      ['--seed', 'seed', '0'],
      ['--sampler', 'sampler', 'ddim'],
      ['--threads', 'count', '1'],
      ['--model', 'path', run],
    ],
  },
  export: {
    base: ['export', '--model', run, '--onnx', `${out}.onnx`],
    options: [
      ['--model', 'path', run],
      ['--onnx', 'path', `${out}.onnx`],
    ],
  },
};

const VALID_NAMES = new Set<string>([
  ...SCHEDULE_NAMES,
  ...SAMPLER_NAMES,
  ...GRID_NAMES,
  'moons',
  'mlp',
  'u',
  'fm',
  'uniform',
  'never',
  '3-weightings',
]);
const junk = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('nan', 'NaN', 'Infinity', '-Infinity', '0x10', '1e400', '½', '١', '\u0000', 'true', '[]', '{}'),
);
const notACount = junk.filter((s) => !/^\s*\+?\d+\.?0*(e\+?\d)?\s*$/i.test(s) || s.trim() === '');
const BAD: Record<Kind, fc.Arbitrary<string>> = {
  count: fc.oneof(fc.constantFrom('0', '-1', '1.5', '0x10', '9007199254740993', '', ' ', 'nan', 'Infinity', '2 3'), notACount),
  /** Counts that size memory: also too large to fit. */
  size: fc.oneof(fc.constantFrom('0', '-1', '1.5', '0x10', '1e12', '9007199254740993', '', 'nan', 'Infinity'), notACount),
  seed: fc.oneof(
    fc.constantFrom('-1', '9007199254740992', '1e300', '0.5', '0x1', '', 'seed'),
    fc.double({ min: 2 ** 53, max: 1e300, noNaN: true }).map(String),
  ),
  number: fc.constantFrom('', ' ', 'nan', 'x', '0x1', 'Infinity', '1,5', '--', '1e400'),
  schedule: junk.filter((s) => !VALID_NAMES.has(s)),
  sampler: junk.filter((s) => !VALID_NAMES.has(s)),
  grid: junk.filter((s) => !VALID_NAMES.has(s)),
  name: junk.filter((s) => !VALID_NAMES.has(s) && s !== ''),
  path: fc.constantFrom('', ' ', '\t'),
};

/** A command line with exactly one defect. */
const badCommand = fc.constantFrom(...Object.keys(COMMANDS)).chain((name) => {
  const { base, options } = COMMANDS[name];
  const badValue = fc.constantFrom(...options).chain(([flag, kind]) => BAD[kind].map((v) => [...base, flag, v]));
  const unknownOption = fc
    .stringMatching(/^--[a-z][a-z-]{0,10}$/)
    .filter(
      (f) =>
        !options.some(([o]) => o === f) &&
        !['--help', '--no-train', '--json', '--no-ema', '--clip-x', '--resume', '--bias', '--eps'].includes(f),
    )
    .map((f) => [...base, f]);
  const missingValue = fc.constantFrom(...options.filter(([, kind]) => kind !== 'name')).map(([flag]) => [...base, flag]);
  const extra = fc
    .string({ minLength: 1, maxLength: 6 })
    .filter((s) => !s.startsWith('-'))
    .map((s) => [...base, s]);
  const cases = [badValue, unknownOption, missingValue, extra];
  // Without --model:
  if (name === 'sample' || name === 'eval' || name === 'export') cases.push(fc.constant(base.filter((_, i) => i !== 1 && i !== 2)));
  return fc.oneof(...cases);
});

const runs = fuzzRuns(300);

test(`${runs.numRuns} command lines with one defect each end in one line on stderr and exit 2, never a stack trace`, async () => {
  assert.equal((await trained).code, 0);
  await fc.assert(
    fc.asyncProperty(badCommand, async (args) => {
      const started = performance.now();
      const r = await cli(...args);
      assert.equal(r.code, 2, `${JSON.stringify(args)} → ${r.code}: ${r.err}`);
      assert.match(r.err, /^difflow: [^\n]+\n$/, `${JSON.stringify(args)}: one line, got ${JSON.stringify(r.err)}`);
      assert.doesNotMatch(r.err, /\bat .*:\d+:\d+/, 'no stack trace');
      assert.ok(performance.now() - started < 2000, `${JSON.stringify(args)} took ${performance.now() - started} ms`);
    }),
    runs,
  );
});

test('the same defects through a real process: one line, exit 2, no stack trace', async () => {
  assert.equal((await trained).code, 0);
  const cases = fc.sample(badCommand, { seed: runs.seed, numRuns: 2 });
  for (const args of cases) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, `${JSON.stringify(args)}: ${r.stderr}`);
    assert.match(r.stderr, /^difflow: [^\n]+\n$/);
  }
});
