/** The command line's derived random streams: one seed, several independent uses (prior, sampler noise, data). */
import { rng, type Rng } from '../core/index.js';

const SEEDS = 2 ** 53;

/**
 * The seed of a seed's k-th derived stream: seed + k, wrapped exactly into [0, 2⁵³). Below 2⁵³ − k this is plain
 * seed + k, so every result computed so far stays the same; near the top, seed + k would round in a double
 * ((2⁵³ − 100) + 100 and (2⁵³ − 99) + 100 are both 2⁵³), so that two seeds would share a stream: the wrap
 * keeps the map from seeds to derived seeds one-to-one.
 */
export function derivedSeed(seed: number, k: number): number {
  return seed < SEEDS - k ? seed + k : seed - (SEEDS - k);
}

/** The generator of a seed's k-th derived stream. */
export const derivedRng = (seed: number, k: number): Rng => rng(derivedSeed(seed, k));
