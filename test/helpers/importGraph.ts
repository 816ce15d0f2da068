/**
 * The runtime import graph of a source tree: the relative `import … from` / `export … from` edges that survive
 * compilation (`import type`, `export type` and imports whose names are all `type` are erased), and its cycles.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const EDGE =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** The relative specifiers a module imports at run time. */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(EDGE)) {
    if (m[5] !== undefined) {
      found.push(m[5]);
      continue;
    }
    const [, , typeOnly, clause, spec] = m;
    const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
    const names = braces
      ? braces[1]
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : [];
    const allTypes = braces !== null && names.length > 0 && names.every((s) => s.startsWith('type '));
    if (typeOnly === undefined && !allTypes) found.push(spec);
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `./a.js` from `dir/b.ts` → `dir/a.ts` (or `dir/a/index.ts`); undefined when not a source file of the tree. */
function resolve(from: string, spec: string): string | undefined {
  const base = join(dirname(from), spec.replace(/\.js$/, ''));
  return [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
}

/** Module → the modules it imports at run time, paths relative to `root`. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const targets = runtimeImports(readFileSync(file, 'utf8')).flatMap((spec) => resolve(file, spec) ?? []);
    graph.set(
      relative(root, file),
      targets.map((t) => relative(root, t)),
    );
  }
  return graph;
}

/** Every cycle found by a depth-first search, each as the path a → … → a (one per back edge). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
