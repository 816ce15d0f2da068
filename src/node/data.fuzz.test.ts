/**
 * Fuzz: data files. Random CSV tables of decimals read back exactly; a table with one field replaced by
 * something that is not a plain decimal is refused naming that point; random bytes are refused or give finite
 * points; and a pinned data file changed byte by byte is refused on --resume, the checkpoint untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { SMALL_RUN, cli, tempFolder } from '../../test/helpers/cli.js';
import { fuzzRuns } from '../../test/helpers/fuzz.js';
import { rng } from '../core/rng.js';
import { DifflowError } from '../core/validate.js';
import { parseDecimal } from '../data/numbers.js';
import { checkpointPath } from './checkpointing.js';
import { parsePoints } from './data.js';

const runs = fuzzRuns(200);
const encode = (text: string) => new TextEncoder().encode(text);
const decimal = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => String(x));
const table = fc.tuple(
  fc.array(fc.tuple(decimal, decimal), { minLength: 2, maxLength: 20 }),
  fc.constantFrom(',', ';', ' ', '\t', ', '),
  fc.constantFrom('\n', '\r\n'),
);

test(`${runs.numRuns} random CSV tables of decimals read back exactly`, () => {
  fc.assert(
    fc.property(table, ([rows, sep, eol]) => {
      const points = parsePoints('p.csv', encode(rows.map((r) => r.join(sep)).join(eol)));
      const drawn = points.sample(200, rng(0));
      const valid = new Set(rows.flat().map(Number));
      for (const x of drawn) assert.ok(valid.has(x), `${x} is one of the table's numbers`);
    }),
    runs,
  );
});

test(`${runs.numRuns} CSV tables with one field that is not a plain decimal are refused, naming the point`, () => {
  const junk = fc
    .oneof(fc.string({ maxLength: 6 }), fc.constantFrom('0x10', '', 'Infinity', 'NaN', '1e', '--1', '1.2.3'))
    .filter((s) => Number.isNaN(parseDecimal(s)) && !/[,;\s]/.test(s));
  fc.assert(
    fc.property(table, fc.nat(), fc.boolean(), junk, ([rows, sep, eol], at, second, bad) => {
      const row = at % rows.length;
      const changed = rows.map((r, i) => (i === row ? (second ? [r[0], bad] : [bad, r[1]]) : r));
      // A first row with letters is a header: put the defect below it.
      const lines = ['0,0', ...changed.map((r) => r.join(sep))];
      assert.throws(
        () => parsePoints('p.csv', encode(lines.join(eol))),
        (e) => e instanceof DifflowError && e.message.includes(`point ${row + 2} is not two finite numbers`),
      );
    }),
    runs,
  );
});

test(`${runs.numRuns} random byte strings as .csv or .json are refused, or give finite points`, () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('p.csv', 'p.json'), (bytes, name) => {
      try {
        const d = parsePoints(name, bytes);
        assert.ok(d.sample(50, rng(1)).every(Number.isFinite));
      } catch (e) {
        assert.ok(e instanceof DifflowError, String(e));
      }
    }),
    runs,
  );
});

const resumes = Math.ceil(runs.numRuns / 4);

test(`${resumes} byte changes to a pinned data file are each refused on --resume; the checkpoint is untouched`, async () => {
  const folder = tempFolder();
  const csv = join(folder, 'points.csv');
  const text = Array.from({ length: 30 }, (_, i) => `${Math.cos(i).toFixed(4)},${Math.sin(i).toFixed(4)}`).join('\n');
  writeFileSync(csv, text);
  const run = join(folder, 'run');
  assert.equal((await cli('train', ...SMALL_RUN, '--data', csv, '--out', run)).code, 0);
  const checkpoint = readFileSync(checkpointPath(run));
  const original = encode(text);
  await fc.assert(
    fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
      const changed = original.slice();
      changed[at % changed.length] ^= mask;
      writeFileSync(csv, changed);
      const r = await cli('train', '--out', run, '--resume', '--steps', '6');
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /^difflow: data file .* changed since the run was trained[^\n]*\n$/);
    }),
    { ...runs, numRuns: resumes },
  );
  assert.ok(readFileSync(checkpointPath(run)).equals(checkpoint));
});
