/**
 * Old flag spellings kept for one version: hidden from the help, still read, each use noted once on stderr.
 * `train --model <name>` became `--network` and `train --output <kind>` became `--prediction`, so that
 * `--model` always names a trained run folder and `--out` always where results are written.
 */
import { Option, type Command } from 'commander';
import { DifflowError } from '../core/validate.js';

/** Old flag word → its new one, both without the dashes (single words: commander's option keys). */
export type Renames = Readonly<Record<string, string>>;

export const TRAIN_RENAMES: Renames = { model: 'network', output: 'prediction' };

/** Adds each old spelling as a hidden option taking a value. */
export function addDeprecated(cmd: Command, renames: Renames): Command {
  for (const old of Object.keys(renames)) cmd.addOption(new Option(`--${old} <value>`).hideHelp());
  return cmd;
}

/** The options with each old spelling moved to its new key; `warn` gets one line per old spelling used. */
export function takeDeprecated<T extends Record<string, unknown>>(o: T, renames: Renames, warn: (text: string) => void): T {
  const moved: Record<string, unknown> = { ...o };
  for (const [old, now] of Object.entries(renames)) {
    if (moved[old] === undefined) continue;
    if (moved[now] !== undefined) throw new DifflowError(`--${old} is the deprecated spelling of --${now}; give --${now} only`);
    warn(`difflow: deprecated: use --${now} instead of --${old}\n`);
    moved[now] = moved[old];
    delete moved[old];
  }
  return moved as T;
}
