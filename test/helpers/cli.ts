/** Runs the CLI in this process (no child process, no build): its exit code, stdout lines and stderr text. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly out: string[];
  readonly err: string;
}

export async function cli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  let err = '';
  const code = await main(
    args,
    (line) => out.push(line),
    (text) => (err += text),
  );
  return { code, out, err };
}

/** A fresh temporary folder. */
export const tempFolder = (prefix = 'difflow-') => mkdtempSync(join(tmpdir(), prefix));

/** A small, fast 2-D training recipe (one thread: bit-reproducible). */
export const SMALL_RUN = [
  '--data',
  'moons',
  '--batch',
  '32',
  '--hidden',
  '16',
  '--layers',
  '1',
  '--steps',
  '4',
  '--checkpoint-every',
  '2',
  '--threads',
  '1',
  '--spinning',
  'never',
];
