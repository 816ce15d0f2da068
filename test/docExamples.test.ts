// The `@example` blocks in the core's doc comments are run: each one imports from 'difflow' (rewritten to the
// core's index here), and a line `expr; // → value` asserts that expr prints as value (numbers to the digits
// shown), `expr; // throws` that it throws. Each example type-checks, and every exported function of the core
// has one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const CORE = resolve('src/core');
const INDEX = join(CORE, 'index.ts');
/** Exported functions whose file is being rewritten elsewhere; their examples come with that rewrite. */
const PENDING = new Set(['samplerByName']);

interface Example {
  readonly where: string;
  readonly code: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** The fenced code of every `@example` in the doc comments of `file`. */
function examplesOf(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const found: Example[] = [];
  for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const body = m[1].replace(/^[ \t]*\* ?/gm, '');
    for (const ex of body.matchAll(/@example[^\n]*\n```ts\n([\s\S]*?)```/g)) {
      const line = text.slice(0, m.index).split('\n').length;
      found.push({ where: `${relative('.', file)}:${line}`, code: ex[1] });
    }
  }
  return found;
}

/** Turns the `// → value` and `// throws` comments into checks and 'difflow' into the core's index. */
function runnable(code: string): string {
  const lines = code.split('\n').map((line) => {
    const check = /^(\s*)(?:await )?(.*?);\s*\/\/ (→|throws)\s*(.*)$/.exec(line);
    if (!check) return line;
    const [, indent, expr, kind, expected] = check;
    const awaited = line.trimStart().startsWith('await ') ? 'await ' : '';
    if (kind === 'throws') return `${indent}__throws(() => ${expr});`;
    return `${indent}__expect(${awaited}${expr}, ${JSON.stringify(expected)});`;
  });
  const header = `import { __expect, __throws } from ${JSON.stringify(pathToFileURL(resolve('test/helpers/docExpect.ts')).href)};`;
  return [header, ...lines].join('\n').replaceAll(`from 'difflow'`, `from ${JSON.stringify(pathToFileURL(INDEX).href)}`);
}

const examples = sources(CORE).flatMap(examplesOf);

test('the core has examples to run', () => {
  assert.ok(examples.length > 50, `found ${examples.length}`);
});

test('every example in the core runs and shows the values it claims', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-examples-'));
  try {
    for (const [i, ex] of examples.entries()) {
      assert.match(ex.code, /from 'difflow'/, `${ex.where}: the example imports from 'difflow'`);
      const file = join(dir, `example${i}.mts`);
      writeFileSync(file, runnable(ex.code));
      await assert.doesNotReject(import(pathToFileURL(file).href), `${ex.where}:\n${ex.code}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every example type-checks against the core', () => {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-examples-'));
  try {
    const index = JSON.stringify(INDEX.replace(/\.ts$/, '.js'));
    const files = examples.map((ex, i) => {
      const file = join(dir, `example${i}.mts`);
      writeFileSync(file, ex.code.replaceAll(`'difflow'`, index));
      return file;
    });
    const config = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.json'), { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const program = ts.createProgram(files, { ...config.options, rootDir: undefined });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const i = d.file ? files.indexOf(d.file.fileName) : -1;
      return `${i >= 0 ? examples[i].where : d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    assert.deepEqual(errors, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Names of the functions (declared or const) that the core's index exports. */
function exportedFunctions(): Map<string, string> {
  const program = ts.createProgram([INDEX], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  const found = new Map<string, string>();
  for (const s of checker.getExportsOfModule(index)) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const decl = target.declarations?.[0];
    if (!decl || target.flags & ts.SymbolFlags.Class) continue;
    if (!(target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable))) continue;
    if (checker.getTypeOfSymbolAtLocation(target, decl).getCallSignatures().length === 0) continue;
    const tags = ts.getJSDocTags(ts.isVariableDeclaration(decl) ? decl.parent.parent : decl);
    found.set(s.name, tags.some((t) => t.tagName.text === 'example') ? '' : relative('.', decl.getSourceFile().fileName));
  }
  return found;
}

test('every function the core exports has an example', () => {
  const functions = exportedFunctions();
  assert.ok(functions.size > 50, `found ${functions.size}`);
  const missing = [...functions].filter(([name, file]) => file !== '' && !PENDING.has(name)).map(([n, f]) => `${n} (${f})`);
  assert.deepEqual(missing, []);
});
