import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One row of docs/ARCHITECTURE.md's table: a layer, its folder, what it may import, whether it runs in a browser. */
interface Layer {
  readonly name: string;
  readonly folder: string;
  readonly mayImport: ReadonlySet<string>;
  readonly browserSafe: boolean;
  /** Files of a browser-safe layer that may import `node:` modules. */
  readonly nodeFiles: ReadonlySet<string>;
}

/** The layer table, read from the page that documents it, so that the page and the check cannot disagree. */
function layerTable(markdown: string): Layer[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => /^\| layer \| folder \| may import \| browser-safe \|$/.test(l));
  assert.ok(header >= 0, 'docs/ARCHITECTURE.md has the layer table');
  const rows = [];
  for (let i = header + 2; i < lines.length && lines[i].startsWith('|'); i++)
    rows.push(
      lines[i]
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  return rows.map(([name, folder, may, safe]) => ({
    name,
    folder: folder.replace(/`/g, ''),
    mayImport: new Set(may === '—' ? [] : may.split(',').map((s) => s.trim())),
    browserSafe: safe.startsWith('yes'),
    nodeFiles: new Set([...safe.matchAll(/`([^`]+)`/g)].map((m) => m[1])),
  }));
}

/** What a source file imports: relative specifiers resolved to repository paths, and package names. */
function importsOf(file: string, source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map(({ fileName }) => (fileName.startsWith('.') ? relative('.', resolve(dirname(file), fileName)) : fileName));
}

const layerOf = (layers: readonly Layer[], path: string): Layer | undefined => layers.find((l) => path.startsWith(`${l.folder}/`));

/** The imports the table forbids, one line each: "src/engine/x.ts imports src/models/y.js (engine may not import models)". */
function violations(layers: readonly Layer[], files: readonly { path: string; source: string }[]): string[] {
  const found: string[] = [];
  for (const { path, source } of files) {
    const from = layerOf(layers, path);
    if (!from) continue;
    for (const target of importsOf(path, source)) {
      if (target.startsWith('node:')) {
        if (from.browserSafe && !from.nodeFiles.has(basename(path))) found.push(`${path} imports ${target} (${from.name} is browser-safe)`);
        continue;
      }
      const to = layerOf(layers, target);
      if (to && to !== from && !from.mayImport.has(to.name))
        found.push(`${path} imports ${target} (${from.name} may not import ${to.name})`);
    }
  }
  return found;
}

function sources(folder: string): { path: string; source: string }[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => {
    const path = join(folder, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.test.ts') ? [{ path, source: readFileSync(path, 'utf8') }] : [];
  });
}

const LAYERS = layerTable(readFileSync('docs/ARCHITECTURE.md', 'utf8'));

test('every source file under src/ and web/src/ belongs to a layer of the table', () => {
  const orphans = [...sources('src'), ...sources('web/src')].map((f) => f.path).filter((p) => !layerOf(LAYERS, p));
  assert.deepEqual(orphans, []);
});

test('no source file imports a layer above its own, and browser-safe layers import no node: module', () => {
  assert.deepEqual(violations(LAYERS, [...sources('src'), ...sources('web/src')]), []);
});

/**
 * The `node:` imports reachable from the browser-safe layers' files, following relative imports through any
 * layer: "web/src/x.ts → src/io/files.ts imports node:fs". Reaching a listed exception (ortNode.ts) counts too:
 * it is Node-only by name.
 */
function reachableNodeImports(layers: readonly Layer[], files: readonly { path: string; source: string }[]): string[] {
  const byPath = new Map(files.map((f) => [f.path, f.source]));
  const tsPath = (p: string) => p.replace(/\.js$/, '.ts');
  const found = new Set<string>();
  for (const start of files) {
    const layer = layerOf(layers, start.path);
    if (!layer?.browserSafe || layer.nodeFiles.has(basename(start.path))) continue;
    const seen = new Set([start.path]);
    const queue = [start.path];
    while (queue.length > 0) {
      const path = queue.shift() as string;
      for (const target of importsOf(path, byPath.get(path) ?? '')) {
        const at = layerOf(layers, target);
        if (target.startsWith('node:')) found.add(`${start.path} → ${path} imports ${target}`);
        else if (at?.nodeFiles.has(basename(tsPath(target)))) found.add(`${start.path} → ${path} imports ${tsPath(target)} (Node-only)`);
        else if (at && byPath.has(tsPath(target)) && !seen.has(tsPath(target))) {
          seen.add(tsPath(target));
          queue.push(tsPath(target));
        }
      }
    }
  }
  return [...found];
}

test('no file reachable from a browser-safe layer imports a node: module, whatever layer it is in', () => {
  assert.deepEqual(reachableNodeImports(LAYERS, [...sources('src'), ...sources('web/src')]), []);
});

test('the reachability check follows an import into a Node-only file of a pure-looking layer, and to a Node-only engine file', () => {
  const files = [
    { path: 'web/src/a.ts', source: "import { f } from '../../src/io/pure.js';" },
    { path: 'src/io/pure.ts', source: "export { g } from './files.js';" },
    { path: 'src/io/files.ts', source: "import { readFileSync } from 'node:fs';" },
    { path: 'src/training/b.ts', source: "import { nodeRuntime } from '../engine/ortNode.js';" },
    { path: 'src/engine/ortNode.ts', source: "import { cpus } from 'node:os';" },
  ];
  assert.deepEqual(reachableNodeImports(LAYERS, files), [
    'web/src/a.ts → src/io/files.ts imports node:fs',
    'src/training/b.ts → src/training/b.ts imports src/engine/ortNode.ts (Node-only)',
  ]);
});

test('the check catches an upward import, a browser-unsafe import and an import from a sibling beside the stack', () => {
  const files = [
    { path: 'src/engine/bad.ts', source: "import { mlp } from '../models/mlp.js';\nexport { toy } from '../data/toy2d.js';" },
    { path: 'src/core/bad.ts', source: "import { readFileSync } from 'node:fs';\nconst f = await import('../engine/graph.js');" },
    { path: 'src/engine/ortNode.ts', source: "import { cpus } from 'node:os';" },
    {
      path: 'src/models/fine.ts',
      source: "// import { x } from '../training/trainer.js';\nimport { Builder } from '../engine/builder.js';",
    },
  ];
  assert.deepEqual(violations(LAYERS, files), [
    'src/engine/bad.ts imports src/models/mlp.js (engine may not import models)',
    'src/engine/bad.ts imports src/data/toy2d.js (engine may not import data)',
    'src/core/bad.ts imports node:fs (core is browser-safe)',
    'src/core/bad.ts imports src/engine/graph.js (core may not import engine)',
  ]);
});
