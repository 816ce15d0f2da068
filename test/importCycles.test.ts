import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCycles, importGraph, runtimeImports } from './helpers/importGraph.js';

test('runtimeImports keeps value imports and re-exports and drops the type-only ones', () => {
  const source = [
    "import { a, type B } from './a.js';",
    "import type { C } from './c.js';",
    "import { type D, type E } from './d.js';",
    'import {\n  f,\n  g,\n} from "../f.js";',
    "export { h } from './h.js';",
    "export type { I } from './i.js';",
    "import './side-effect.js';",
    "import { readFileSync } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(runtimeImports(source), ['./a.js', '../f.js', './h.js', './side-effect.js']);
});

test('findCycles reports a cycle as its path and none in a tree', () => {
  assert.deepEqual(
    findCycles(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['a']],
      ]),
    ),
    [['a', 'b', 'c', 'a']],
  );
  assert.deepEqual(
    findCycles(
      new Map([
        ['a', ['b', 'c']],
        ['b', ['c']],
        ['c', []],
      ]),
    ),
    [],
  );
});

test('no module under src/ imports itself at run time through a cycle', () => {
  const cycles = findCycles(importGraph('src'));
  assert.deepEqual(
    cycles.map((c) => c.join(' → ')),
    [],
  );
});
