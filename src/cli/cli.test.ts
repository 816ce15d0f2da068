import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the real CLI in a child process (through tsx, so no build is needed). */
function difflow(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('unknown schedule, sampler and grid names get one line naming the valid values, and exit code 2', () => {
  for (const [args, pattern] of [
    [['oracle', '--schedule', 'cosinus'], /^difflow: unknown schedule 'cosinus'; valid: fm, fm-vp, cosine/],
    [['oracle', '--sampler', 'euler'], /^difflow: unknown sampler 'euler'; valid: ddim, ddpm, fm-euler/],
    [['demo', '--grid', 'log'], /^difflow: unknown grid 'log'; valid: uniform, lambda, karras, edm/],
    [['oracle', '--steps', '0'], /--steps must be an integer ≥ 1, got '0'/],
    [['figures', '--only', 'fig9'], /^difflow: unknown figure 'fig9'/],
  ] as const) {
    const r = difflow(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, pattern);
    assert.equal(r.err.trim().split('\n').length, 1, 'one line');
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  }
  const unknown = difflow('sample-everything');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command/);
});

test('figures writes an SVG and a JSON file per figure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-'));
  const r = difflow('figures', '--out', dir, '--only', '3-weightings', '4-churn');
  assert.equal(r.code, 0, r.err);
  for (const name of ['3-weightings', '4-churn']) {
    assert.ok(readFileSync(join(dir, `${name}.svg`), 'utf8').includes('<svg'));
    assert.equal(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')).figure, name);
  }
  assert.ok(!existsSync(join(dir, '1-rescaling.svg')));
});

test('the same seed gives the same samples from the CLI, another seed different ones', () => {
  const run = (seed: string) =>
    JSON.parse(difflow('oracle', '--sampler', 'ddpm', '--steps', '5', '--n', '20', '--seed', seed, '--json').out).samples;
  assert.deepEqual(run('3'), run('3'));
  assert.notDeepEqual(run('3'), run('4'));
});
