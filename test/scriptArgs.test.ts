import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { scriptArgs } from '../scripts/args.js';

const run = (file: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8' });

test('scriptArgs reads flags with their defaults and positionals where allowed', () => {
  const options = { steps: { type: 'string', default: '3' }, markdown: { type: 'boolean', default: false } } as const;
  assert.deepEqual({ ...scriptArgs('u', options, false, ['--markdown']).values }, { steps: '3', markdown: true });
  assert.deepEqual(scriptArgs('u', {}, true, ['runs/a', 'out.onnx']).positionals, ['runs/a', 'out.onnx']);
});

test('a misspelt flag, a missing value or a bad number stops a bench or script with one line and exit 2', () => {
  for (const [file, args, pattern] of [
    ['bench/samplers.ts', ['--nn', '5'], /^Unknown option '--nn'; usage: npm run bench:samplers/],
    ['bench/train.ts', ['--rounds'], /^Option '--rounds <value>' argument missing; usage: npm run bench/],
    ['scripts/compare-outputs.ts', ['--steps', 'many'], /^--steps must be a number, got 'many'\n$/],
    ['scripts/export-web-model.ts', [], /^usage: npx tsx scripts\/export-web-model.ts RUN_DIR/],
  ] as const) {
    const r = run(file, ...args);
    assert.equal(r.status, 2, `${file} ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${file}: one line`);
    assert.equal(r.stdout, '');
  }
});
