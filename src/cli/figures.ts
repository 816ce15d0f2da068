import { join } from 'node:path';
import { checkName } from '../core/index.js';
import { FIGURE_NAMES, FIGURES, type Figure } from '../figures/index.js';
import { writeAtomic } from '../io/atomic.js';

/** Computes the post's figures and writes NAME.svg and NAME.json for each into `outDir`. */
export async function writeFigures(outDir: string, only: string[] | undefined, log: (line: string) => void): Promise<string[]> {
  const names = only?.length ? only.map((n) => checkName('figure', n, FIGURE_NAMES)) : FIGURE_NAMES;
  const written: string[] = [];
  for (const name of names) {
    const started = performance.now();
    const fig = FIGURES[name] as Figure<unknown>;
    const data = await fig.compute();
    const svgPath = join(outDir, `${name}.svg`);
    const jsonPath = join(outDir, `${name}.json`);
    writeAtomic(svgPath, fig.render(data));
    writeAtomic(jsonPath, JSON.stringify({ figure: name, title: fig.title, data }, null, 1));
    written.push(svgPath, jsonPath);
    log(`  ${name.padEnd(16)} ${fig.title}  (${(performance.now() - started).toFixed(0)} ms) → ${svgPath}`);
  }
  return written;
}
