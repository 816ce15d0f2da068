/** Which sampler reads which command-line option, so that an option a sampler would ignore is refused instead. */
import { DifflowError, type SamplerName } from '../core/index.js';
import { flagName } from '../train/config.js';

type SamplerFlag = 'eta' | 'churn';

const READS: Record<SamplerName, readonly SamplerFlag[]> = {
  ddim: ['eta'], ddpm: [], 'fm-euler': [], 'pf-euler': [], heun: [], dpmpp2m: [], churn: ['churn'], sde: ['eta'],
};

/** Refuses `--eta` or `--churn` given to a sampler that does not read it, naming the samplers that do. */
export function checkSamplerFlags(sampler: SamplerName, given: Partial<Record<SamplerFlag, number>>): void {
  for (const flag of ['eta', 'churn'] as const) {
    if (given[flag] === undefined || READS[sampler].includes(flag)) continue;
    const readers = (Object.keys(READS) as SamplerName[]).filter((s) => READS[s].includes(flag));
    throw new DifflowError(`--${flag} applies to the ${readers.join(' and ')} sampler${readers.length > 1 ? 's' : ''}, not to ${sampler}`);
  }
}

/** Refuses each of `flags` that was given (a defined value), with the reason it does not apply. */
export function refuseFlags<T extends object>(given: T, flags: readonly (keyof T & string)[], reason: string): void {
  for (const key of flags) {
    if (given[key] !== undefined) throw new DifflowError(`${flagName(key)} ${reason}`);
  }
}
