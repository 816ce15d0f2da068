import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The one line width, read from biome.json (the formatter's setting), so it is written down once. */
const WIDTH: number = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')).formatter.lineWidth;

/** Columns a line takes on screen: combining marks (the hat of x̂, the tilde of ε̃) take none. */
function lineWidth(line: string): number {
  return [...line.replace(/\p{M}/gu, '')].length;
}

test('lineWidth counts characters, not UTF-16 units or combining marks', () => {
  assert.equal(lineWidth('x̂ = α·z'), 7);
  assert.equal(lineWidth('𝔼[ε̃]'), 4);
});

test(`no line of a tracked TypeScript or JavaScript file is over ${WIDTH} columns (comments and strings included)`, () => {
  const listed = spawnSync('git', ['ls-files', '-z', '--', '*.ts', '*.mts', '*.cts', '*.js', '*.mjs', '*.cjs'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(listed.status, 0, `git ls-files: ${listed.stderr}`);
  const files = listed.stdout.split('\0').filter((f) => f !== '');
  assert.ok(files.length > 100, `only ${files.length} files listed`);
  const long: string[] = [];
  for (const file of files) {
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const width = lineWidth(line);
        if (width > WIDTH) long.push(`${file}:${i + 1} is ${width} columns`);
      });
  }
  assert.deepEqual(long, []);
});

test('biome check . (lint and format, no writes) finds nothing', () => {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  const r = spawnSync(process.execPath, [biome, 'check', '--colors=off', '.'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}\nnpm run format fixes the formatting; lint findings need fixing by hand`);
});
