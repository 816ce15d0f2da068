/** `difflow schedulers`: the diffusers scheduler classes and config keys that fromDiffusersConfig translates. */
import type { Command } from 'commander';
import { DIFFUSERS_SCHEDULERS, DIFFUSERS_SCHEDULER_NAMES, checkName, type DiffusersConfigKeys } from '../core/index.js';
import { formatTable } from './table.js';

const show = (v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v));

/** The key table of one class: key, default, accepted values, meaning (inert keys marked). */
function keyRows(keys: DiffusersConfigKeys): string[][] {
  return Object.entries(keys).map(([name, key]) => [name, key.inert ? '(no effect)' : show(key.default), key.accepts, key.doc]);
}

/** The listing, as plain text or Markdown (docs/diffusers.md embeds the Markdown form). */
export function schedulersListing(options: { only?: string; markdown?: boolean } = {}): string {
  const names = options.only ? [checkName('scheduler class', options.only, DIFFUSERS_SCHEDULER_NAMES)] : DIFFUSERS_SCHEDULER_NAMES;
  const parts = names.map((name) => {
    const entry = DIFFUSERS_SCHEDULERS[name];
    const head = options.markdown
      ? `### ${name}\n\n${entry.sampler}; randomness: ${entry.randomness}.\n`
      : `${name} — ${entry.sampler}; randomness: ${entry.randomness}`;
    const table = formatTable(['key', 'default', 'accepted', 'meaning'], keyRows(entry.keys), { markdown: options.markdown, text: true });
    return `${head}\n${table}`;
  });
  const footer = 'Keys of other diffusers schedulers are ignored (as diffusers ignores them); keys starting with _ are metadata.';
  return [...parts, footer].join('\n\n');
}

/** Registers the command. */
export function registerSchedulers(p: Command, log: (line: string) => void): void {
  p.command('schedulers')
    .description('list the diffusers scheduler classes and config keys that --scheduler-config accepts')
    .option('--class <name>', `one class (${DIFFUSERS_SCHEDULER_NAMES.join(', ')})`)
    .option('--markdown', 'Markdown tables')
    .action((o: { class?: string; markdown?: boolean }) => log(schedulersListing({ only: o.class, markdown: o.markdown })));
}
