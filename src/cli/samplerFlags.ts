/**
 * Which sampler reads which command-line option (from the sampler registry), so that an option a sampler would
 * ignore is refused instead.
 */
import { DifflowError, samplersReading, type SamplerName } from '../core/index.js';
import { flagName } from '../training/config.js';

/** The sampler options the command line takes, each as the flag of its name. */
export const SAMPLER_FLAGS = ['eta', 'churn'] as const;
type SamplerFlag = (typeof SAMPLER_FLAGS)[number];

/** The samplers that read `--flag`, for help texts and errors: 'the ddim and sde samplers'. */
export function readersOf(flag: SamplerFlag): string {
  const readers = samplersReading(flag);
  return `the ${readers.join(' and ')} sampler${readers.length > 1 ? 's' : ''}`;
}

/** Refuses `--eta` or `--churn` given to a sampler that does not read it, naming the samplers that do. */
export function checkSamplerFlags(sampler: SamplerName, given: Partial<Record<SamplerFlag, number>>): void {
  for (const flag of SAMPLER_FLAGS) {
    if (given[flag] === undefined || samplersReading(flag).includes(sampler)) continue;
    throw new DifflowError(`--${flag} applies to ${readersOf(flag)}, not to ${sampler}`);
  }
}

/** Refuses each of `flags` that was given (a defined value), with the reason it does not apply. */
export function refuseFlags<T extends object>(given: T, flags: readonly (keyof T & string)[], reason: string): void {
  for (const key of flags) {
    if (given[key] !== undefined) throw new DifflowError(`${flagName(key)} ${reason}`);
  }
}
