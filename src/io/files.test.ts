import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../../test/helpers/cli.js';
import { writeAtomic } from './atomic.js';
import { FileError, checkOutputFolder, fileError, makeFolder } from './files.js';

test('a full device, a folder without write permission and /proc become one line with the path and the reason', () => {
  let full: unknown;
  try {
    writeFileSync('/dev/full', 'x');
  } catch (e) {
    full = fileError('write', '/dev/full', e);
  }
  assert.ok(full instanceof FileError);
  assert.equal(full.message, 'cannot write /dev/full: no space left on the device (ENOSPC)');
  assert.throws(
    () => checkOutputFolder('/sys'),
    (e) =>
      e instanceof FileError && /^cannot write into \/sys: (permission denied \(EACCES\)|read-only file system \(EROFS\))$/.test(e.message),
  );
  assert.throws(
    () => writeAtomic('/sys/difflow.json', 'x'),
    (e) => e instanceof FileError && /^cannot write \/sys\/difflow\.json: /.test(e.message),
  );
});

test('making a folder under /proc fails at once (Node’s recursive mkdir loops forever there)', () => {
  const started = performance.now();
  assert.throws(
    () => makeFolder('/proc/difflow/a/b'),
    (e) => e instanceof FileError && e.message === 'cannot create the folder /proc/difflow: no such file or folder (ENOENT)',
  );
  assert.ok(performance.now() - started < 500);
});

test('makeFolder creates missing parents and refuses a file in the way', () => {
  const root = tempFolder();
  makeFolder(join(root, 'a', 'b', 'c'));
  makeFolder(join(root, 'a', 'b', 'c'));
  writeFileSync(join(root, 'f'), '');
  assert.throws(() => makeFolder(join(root, 'f')), /cannot create the folder .*f: a file of that name exists/);
});
