/**
 * Arguments of the scripts and benches: `node:util` parseArgs, strict, so a misspelt or unknown flag, or a flag
 * without its value, is refused in one line on stderr (exit 2) instead of being ignored.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options, P extends boolean> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: P; strict: true }>>;

/** The parsed `values` and `positionals`; `usage` is the command line the refusal line ends with. */
export function scriptArgs<O extends Options, P extends boolean = false>(
  usage: string,
  options: O,
  allowPositionals?: P,
  argv = process.argv.slice(2),
): Parsed<O, P> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: allowPositionals ?? false, strict: true }) as Parsed<O, P>;
  } catch (e) {
    if (!String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw e;
    refuse(`${(e as Error).message.split('. ')[0].replace(/\.$/, '')}; usage: ${usage}`);
  }
}

/** A flag's value as a finite number, or the one-line refusal naming the flag. */
export function numberArg(flag: string, value: string): number {
  const x = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(x)) refuse(`--${flag} must be a number, got '${value}'`);
  return x;
}

/** Writes `line` to stderr and exits 2, as the CLI does for a user mistake. */
export function refuse(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(2);
}
