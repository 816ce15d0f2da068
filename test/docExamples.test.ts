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

const HELPERS = JSON.stringify(pathToFileURL(resolve('test/helpers/docExpect.ts')).href);

/** Turns the `// → value` and `// throws` comments into checks and 'difflow' into the core's index. */
function runnable(code: string): string {
  const lines = code.split('\n').map((line) => {
    const check = /^(\s*)(await )?(.*?);\s*\/\/ (→|throws)\s*(.*)$/.exec(line);
    if (!check) return line;
    const [, indent, awaited = '', expr, kind, expected] = check;
    if (kind === 'throws') return `${indent}__throws(() => ${expr});`;
    return `${indent}__expect(${awaited}${expr}, ${JSON.stringify(expected)});`;
  });
  const core = JSON.stringify(pathToFileURL(INDEX).href);
  return [`import { __expect, __throws } from ${HELPERS};`, ...lines].join('\n').replaceAll(`'difflow'`, core);
}

/** Writes each example, as `write` makes it, to a temporary .mts file, and runs `use` on the files. */
async function withFiles(write: (ex: Example) => string, use: (files: string[]) => unknown): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-examples-'));
  try {
    const files = examples.map((_, i) => join(dir, `example${i}.mts`));
    examples.forEach((ex, i) => writeFileSync(files[i], write(ex)));
    await use(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const examples = sources(CORE).flatMap(examplesOf);

test('the core has examples to run, each importing from the package', () => {
  assert.ok(examples.length > 50, `found ${examples.length}`);
  for (const ex of examples) assert.match(ex.code, /from 'difflow'/, `${ex.where}: the example imports from 'difflow'`);
});

test('every example in the core runs and shows the values it claims', () =>
  withFiles(
    (ex) => runnable(ex.code),
    async (files) => {
      for (const [i, file] of files.entries()) {
        await assert.doesNotReject(import(pathToFileURL(file).href), `${examples[i].where}:\n${examples[i].code}`);
      }
    },
  ));

test('every example type-checks against the core', () => {
  const core = JSON.stringify(INDEX.replace(/\.ts$/, '.js'));
  return withFiles(
    (ex) => ex.code.replaceAll(`'difflow'`, core),
    (files) => {
      const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} };
      const config = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.json'), {}, host)!;
      const program = ts.createProgram(files, { ...config.options, noEmit: true, rootDir: undefined });
      const errors = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file ? (examples[files.indexOf(d.file.fileName)]?.where ?? d.file.fileName) : '';
        return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      assert.deepEqual(errors, []);
    },
  );
});

interface ExportedFunction {
  readonly name: string;
  readonly file: string;
  readonly hasExample: boolean;
}

/** The functions (declared, or consts of a function type) that the core's index exports. */
function exportedFunctions(): ExportedFunction[] {
  const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true };
  const program = ts.createProgram([INDEX], options);
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  return checker.getExportsOfModule(index).flatMap((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const decl = target.declarations?.[0];
    if (!decl || target.flags & ts.SymbolFlags.Class) return [];
    if (!(target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable))) return [];
    if (checker.getTypeOfSymbolAtLocation(target, decl).getCallSignatures().length === 0) return [];
    const tags = ts.getJSDocTags(ts.isVariableDeclaration(decl) ? decl.parent.parent : decl);
    const hasExample = tags.some((t) => t.tagName.text === 'example');
    return [{ name: s.name, file: relative('.', decl.getSourceFile().fileName), hasExample }];
  });
}

test('every function the core exports has an example', () => {
  const functions = exportedFunctions();
  assert.ok(functions.length > 50, `found ${functions.length}`);
  const missing = functions.filter((f) => !f.hasExample).map((f) => `${f.name} (${f.file})`);
  assert.deepEqual(missing, []);
});
